package server

import (
	"github.com/raftlab/raftlab/core/httpapi"
	"github.com/raftlab/raftlab/core/store"
)

var _ httpapi.InternalReader = (*Server)(nil)

// GetInternal reads the local store's internal namespace (the v2 auth records live there; they
// are written through Do with node.KindInternal requests).
func (s *Server) GetInternal(path string, recursive bool) (*store.Event, error) {
	return s.store.Load().GetInternal(path, recursive)
}

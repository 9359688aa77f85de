package server

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/raftlab/raftlab/core/node"
)

// Metadata is what a member records in its WAL when it is created, so that it can restart from
// its data dir alone.
type Metadata struct {
	Name      string `json:"name"`
	MemberID  uint64 `json:"memberID"`
	ClusterID uint64 `json:"clusterID"`
	// InitialMembers is the bootstrap membership of a new cluster; for a member that joined, the
	// membership it found (only used to reach the cluster until the node learns the membership).
	InitialMembers []node.Member `json:"initialMembers,omitempty"`
	// Join is true for a member added at runtime (--initial-cluster-state existing).
	Join bool `json:"join,omitempty"`
}

// metadataVersion tags the encoding so that a future change can be told apart.
const metadataVersion = 1

type metadataFile struct {
	Version int `json:"version"`
	Metadata
}

// EncodeMetadata renders m as the WAL's metadata bytes.
func EncodeMetadata(m Metadata) ([]byte, error) {
	b, err := json.Marshal(metadataFile{Version: metadataVersion, Metadata: m})
	if err != nil {
		return nil, fmt.Errorf("server: encode metadata: %w", err)
	}
	return b, nil
}

// ErrBadMetadata wraps every failure to read a data dir's metadata.
var ErrBadMetadata = errors.New("server: bad data dir metadata")

// DecodeMetadata parses what EncodeMetadata wrote.
func DecodeMetadata(b []byte) (Metadata, error) {
	var f metadataFile
	if err := json.Unmarshal(b, &f); err != nil {
		return Metadata{}, fmt.Errorf("%w: %w", ErrBadMetadata, err)
	}
	if f.Version != metadataVersion {
		return Metadata{}, fmt.Errorf("%w: version %d, want %d", ErrBadMetadata, f.Version, metadataVersion)
	}
	if f.MemberID == 0 || f.ClusterID == 0 {
		return Metadata{}, fmt.Errorf("%w: member ID %x, cluster ID %x", ErrBadMetadata, f.MemberID, f.ClusterID)
	}
	return f.Metadata, nil
}

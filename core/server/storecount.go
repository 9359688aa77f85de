package server

// CountGet counts a get in this member's /v2/stats/store: the HTTP layer counts there the read
// etcd makes of its auth flag for each request (see httpapi's countAuthFlagRead).
func (s *Server) CountGet(ok bool) { s.store.Load().CountGet(ok) }

// AuthFlag reads (and, with count, counts the read of) the local store's auth flag, see
// store.Store.AuthFlag.
func (s *Server) AuthFlag(count bool) bool { return s.store.Load().AuthFlag(count) }

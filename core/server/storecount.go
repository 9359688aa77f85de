package server

// CountGet counts a get in this member's /v2/stats/store: the HTTP layer counts there the read
// etcd makes of its auth flag for each request (see httpapi's countAuthFlagRead).
func (s *Server) CountGet(ok bool) { s.store.Load().CountGet(ok) }

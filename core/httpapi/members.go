package httpapi

import (
	"cmp"
	"net/http"
	"strings"

	"github.com/raftlab/raftlab/core/v2members"
)

// serveMembers is /v2/members[/...] (ETCD_V2_API.md §9): the shell around v2members' translation,
// with the auth check, the cluster ID header, the body limit and the clock.
func (h *handler) serveMembers(w http.ResponseWriter, r *http.Request) {
	if !allowMethod(w, r.Method, http.MethodGet, http.MethodPost, http.MethodDelete, http.MethodPut) {
		return
	}
	if r.Method != http.MethodGet {
		h.countAuthFlagRead()
	}
	if r.Method != http.MethodGet && !h.hasRootAccess(r) { // changing membership needs root, as in etcd
		writeAuthNoAuth(w) // before the cluster ID header, as etcd
		return
	}
	h.clusterIDHeader(w)
	if r.Body != nil {
		r.Body = http.MaxBytesReader(w, r.Body, h.cfg.MaxRequestBytes)
	}
	rest := strings.TrimLeft(strings.TrimPrefix(r.URL.Path, membersPrefix), "/")
	call, refused := v2members.Translate(r.Method, rest, r.Header.Get("Content-Type"), r.Body)
	if refused != nil {
		refused.Write(w)
		return
	}
	var resp v2members.Response
	switch call.Route {
	case v2members.RouteList:
		resp = v2members.ListResponse(h.status().Members)
	case v2members.RouteLeader:
		st := h.status()
		resp = v2members.LeaderResponse(st.Members, st.Lead)
	default:
		if m := &call.Request.Member; call.Adds() {
			m.ID = v2members.MemberID(m.PeerURLs, h.cfg.Clock())
		}
		rep, err := h.backend.Do(r.Context(), call.Request)
		var internal bool
		if resp, internal = v2members.ReplyResponse(call.Request, rep, err); internal {
			h.cfg.Logger.Warn("httpapi: membership change failed", "err", cmp.Or(err, rep.Err))
		}
	}
	resp.Write(w)
}

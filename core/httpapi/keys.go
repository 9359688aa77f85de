package httpapi

import (
	"net/http"

	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/core/store"
	"github.com/raftlab/raftlab/core/v2keys"
)

// serveKeys is /v2/keys[/...] (ETCD_V2_API.md §3): the translation (core/v2keys) decides what the
// request asks and what its answer is; this shell reads the request, checks access, calls the
// backend and writes the answer.
func (h *handler) serveKeys(w http.ResponseWriter, r *http.Request) {
	if !allowMethod(w, r.Method, http.MethodHead, http.MethodGet, http.MethodPut, http.MethodPost, http.MethodDelete) {
		return
	}
	h.clusterIDHeader(w)
	p, perr := h.parseKeyParams(w, r)
	if perr != nil {
		writeStoreError(w, perr)
		return
	}
	h.countAuthFlagRead()
	write := r.Method != http.MethodGet && r.Method != http.MethodHead
	ak := authKey(r.URL.Path[len(keysPrefix):], p.Key)
	if !h.canAccessKey(r, ak, write, p.Recursive) {
		writeKeyNoAuth(w)
		return
	}
	method := keysMethod(r.Method, p.Quorum)
	if !p.Wait {
		h.metrics.countReceived(method)
	}
	defer h.countKeysOutcome(w, method, p.Wait, h.cfg.Clock())
	switch call := v2keys.Plan(r.Method, p); call.Route {
	case v2keys.RouteWatch:
		h.serveWatch(w, r, call, ak)
	case v2keys.RouteLocalGet:
		h.serveLocalGet(w, call.Request)
	default:
		if call.Request.Kind == node.KindQuorumGet { // etcd turns it into QGET even with wait=true
			// Checked again once read: the member has then applied every auth change that completed
			// before the read began.
			h.doKeysThen(w, r, call.Request, false, func() bool { return h.canAccessKey(r, ak, false, p.Recursive) })
			return
		}
		call.Request.Write.Caller = h.writeCaller(r) // checked again by the store in log order
		h.doKeysThen(w, r, call.Request, call.NoValueOnSuccess, nil)
	}
}

// serveLocalGet answers a GET or HEAD from the local store.
func (h *handler) serveLocalGet(w http.ResponseWriter, req node.Request) {
	ev, err := h.backend.Get(req.Key, req.Recursive, req.Sorted, req.Now)
	if err != nil {
		h.writeKeyError(w, err)
		return
	}
	st := h.status()
	h.writeKeyResponse(w, v2keys.EventResponse(ev, ev.EtcdIndex, st.Commit, st.Term, false))
}

// doKeysThen submits req through the backend and writes the answer; a successful one only if
// allowed (nil: always) still holds once the reply is in, otherwise the request is refused with 401.
func (h *handler) doKeysThen(w http.ResponseWriter, r *http.Request, req node.Request, noValueOnSuccess bool, allowed func() bool) {
	if req.Kind == node.KindWrite {
		h.metrics.proposalsPending.Add(1)
	}
	rep, err := h.backend.Do(r.Context(), req)
	if err == nil {
		err = rep.Err
	}
	if req.Kind == node.KindWrite {
		h.metrics.proposalsPending.Add(-1)
		h.metrics.countProposal(err)
	}
	if err == nil && allowed != nil && !allowed() {
		writeKeyNoAuth(w)
		return
	}
	resp, internal := v2keys.ReplyResponse(rep, err, noValueOnSuccess)
	if internal {
		h.cfg.Logger.Warn("httpapi: request failed", "err", err)
	}
	h.writeKeyResponse(w, resp)
}

// writeKeyResponse writes a keys answer: its headers and status, then its body, a listing
// streamed (its size has no bound but the store's).
func (h *handler) writeKeyResponse(w http.ResponseWriter, resp v2keys.Response) {
	resp.SetHeaders(w.Header())
	if ev := resp.Event; ev != nil && ev.Node != nil && len(ev.Node.Nodes) > 0 {
		_ = writeEventStream(w, resp.Status, ev) // a failed write means the client went away
		return
	}
	if resp.Status != http.StatusOK {
		w.WriteHeader(resp.Status)
	}
	buf := h.bodyBuffer()
	*buf = resp.AppendBody((*buf)[:0])
	_, _ = w.Write(*buf)
	h.recycleBody(buf)
}

// A write's answer carries its value twice (node and prevNode): laid out in a fresh buffer, it
// cost an allocation or two per request the size of the body. The buffers are recycled instead,
// those that grew past maxPooledBody (a large listing or value) excepted, so that the pool holds
// no more than a few kilobytes each.
const maxPooledBody = 16 << 10

// bodyBuffer takes a buffer for a response body.
func (h *handler) bodyBuffer() *[]byte {
	if b, ok := h.bodies.Get().(*[]byte); ok {
		return b
	}
	b := make([]byte, 0, 1024)
	return &b
}

// recycleBody gives back a buffer once its body was written (the writer has copied it).
func (h *handler) recycleBody(b *[]byte) {
	if cap(*b) <= maxPooledBody {
		h.bodies.Put(b)
	}
}

// writeKeyError writes err as a key-API error (v2keys.ErrorFor), logging an internal one.
func (h *handler) writeKeyError(w http.ResponseWriter, err error) {
	e, internal := v2keys.ErrorFor(err)
	if internal {
		h.cfg.Logger.Warn("httpapi: request failed", "err", err)
	}
	writeStoreError(w, e)
}

// writeStoreError writes e: its status, X-Etcd-Index its index, its JSON newline-terminated.
func writeStoreError(w http.ResponseWriter, e *store.Error) {
	resp := v2keys.ErrorResponse(e)
	resp.SetHeaders(w.Header())
	w.WriteHeader(resp.Status)
	_, _ = w.Write(resp.AppendBody(make([]byte, 0, 128)))
}

// status reads the backend's status and notes leader changes for /metrics.
func (h *handler) status() node.Status {
	st := h.backend.Status()
	if prev := h.lastLeader.Swap(st.Lead); prev != st.Lead && st.Lead != 0 {
		h.metrics.leaderChanges.Add(1)
	}
	return st
}

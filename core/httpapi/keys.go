package httpapi

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/core/store"
)

// errEmptyReply is what a reply with neither an event nor an error is reported as.
var errEmptyReply = errors.New("received response with no Event/Watcher")

// serveKeys is /v2/keys[/...] (ETCD_V2_API.md §3).
func (h *handler) serveKeys(w http.ResponseWriter, r *http.Request) {
	if !allowMethod(w, r.Method, http.MethodHead, http.MethodGet, http.MethodPut, http.MethodPost, http.MethodDelete) {
		return
	}
	h.clusterIDHeader(w)
	if r.Body != nil {
		r.Body = http.MaxBytesReader(w, r.Body, h.cfg.MaxRequestBytes)
	}
	p, perr := h.parseKeyParams(r)
	if perr != nil {
		writeStoreError(w, perr)
		return
	}
	h.countAuthFlagRead()
	write := r.Method != http.MethodGet && r.Method != http.MethodHead
	if !h.canAccessKey(r, p.authKey, write, p.recursive) {
		writeKeyNoAuth(w)
		return
	}
	method := keysMethod(r.Method, p.quorum)
	if !p.wait {
		h.metrics.countReceived(method)
	}
	defer h.countKeysOutcome(w, method, p.wait, h.cfg.Clock())
	switch call := keysCall(r.Method, p); call.Route {
	case RouteWatch:
		h.serveWatch(w, r, p)
	case RouteLocalGet:
		h.serveLocalGet(w, p)
	default:
		if call.Request.Kind == node.KindQuorumGet { // etcd turns it into QGET even with wait=true
			// Checked again once read: the member has then applied every auth change that completed
			// before the read began.
			h.doKeysThen(w, r, call.Request, false, func() bool { return h.canAccessKey(r, p.authKey, false, p.recursive) })
			return
		}
		call.Request.Write.Caller = h.writeCaller(r) // checked again by the store in log order
		h.doKeys(w, r, call.Request, call.NoValueOnSuccess)
	}
}

// serveLocalGet answers a GET or HEAD from the local store.
func (h *handler) serveLocalGet(w http.ResponseWriter, p keyParams) {
	ev, err := h.backend.Get(p.key, p.recursive, p.sorted, p.now)
	if err != nil {
		h.writeKeyError(w, err)
		return
	}
	st := h.status()
	writeKeyEvent(w, ev, ev.EtcdIndex, st.Commit, st.Term, false)
}

// doKeys submits req through the backend and writes the reply.
func (h *handler) doKeys(w http.ResponseWriter, r *http.Request, req node.Request, noValueOnSuccess bool) {
	h.doKeysThen(w, r, req, noValueOnSuccess, nil)
}

// doKeysThen is doKeys whose successful reply is sent only if allowed (nil: always) still holds
// once the reply is in; otherwise the request is refused with 401.
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
	if errors.Is(err, node.ErrTooLarge) { // the door let through what the node refuses: not a 500
		writeStoreError(w, requestTooLarge())
		return
	}
	if err != nil {
		h.writeKeyError(w, err)
		return
	}
	if rep.Event == nil {
		h.writeKeyError(w, errEmptyReply)
		return
	}
	index := rep.EtcdIndex
	if index == 0 {
		index = rep.Event.EtcdIndex
	}
	writeKeyEvent(w, rep.Event, index, rep.RaftIndex, rep.RaftTerm, noValueOnSuccess)
}

// writeKeyEvent writes a successful key response: 201 for a create or a set of a new key, else 200,
// with the index headers. noValueOnSuccess reduces set/create/update/CAS bodies to the action.
func writeKeyEvent(w http.ResponseWriter, ev *store.Event, etcdIndex, raftIndex, raftTerm uint64, noValueOnSuccess bool) {
	setIndexHeaders(w.Header(), etcdIndex, raftIndex, raftTerm)
	code := http.StatusOK
	if ev.IsCreated() {
		code = http.StatusCreated
	}
	if noValueOnSuccess && hidesValue(ev.Action) {
		ev = &store.Event{Action: ev.Action}
	}
	if ev.Node != nil && len(ev.Node.Nodes) > 0 {
		_ = writeEventStream(w, code, ev) // a listing: its size has no bound but the store's
		return
	}
	body, ok := ev.AppendJSON(make([]byte, 0, 512)) // json.Encoder's bytes, without reflection
	if !ok {
		_ = writeJSONLine(w, code, ev) // encoding/json says why it cannot encode the event
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if code != http.StatusOK {
		w.WriteHeader(code)
	}
	_, _ = w.Write(append(body, '\n')) // a failed write means the client went away
}

// hidesValue reports whether noValueOnSuccess applies to action.
func hidesValue(action string) bool {
	switch action {
	case store.ActionSet, store.ActionCreate, store.ActionUpdate, store.ActionCompareAndSwap:
		return true
	}
	return false
}

// setIndexHeaders sets X-Etcd-Index, X-Raft-Index and X-Raft-Term, their values in one array (see
// addCORSHeaders).
func setIndexHeaders(hdr http.Header, etcdIndex, raftIndex, raftTerm uint64) {
	v := [...]string{strconv.FormatUint(etcdIndex, 10), strconv.FormatUint(raftIndex, 10), strconv.FormatUint(raftTerm, 10)}
	hdr["X-Etcd-Index"] = v[0:1:1]
	hdr["X-Raft-Index"] = v[1:2:2]
	hdr["X-Raft-Term"] = v[2:3:3]
}

// status reads the backend's status and notes leader changes for /metrics.
func (h *handler) status() node.Status {
	st := h.backend.Status()
	if prev := h.lastLeader.Swap(st.Lead); prev != st.Lead && st.Lead != 0 {
		h.metrics.leaderChanges.Add(1)
	}
	return st
}

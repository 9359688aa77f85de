package httpapi

import (
	"encoding/json"
	"net/http"
)

// serveWatch is GET ?wait=true (ETCD_V2_API.md §6): headers are flushed at once, then one event
// (or, with stream, every event as one JSON line) until the client goes away, the store drops the
// watcher or the caller may no longer read the key.
func (h *handler) serveWatch(w http.ResponseWriter, r *http.Request, p keyParams) {
	if !h.watchers.acquire(r.RemoteAddr) {
		writeTooManyWatchers(w, h.cfg.MaxWatchersPerConn)
		return
	}
	defer h.watchers.release(r.RemoteAddr)
	wa, err := h.backend.Watch(p.key, p.recursive, p.stream, p.waitIndex)
	if err != nil {
		h.writeKeyError(w, err)
		return
	}
	defer wa.Remove()
	st := h.status()
	w.Header().Set("Content-Type", "application/json")
	setIndexHeaders(w.Header(), wa.StartIndex(), st.Commit, st.Term)
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	_ = rc.Flush()
	enc := json.NewEncoder(w)
	// A watch whose caller loses the right to read what it watches ends, as a removed watcher does:
	// the client's next try is refused with etcd's 110.
	perm := h.watchPermission(r, p)
	defer perm.stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-perm.tick():
			if !perm.allowed() {
				return
			}
		case ev, ok := <-wa.EventChan():
			if !ok || !perm.allowed() {
				return
			}
			h.watchWriteDeadline(rc)
			if err := enc.Encode(ev); err != nil || !p.stream {
				return
			}
			if err := rc.Flush(); err != nil {
				return
			}
			h.clearWatchWriteDeadline(rc)
		}
	}
}

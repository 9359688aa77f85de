package httpapi

import (
	"net/http"

	"github.com/raftlab/raftlab/core/v2keys"
)

// serveWatch is GET ?wait=true (ETCD_V2_API.md §6): headers are flushed at once, then one event
// (or, with stream, every event as one JSON line) until the client goes away, the store drops the
// watcher or the caller may no longer read the key. The answer's headers and every event's bytes
// are the translation's (v2keys.WatchResponse, v2keys.AppendEvent).
// authKey is the key the caller's permission is checked on while the watch lasts.
func (h *handler) serveWatch(w http.ResponseWriter, r *http.Request, call v2keys.Call, authKey string) {
	if !h.watchers.acquire(r.RemoteAddr) {
		writeTooManyWatchers(w, h.cfg.MaxWatchersPerConn)
		return
	}
	defer h.watchers.release(r.RemoteAddr)
	key, recursive := call.Request.Key, call.Request.Recursive
	wa, err := h.backend.Watch(key, recursive, call.Stream, call.WaitIndex)
	if err != nil {
		h.writeKeyError(w, err)
		return
	}
	defer wa.Remove()
	st := h.status()
	resp := v2keys.WatchResponse(wa.StartIndex(), st.Commit, st.Term)
	resp.SetHeaders(w.Header())
	w.WriteHeader(resp.Status)
	rc := http.NewResponseController(w)
	_ = rc.Flush()
	// A watch whose caller loses the right to read what it watches ends, as a removed watcher does:
	// the client's next try is refused with etcd's 110.
	perm := h.watchPermission(r, authKey, recursive)
	defer perm.stop()
	var line []byte
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
			line = v2keys.AppendEvent(line[:0], ev)
			if _, err := w.Write(line); err != nil || !call.Stream {
				return
			}
			if err := rc.Flush(); err != nil {
				return
			}
			h.clearWatchWriteDeadline(rc)
		}
	}
}

package netsim

import "strconv"

// Canceler is implemented by processes that can be told that a client gave up on a request (the
// real node then stops resubmitting it). The simulator tells them when a client's attempt times out,
// as a closed HTTP connection tells kvd.
type Canceler interface {
	Cancel(id uint64)
}

// unservedInput is a client's input that reached a node not serving clients yet.
type unservedInput struct {
	id          uint64 // the request's ID
	incarnation uint64
	kind        string
	detail      string
	fn          func()
}

// serving reports whether the node serves clients: a starting node (not published yet, or not
// caught up after a restart) accepts connections but answers nothing, as kvd and etcd do.
func (h *host) serving() bool { return !h.last.Starting }

// holdUntilServing keeps a client's input until the node serves; it is dropped if the node crashes
// first (the client's connection is lost with it).
func (h *host) holdUntilServing(id uint64, kind, detail string, fn func()) {
	h.unserved = append(h.unserved, unservedInput{id: id, incarnation: h.incarnation, kind: kind, detail: detail, fn: fn})
	h.sim.tracef("starting", h.name, "%s %s waits", kind, detail)
}

// serveHeld hands the node, once it serves, the client inputs that waited for it, in arrival order.
func (h *host) serveHeld() {
	if len(h.unserved) == 0 || !h.alive || h.paused || !h.serving() {
		return
	}
	held := h.unserved
	h.unserved = nil
	for _, in := range held {
		if in.incarnation == h.incarnation {
			h.input(in.kind, in.detail, in.fn)
		}
	}
}

// abandon tells node target that the client of request id stopped waiting for it: a request still
// waiting for the node to serve is dropped, one the node has is cancelled there.
func (cs *clientSet) abandon(target, id uint64) {
	h := cs.sim.hostByID(target)
	if h == nil || !h.alive {
		return
	}
	for i, in := range h.unserved {
		if in.id == id && in.incarnation == h.incarnation {
			h.unserved = append(h.unserved[:i], h.unserved[i+1:]...)
			return
		}
	}
	if c, ok := h.proc.(Canceler); ok {
		h.input("cancel", "id="+strconv.FormatUint(id, 10), func() { c.Cancel(id) })
	}
}

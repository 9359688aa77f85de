package httpapi

import (
	"net/http"
	"time"
)

// watchRecheckInterval is how often an idle watch checks that its caller may still read what it
// watches, so that the watch of a deleted user or of a revoked role ends even when no event comes.
const watchRecheckInterval = 200 * time.Millisecond

// watchPermission keeps checking, for one open watch, the permission it was opened with. Every
// event is checked before it is sent, on this member's auth records, which then include every
// auth change logged before that event; between events a ticker checks it.
type watchPermission struct {
	h      *handler
	r      *http.Request
	key    string
	rec    bool
	ticker *time.Ticker // nil when the backend has no auth
}

func (h *handler) watchPermission(r *http.Request, key string, recursive bool) *watchPermission {
	wp := &watchPermission{h: h, r: r, key: key, rec: recursive}
	if h.auth.supported() {
		wp.ticker = time.NewTicker(watchRecheckInterval)
	}
	return wp
}

// tick delivers the times to check again (never, without auth).
func (wp *watchPermission) tick() <-chan time.Time {
	if wp.ticker == nil {
		return nil
	}
	return wp.ticker.C
}

// allowed reports whether the caller may still read the watched key; a watch that may not ends.
func (wp *watchPermission) allowed() bool {
	return wp.ticker == nil || wp.h.canAccessKey(wp.r, wp.key, false, wp.rec)
}

func (wp *watchPermission) stop() {
	if wp.ticker != nil {
		wp.ticker.Stop()
	}
}

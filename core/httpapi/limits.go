package httpapi

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Defaults of the watch limits.
const (
	// DefaultMaxWatchersPerConn caps the watches one client connection (one TCP connection: HTTP/1
	// carries one at a time, HTTP/2 many) may hold open at once.
	DefaultMaxWatchersPerConn = 256
	// DefaultWatchWriteTimeout bounds how long writing one watch event may block on a client that
	// does not read; the watch is then ended and the connection closed.
	DefaultWatchWriteTimeout = 10 * time.Second
)

// watchLimiter counts the open watches of every client connection, keyed by its remote address
// (unique per TCP connection, shared by the streams of an HTTP/2 connection).
type watchLimiter struct {
	limit int
	mu    sync.Mutex
	open  map[string]int
}

func newWatchLimiter(limit int) *watchLimiter {
	return &watchLimiter{limit: limit, open: map[string]int{}}
}

// acquire takes a watch slot for conn; false when the connection already holds the limit.
func (l *watchLimiter) acquire(conn string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[conn] >= l.limit {
		return false
	}
	l.open[conn]++
	return true
}

// release gives back a slot taken by acquire.
func (l *watchLimiter) release(conn string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[conn]--; l.open[conn] <= 0 {
		delete(l.open, conn)
	}
}

// total is the number of open watches over every connection.
func (l *watchLimiter) total() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, c := range l.open {
		n += c
	}
	return n
}

// writeTooManyWatchers answers a watch over the per-connection limit: 429, in the
// {"message": ...} shape etcd uses for errors outside the key space.
func writeTooManyWatchers(w http.ResponseWriter, limit int) {
	writeHTTPError(w, http.StatusTooManyRequests,
		"too many watchers on this connection (limit "+strconv.Itoa(limit)+"); open another connection")
}

// watchWriteDeadline sets the deadline for writing (and flushing) the next watch event, so that a client that
// stopped reading cannot hold a handler (and its connection) forever. Writers that do not support
// deadlines (some test recorders) are left as they are.
func (h *handler) watchWriteDeadline(rc *http.ResponseController) {
	_ = rc.SetWriteDeadline(time.Now().Add(h.cfg.WatchWriteTimeout))
}

// clearWatchWriteDeadline lifts the deadline once an event is out: a watch may then wait for the
// next event as long as it likes.
func (h *handler) clearWatchWriteDeadline(rc *http.ResponseController) {
	_ = rc.SetWriteDeadline(time.Time{})
}

package httpapi

import (
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/raftlab/raftlab/core/store"
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

// The request limits. Every request is measured once, here at the door, against the limit of each
// resource it would use, so that nothing the door lets through can be refused further in (where a
// refusal used to be a 500, which clients retry on every member and report as an outage):
//   - the body, while the form is parsed: Config.MaxRequestBytes (etcd's text for a form over Go's
//     limit);
//   - the key: Config.MaxKeyBytes, at most store.MaxKeyBytes, which Apply enforces on every replica;
//   - the payload a write carries into the log (key, value and prevValue, from the body or the
//     query): Config.MaxRequestBytes, the node's own limit on a proposal's payload (both default to
//     node.DefaultMaxRequestBytes), so raft never sees a proposal it refuses.
// The key and the payload are checked by the translation (v2keys.Parse), which the lab runs too.

// causePOSTTooLarge is the cause of etcd's error for a form body over the limit.
const causePOSTTooLarge = "http: POST too large"

// formError is the key-API error for a form that did not parse: 400/210 with Go's text, or etcd's
// text for a body over the limit.
func formError(err error) *store.Error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return store.NewError(store.EcodeInvalidForm, causePOSTTooLarge, 0)
	}
	return store.NewError(store.EcodeInvalidForm, err.Error(), 0)
}

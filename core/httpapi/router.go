package httpapi

import (
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"sync/atomic"
)

// Route prefixes (ETCD_V2_API.md §1).
const (
	keysPrefix    = "/v2/keys"
	membersPrefix = "/v2/members"
)

// handler is the whole API: CORS, path cleaning, routing and metrics around the endpoint handlers.
type handler struct {
	cfg     Config
	backend Backend
	metrics *metrics
	// auth reads and writes the v2 auth records; passwords verifies basic-auth credentials.
	auth      authStore
	passwords *passwordChecker
	// authWrites serializes this member's read-modify-write changes of auth records, so two
	// concurrent grants through one member cannot lose each other.
	authWrites sync.Mutex
	// lastLeader is the last leader seen in a Status, to count leader changes when the backend
	// does not count them itself.
	lastLeader atomic.Uint64
	// watchers counts open watches per client connection (Config.MaxWatchersPerConn).
	watchers *watchLimiter
}

func newHandler(cfg Config) *handler {
	reader, _ := cfg.Backend.(InternalReader)
	return &handler{cfg: cfg, backend: cfg.Backend, metrics: newMetrics(),
		auth: newAuthStore(cfg.Backend, reader), passwords: newPasswordChecker(),
		watchers: newWatchLimiter(cfg.MaxWatchersPerConn)}
}

// ServeHTTP adds the CORS headers, answers OPTIONS, redirects unclean paths like Go's ServeMux and
// dispatches to the endpoint.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &statusRecorder{ResponseWriter: w, discardBody: r.Method == http.MethodHead}
	defer func() { h.metrics.countRequest(r.Method, rec.status()) }()
	addCORSHeaders(rec.Header())
	if r.Method == http.MethodOptions {
		rec.WriteHeader(http.StatusOK)
		return
	}
	if clean := cleanPath(r.URL.EscapedPath()); clean != r.URL.EscapedPath() {
		u := url.URL{RawQuery: r.URL.RawQuery}
		if p, err := url.PathUnescape(clean); err == nil {
			u.Path, u.RawPath = p, clean
		} else {
			u.Path = clean
		}
		http.Redirect(rec, r, u.String(), http.StatusTemporaryRedirect)
		return
	}
	h.route(r.URL.Path)(rec, r)
}

// route picks the endpoint for the (decoded, clean) path p.
func (h *handler) route(p string) http.HandlerFunc {
	switch {
	case p == keysPrefix || strings.HasPrefix(p, keysPrefix+"/"):
		return h.serveKeys
	case p == membersPrefix || strings.HasPrefix(p, membersPrefix+"/"):
		return h.serveMembers
	case p == authUsersPrefix || strings.HasPrefix(p, authUsersPrefix+"/"):
		return h.serveAuthUsers
	case p == authRolesPrefix || strings.HasPrefix(p, authRolesPrefix+"/"):
		return h.serveAuthRoles
	}
	switch p {
	case "/v2/stats/self":
		return h.serveSelfStats
	case "/v2/stats/leader":
		return h.serveLeaderStats
	case "/v2/stats/store":
		return h.serveStoreStats
	case "/v2/machines":
		return h.serveMachines
	case "/v2/auth/enable":
		return h.serveAuthEnable
	case "/version":
		return h.serveVersion
	case "/health":
		return h.serveHealth
	case "/metrics":
		return h.serveMetrics
	}
	return http.NotFound
}

// addCORSHeaders sets etcd's default (--cors='*') CORS headers.
func addCORSHeaders(hdr http.Header) {
	hdr.Set("Access-Control-Allow-Origin", "*")
	hdr.Set("Access-Control-Allow-Methods", "POST, GET, OPTIONS, PUT, DELETE")
	hdr.Set("Access-Control-Allow-Headers", "accept, content-type, authorization")
}

// cleanPath is Go's ServeMux path cleaning: path.Clean, keeping a trailing slash.
func cleanPath(p string) string {
	if p == "" {
		return "/"
	}
	if p[0] != '/' {
		p = "/" + p
	}
	np := path.Clean(p)
	if p[len(p)-1] == '/' && np != "/" {
		if len(p) == len(np)+1 && strings.HasPrefix(p, np) {
			np = p
		} else {
			np += "/"
		}
	}
	return np
}

// allowMethod answers 405 with an Allow header unless method is one of ms.
func allowMethod(w http.ResponseWriter, method string, ms ...string) bool {
	for _, m := range ms {
		if m == method {
			return true
		}
	}
	w.Header().Set("Allow", strings.Join(ms, ","))
	http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
	return false
}

// statusRecorder remembers the status code for the request counters and passes flushes through.
type statusRecorder struct {
	http.ResponseWriter
	code int
	// discardBody drops the body of a HEAD answer (net/http would drop it too; this keeps
	// handlers that do not go through a server, such as tests, honest).
	discardBody bool
}

// WriteHeader records the first status written.
func (s *statusRecorder) WriteHeader(code int) {
	if s.code == 0 {
		s.code = code
	}
	s.ResponseWriter.WriteHeader(code)
}

// Write records an implicit 200 and writes b (nothing for HEAD).
func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.code == 0 {
		s.code = http.StatusOK
	}
	if s.discardBody {
		return len(b), nil
	}
	return s.ResponseWriter.Write(b)
}

// Flush sends buffered data to the client, when the underlying writer can.
func (s *statusRecorder) Flush() {
	if s.code == 0 {
		s.code = http.StatusOK
	}
	_ = http.NewResponseController(s.ResponseWriter).Flush()
}

// Unwrap exposes the underlying writer to http.ResponseController.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// status is the status sent (200 when the handler wrote nothing).
func (s *statusRecorder) status() int {
	if s.code == 0 {
		return http.StatusOK
	}
	return s.code
}

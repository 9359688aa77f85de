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
	// clusterID is the X-Etcd-Cluster-Id value last written, with the ID it spells (see
	// clusterIDHeader).
	clusterID atomic.Pointer[clusterIDValue]
	// bodies recycles the buffers key responses are laid out in (see layOutBody).
	bodies sync.Pool
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
	route(r.URL.Path)(h, rec, r)
}

// endpoint serves one endpoint of a handler. Routes are method expressions, not method values:
// a method value would allocate on every request.
type endpoint func(h *handler, w http.ResponseWriter, r *http.Request)

// route picks the endpoint for the (decoded, clean) path p.
func route(p string) endpoint {
	switch {
	case p == keysPrefix || strings.HasPrefix(p, keysPrefix+"/"):
		return (*handler).serveKeys
	case p == membersPrefix || strings.HasPrefix(p, membersPrefix+"/"):
		return (*handler).serveMembers
	case p == authUsersPrefix || strings.HasPrefix(p, authUsersPrefix+"/"):
		return (*handler).serveAuthUsers
	case p == authRolesPrefix || strings.HasPrefix(p, authRolesPrefix+"/"):
		return (*handler).serveAuthRoles
	}
	switch p {
	case "/v2/stats/self":
		return (*handler).serveSelfStats
	case "/v2/stats/leader":
		return (*handler).serveLeaderStats
	case "/v2/stats/store":
		return (*handler).serveStoreStats
	case "/v2/machines":
		return (*handler).serveMachines
	case "/v2/auth/enable":
		return (*handler).serveAuthEnable
	case "/version":
		return (*handler).serveVersion
	case "/health":
		return (*handler).serveHealth
	case "/metrics":
		return (*handler).serveMetrics
	}
	return notFound
}

func notFound(_ *handler, w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }

// addCORSHeaders sets etcd's default (--cors='*') CORS headers. Every response carries them, so
// their values are set without allocating: one three-string array, each header a slice of it
// that an Add could only copy, never grow in place.
func addCORSHeaders(hdr http.Header) {
	hdr["Access-Control-Allow-Origin"] = corsOrigin
	hdr["Access-Control-Allow-Methods"] = corsMethods
	hdr["Access-Control-Allow-Headers"] = corsHeaders
}

// The CORS header values. http.Header values are never changed in place (a handler that sets a
// header replaces its slice), so every response shares these; never written.
var (
	corsOrigin  = []string{"*"}
	corsMethods = []string{"POST, GET, OPTIONS, PUT, DELETE"}
	corsHeaders = []string{"accept, content-type, authorization"}
)

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

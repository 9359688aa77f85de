package main

import (
	"cmp"
	"context"
	"crypto/tls"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/httpapi"
	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/core/server"
)

// clusterSpec describes a real in-process cluster for kvctl to talk to.
type clusterSpec struct {
	// members is how many members start (default 1).
	members int
	// absent members are in the initial cluster but never start: with as many absent as
	// started, no leader is ever elected.
	absent int
	// doors is how many recorded client listeners each member serves its v2 API on (default 1).
	doors int
	// advertise gives the client URLs member i publishes, given its doors' URLs (default: the
	// first door's).
	advertise func(i int, doors []string) []string
	// tls, when set, makes every door serve https with it.
	tls *tls.Config
}

// testCluster is a set of real members (core/server and core/httpapi) on 127.0.0.1, with temp
// data dirs, stopped when the test ends.
type testCluster struct {
	members []*testMember
}

// testMember is one running member and the client listeners in front of its v2 API.
type testMember struct {
	name   string
	server *server.Server
	// clientURLs are the client URLs the member publishes.
	clientURLs []string
	// doors record what kvctl sends; admin is an unrecorded listener for the tests' own setup.
	doors []*door
	admin *httptest.Server
}

// door is a client listener of a member that records every request it passes on to the
// member's API, as "METHOD /path?query", and the client connections they came over.
type door struct {
	srv *httptest.Server

	mu       sync.Mutex
	requests []string
	remotes  map[string]bool
}

func newDoor() *door {
	return &door{srv: httptest.NewUnstartedServer(nil), remotes: map[string]bool{}}
}

// record wraps the member's API.
func (d *door) record(api http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		line := r.Method + " " + r.URL.Path
		if r.URL.RawQuery != "" {
			line += "?" + r.URL.RawQuery
		}
		d.mu.Lock()
		d.requests = append(d.requests, line)
		d.remotes[r.RemoteAddr] = true
		d.mu.Unlock()
		api.ServeHTTP(w, r)
	})
}

// Requests lists the requests this door received, oldest first.
func (d *door) Requests() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.requests)
}

// count is how many requests with this method the door received.
func (d *door) count(method string) int {
	n := 0
	for _, r := range d.Requests() {
		if len(r) > len(method) && r[:len(method)+1] == method+" " {
			n++
		}
	}
	return n
}

// connections is how many client connections the door's requests came over.
func (d *door) connections() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.remotes)
}

// URL is the door's base URL.
func (d *door) URL() string { return d.srv.URL }

func (d *door) url(scheme string) string { return scheme + d.srv.Listener.Addr().String() }

// close ends the door's connections first: a watch still open (a failed test) would make
// Close wait forever.
func (d *door) close() {
	d.srv.CloseClientConnections()
	d.srv.Close()
}

// startCluster starts the members of spec and, unless some are absent, waits until one leads
// and every member has published its name and client URLs.
func startCluster(t *testing.T, spec clusterSpec) *testCluster {
	t.Helper()
	spec.members, spec.doors = max(spec.members, 1), max(spec.doors, 1)
	if spec.advertise == nil {
		spec.advertise = func(_ int, doors []string) []string { return doors[:1] }
	}
	scheme := "http://"
	if spec.tls != nil {
		scheme = "https://"
	}
	// An election timeout of 40 ticks keeps a multi-member leader in place on a loaded machine.
	heartbeat, election := 10*time.Millisecond, 100*time.Millisecond
	if spec.members+spec.absent > 1 {
		heartbeat, election = 25*time.Millisecond, time.Second
	}
	total := spec.members + spec.absent
	listeners := make([]net.Listener, total)
	initial := make([]node.Member, total)
	for i := range total {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		listeners[i] = ln
		initial[i] = node.Member{Name: "n" + strconv.Itoa(i+1), PeerURLs: []string{"http://" + ln.Addr().String()}}
	}
	for _, ln := range listeners[spec.members:] {
		require.NoError(t, ln.Close()) // an absent member's peer URL: nobody listens there
	}
	c := &testCluster{}
	for i := range spec.members {
		m := &testMember{name: initial[i].Name}
		var urls []string
		for range spec.doors {
			d := newDoor()
			m.doors = append(m.doors, d)
			urls = append(urls, d.url(scheme))
		}
		m.clientURLs = spec.advertise(i, urls)
		srv, err := server.Start(server.Config{
			Name: m.name, DataDir: t.TempDir(), PeerListener: listeners[i], PeerURLs: initial[i].PeerURLs,
			ClientURLs: m.clientURLs, InitialCluster: initial, Token: "kvctl-test",
			HeartbeatInterval: heartbeat, ElectionTimeout: election, StrictReconfigCheck: true, NoSync: true,
			Logger: slog.New(slog.DiscardHandler),
		})
		require.NoError(t, err)
		m.server = srv
		c.members = append(c.members, m)
		t.Cleanup(m.stop)
		api := httpapi.New(httpapi.Config{Backend: srv})
		for _, d := range m.doors {
			d.srv.Config.Handler = d.record(api)
			d.srv.Config.ErrorLog = log.New(io.Discard, "", 0) // refused TLS handshakes are expected
			if spec.tls != nil {
				d.srv.TLS = spec.tls
				d.srv.StartTLS()
			} else {
				d.srv.Start()
			}
		}
		m.admin = httptest.NewUnstartedServer(api)
		if spec.tls != nil {
			m.admin.TLS = spec.tls
			m.admin.StartTLS()
		} else {
			m.admin.Start()
		}
	}
	if spec.absent == 0 {
		c.waitReady(t)
	}
	return c
}

// stop closes the member's listeners and stops it.
func (m *testMember) stop() {
	for _, d := range m.doors {
		d.close()
	}
	if m.admin != nil {
		m.admin.CloseClientConnections()
		m.admin.Close()
	}
	ctx, cancel := context.WithTimeout(context.Background(), testWait)
	defer cancel()
	_ = m.server.Stop(ctx)
}

// waitReady waits until every member knows the same leader and has seen every member publish
// its client URLs.
func (c *testCluster) waitReady(t *testing.T) {
	t.Helper()
	published := map[uint64]int{}
	for _, m := range c.members {
		published[m.server.ID()] = len(m.clientURLs)
	}
	require.Eventually(t, func() bool {
		lead := c.members[0].server.Status().Lead
		for _, m := range c.members {
			st := m.server.Status()
			if st.Lead == 0 || st.Lead != lead {
				return false
			}
			for _, p := range st.Members {
				if len(p.ClientURLs) != published[p.ID] {
					return false
				}
			}
		}
		return true
	}, testWait, 5*time.Millisecond, "the cluster never settled")
}

// id is the member's ID as the members API writes it.
func (m *testMember) id() string { return strconv.FormatUint(m.server.ID(), 16) }

// leader is the member that leads, as the first member sees it.
func (c *testCluster) leader(t *testing.T) *testMember {
	t.Helper()
	st := c.members[0].server.Status()
	for _, m := range c.members {
		if m.server.ID() == st.Lead && m.server.Status().Role == raft.RoleLeader {
			return m
		}
	}
	t.Fatalf("no leader among %d members", len(c.members))
	return nil
}

// membership is the cluster's member list as the first member knows it, ordered by ID as the
// members API lists it.
func (c *testCluster) membership() []node.Member {
	ms := slices.Clone(c.members[0].server.Status().Members)
	slices.SortFunc(ms, func(a, b node.Member) int { return cmp.Compare(a.ID, b.ID) })
	return ms
}

// index is the first member's current etcd index.
func (c *testCluster) index(t *testing.T) uint64 {
	t.Helper()
	ev, err := c.members[0].server.Get("/", false, false, 0)
	require.NoError(t, err)
	return ev.EtcdIndex
}

// watchers is how many watches are registered on the first member.
func (c *testCluster) watchers() uint64 {
	return c.members[0].server.StoreStats().Watchers
}

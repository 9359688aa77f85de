package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.etcd.io/etcd/client/v2"
)

// rollLoad is the client side of a rolling restart: clients configured with every member's client
// URL (as etcd clients are) run every kind of v2 request in turn, and a watcher follows the whole
// key space, re-watching from its last index whenever its connection ends. Each request's outcome
// is recorded; a failure is an error the client library gave after trying every endpoint, or an
// answer that contradicts what the same client acknowledged before.
type rollLoad struct {
	endpoints []string
	prefix    string

	mu       sync.Mutex
	counts   map[string]int
	failures []string
	// writes are the latencies of acknowledged writes; acked their modified indexes.
	writes []time.Duration
	acked  map[uint64]string
	seen   map[uint64]bool
	// watchRestarts counts re-watches after a watch connection ended; refusedRetries the one-shot
	// requests sent again because the member never read them (see notSent).
	watchRestarts, refusedRetries int
	// noLeaderAnswers counts /health probes every member answered with "no leader".
	noLeaderAnswers int
	worst           time.Duration
	worstWhat       string
}

func newRollLoad(endpoints []string, prefix string) *rollLoad {
	return &rollLoad{endpoints: endpoints, prefix: prefix, counts: map[string]int{}, acked: map[uint64]string{}, seen: map[uint64]bool{}}
}

func (l *rollLoad) record(kind string, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.counts[kind]++
	if err != nil {
		l.failures = append(l.failures, fmt.Sprintf("%s: %v", kind, err))
	}
}

func (l *rollLoad) wrote(kind string, start time.Time, via *hostRecorder, resp *client.Response, err error) {
	l.record(kind, err)
	if err != nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	d := time.Since(start)
	l.writes = append(l.writes, d)
	if d > l.worst {
		l.worst, l.worstWhat = d, fmt.Sprintf("%s of %s started at %s, answered by %s", kind, resp.Node.Key, start.Format("15:04:05.000"), via.lastHost())
	}
	l.acked[resp.Node.ModifiedIndex] = resp.Node.Key
}

// hostRecorder is one client's transport; it remembers which member answered the last request.
type hostRecorder struct {
	*http.Transport
	last atomic.Value // string
}

func newHostRecorder() *hostRecorder {
	return &hostRecorder{Transport: client.DefaultTransport.(*http.Transport).Clone()}
}

func (h *hostRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := h.Transport.RoundTrip(r)
	if err == nil {
		h.last.Store(r.URL.Host)
	}
	return resp, err
}

func (h *hostRecorder) lastHost() string {
	s, _ := h.last.Load().(string)
	return s
}

func (l *rollLoad) newClient(t *testing.T, tr *hostRecorder) client.Client {
	c, err := client.New(client.Config{Endpoints: l.endpoints, Transport: tr, HeaderTimeoutPerRequest: 10 * time.Second})
	require.NoError(t, err)
	return c
}

// run starts the clients and the watcher; stop ends the clients, gives the watcher up to
// watchDrain to see the last writes, then ends it.
func (l *rollLoad) run(t *testing.T, clients int) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	watchCtx, cancelWatch := context.WithCancel(context.Background())
	var clientsDone, watchDone sync.WaitGroup
	startIndex := l.currentIndex(t)
	for i := range clients {
		// One watcher per client's keys: a v2 watcher gets one event per request, and one watcher
		// of the whole key space fell more than the 1,000 remembered events behind six clients
		// writing without pause (error 401) on a fast day.
		c := l.newClient(t, newHostRecorder())
		watchDone.Go(func() { l.watch(watchCtx, c, l.clientPrefix(i), startIndex) })
	}
	for i := range clients {
		tr := newHostRecorder()
		c := l.newClient(t, tr)
		clientsDone.Go(func() { l.client(ctx, c, tr, i) })
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			cancel()
			clientsDone.Wait()
			for deadline := time.Now().Add(watchDrain); time.Now().Before(deadline) && len(l.missedByWatch()) > 0; {
				time.Sleep(10 * time.Millisecond)
			}
			cancelWatch()
			watchDone.Wait()
		})
	}
}

// watchDrain bounds how long the watcher may take to deliver the last acknowledged writes.
const watchDrain = 10 * time.Second

// notSent reports whether err says that the member never handled the request: the connection was
// refused (a member between its stop and its restart), or a kept-alive connection was closed as
// idle as the request went out on it. A stopping member (Go's http.Server.Shutdown) closes only
// connections on which no request is being handled, and members here only ever stop gracefully,
// so the request was not handled; Go's transport reports that race as "server closed idle
// connection" or, when the close crosses the request on the wire, as EOF — or as a reset when the
// request's bytes were already in the member's receive buffer as it closed the connection unread
// (the kernel answers a close with unread data by a reset) — and resends only idempotent requests
// itself. Such a request is safe to send again even when it is not idempotent.
func notSent(err error) bool {
	var errno syscall.Errno
	switch {
	case err == nil:
		return false
	case errors.As(err, &errno) && (errno == syscall.ECONNREFUSED || errno == syscall.ECONNRESET):
		return true
	case errors.Is(err, io.EOF), strings.Contains(err.Error(), "http: server closed idle connection"):
		return true
	}
	return false
}

// oneShot runs a request the client library sends to one member only (it does not fail over for a
// delete or a create-if-absent), sending it again to the next member while the connection is
// refused (a member between its stop and its restart).
func (l *rollLoad) oneShot(do func() (*client.Response, error)) (*client.Response, error) {
	for range 3 {
		resp, err := do()
		if !notSent(err) {
			return resp, err
		}
		l.mu.Lock()
		l.refusedRetries++
		l.mu.Unlock()
	}
	return do()
}

func (l *rollLoad) currentIndex(t *testing.T) uint64 {
	resp, err := client.NewKeysAPI(l.newClient(t, newHostRecorder())).Set(context.Background(), l.prefix+"/start", "0", nil)
	require.NoError(t, err)
	return resp.Index
}

// opTimeout bounds one request: far above an election timeout, so a slow request is measured, not
// failed.
const opTimeout = 15 * time.Second

// client runs the request kinds in turn on keys of its own, checking what it reads against what it
// wrote. It stops at ctx's end or after maxClientRounds.
func (l *rollLoad) client(ctx context.Context, c client.Client, tr *hostRecorder, id int) {
	kapi, mapi := client.NewKeysAPI(c), client.NewMembersAPI(c)
	key := l.clientPrefix(id) + "/key"
	last := ""
	const maxClientRounds = 100000
	for round := 0; round < maxClientRounds && ctx.Err() == nil; round++ {
		op, cancel := context.WithTimeout(context.Background(), opTimeout)
		value := strconv.Itoa(round)
		start := time.Now()
		switch round % 9 {
		case 0, 4:
			resp, err := kapi.Set(op, key, value, nil)
			l.wrote("set", start, tr, resp, err)
			if err == nil {
				last = value
			}
		case 1:
			resp, err := kapi.Get(op, key, &client.GetOptions{Quorum: true})
			if err == nil && last != "" && resp.Node.Value != last {
				err = fmt.Errorf("quorum read of %s gave %q, the client last wrote %q", key, resp.Node.Value, last)
			}
			if last != "" || err == nil || !client.IsKeyNotFound(err) {
				l.record("quorum get", err)
			}
		case 2:
			if last == "" {
				break
			}
			resp, err := kapi.Set(op, key, value, &client.SetOptions{PrevValue: last})
			l.wrote("compare-and-swap", start, tr, resp, err)
			if err == nil {
				last = value
			}
		case 3:
			resp, err := kapi.CreateInOrder(op, l.clientPrefix(id)+"/queue", value, nil)
			l.wrote("create in order", start, tr, resp, err)
		case 5:
			_, err := kapi.Get(op, key, nil)
			if err != nil && client.IsKeyNotFound(err) && last == "" {
				err = nil
			}
			l.record("get", err)
		case 6:
			tmp := l.clientPrefix(id) + "/tmp"
			resp, err := kapi.Set(op, tmp, value, nil)
			l.wrote("set", start, tr, resp, err)
			if err == nil {
				start = time.Now()
				resp, err = l.oneShot(func() (*client.Response, error) {
					return kapi.Delete(op, tmp, &client.DeleteOptions{PrevValue: value})
				})
				l.wrote("compare-and-delete", start, tr, resp, err)
			}
		case 7:
			ms, err := mapi.List(op)
			if err == nil && len(ms) != 3 {
				err = fmt.Errorf("member list has %d members", len(ms))
			}
			l.record("member list", err)
		case 8:
			l.record("GET /health, /version, /v2/stats/self", l.plainGets(op))
		}
		cancel()
	}
}

// plainGets asks the endpoints that have no client library call, trying each member in turn like
// the library does: the first good answer counts. /health answering "no leader" on every member is
// not a failed request but a true answer during a leadership change: it is counted apart.
func (l *rollLoad) plainGets(ctx context.Context) error {
	for _, path := range []string{"/version", "/v2/stats/self", "/health"} {
		var errs []error
		ok, unhealthy := false, 0
		for _, ep := range l.endpoints {
			code, body, err := plainGet(ctx, ep+path)
			switch {
			case err != nil:
				errs = append(errs, err)
			case code == http.StatusOK:
				ok = true
			case path == "/health" && code == http.StatusServiceUnavailable:
				unhealthy++
			default:
				errs = append(errs, fmt.Errorf("%s%s: %d %s", ep, path, code, body))
			}
			if ok {
				break
			}
		}
		if ok {
			continue
		}
		if unhealthy > 0 && len(errs)+unhealthy == len(l.endpoints) {
			l.mu.Lock()
			l.noLeaderAnswers++
			l.mu.Unlock()
			continue
		}
		return errors.Join(errs...)
	}
	return nil
}

func plainGet(ctx context.Context, url string) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(body)), err
}

// clientPrefix is the directory client id writes under.
func (l *rollLoad) clientPrefix(id int) string { return fmt.Sprintf("%s/c%d", l.prefix, id) }

// watch follows dir from after index, re-watching from the last event seen when a watch
// connection ends (a member stopping cuts its watches).
func (l *rollLoad) watch(ctx context.Context, c client.Client, dir string, after uint64) {
	kapi := client.NewKeysAPI(c)
	for ctx.Err() == nil {
		w := kapi.Watcher(dir, &client.WatcherOptions{AfterIndex: after, Recursive: true})
		for ctx.Err() == nil {
			resp, err := w.Next(ctx)
			if err != nil {
				if ctx.Err() == nil {
					var ee client.Error
					if errors.As(err, &ee) && ee.Code == client.ErrorCodeEventIndexCleared {
						l.record("watch", err) // events were lost for good
						return
					}
					l.mu.Lock()
					l.watchRestarts++
					l.mu.Unlock()
				}
				break
			}
			l.mu.Lock()
			l.seen[resp.Node.ModifiedIndex] = true
			l.mu.Unlock()
			after = resp.Node.ModifiedIndex
		}
	}
}

// missedByWatch lists the acknowledged writes the watcher never saw.
func (l *rollLoad) missedByWatch() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var missed []string
	for idx, key := range l.acked {
		if !l.seen[idx] {
			missed = append(missed, fmt.Sprintf("%s@%d", key, idx))
		}
	}
	slices.Sort(missed)
	return missed
}

// rollFigures summarizes a run.
type rollFigures struct {
	ops, failed                            int
	writes                                 int
	p50, p99, worst                        time.Duration
	watchRestarts, missing, refusedRetries int
	noLeaderAnswers                        int
}

func (l *rollLoad) figures() rollFigures {
	l.mu.Lock()
	ws := slices.Clone(l.writes)
	f := rollFigures{failed: len(l.failures), writes: len(ws), watchRestarts: l.watchRestarts, refusedRetries: l.refusedRetries, noLeaderAnswers: l.noLeaderAnswers}
	for _, n := range l.counts {
		f.ops += n
	}
	l.mu.Unlock()
	f.missing = len(l.missedByWatch())
	slices.Sort(ws)
	if len(ws) > 0 {
		f.p50, f.p99, f.worst = ws[len(ws)/2], ws[len(ws)*99/100], ws[len(ws)-1]
	}
	return f
}

func (f rollFigures) String() string {
	return fmt.Sprintf("%d requests, %d failed (%d one-shot requests sent again, unread by a stopping member); %d acknowledged writes: p50 %v, p99 %v, worst %v; watch re-established %d times, %d writes missed by the watch; /health said no leader on every member %d times",
		f.ops, f.failed, f.refusedRetries, f.writes, f.p50.Round(time.Microsecond), f.p99.Round(time.Microsecond), f.worst.Round(time.Microsecond), f.watchRestarts, f.missing, f.noLeaderAnswers)
}

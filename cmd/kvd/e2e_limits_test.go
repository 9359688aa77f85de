package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The API's documented limits, as a client sees them (store.MaxKeyBytes, node.DefaultMaxRequestBytes).
const (
	apiMaxKeyBytes     = 4096
	apiMaxRequestBytes = 1536 * 1024
)

// Memory bounds of TestWorstRequestsCannotTakeTheClusterDown: every process runs with a soft Go
// limit, and the watchdog kills any whose RSS passes the hard one.
const (
	limitsGoMemLimit = "256MiB"
	limitsRSSKill    = 768 << 20
	limitsRSSBound   = 512 << 20
)

// limitsWrite is one adversarial write and what a correct member may answer.
type limitsWrite struct {
	name   string
	method string
	key    string
	query  string
	form   url.Values
	// refused: the write is over a limit and must get a 4xx; otherwise a 2xx.
	refused bool
}

// worstWrites are the worst keys and values the API accepts (the longest key, the deepest keys,
// the largest values, deep directories with TTLs, an in-order key at the bottom of a chain) and the
// same just past each limit, among them the 60 KB key 20,000 levels deep.
func worstWrites() []limitsWrite {
	chain := func(top string, keyBytes int) string { // "/top/a/a/..." of exactly keyBytes bytes
		k := "/" + top + strings.Repeat("/a", (keyBytes-1-len(top))/2)
		return k + strings.Repeat("b", keyBytes-len(k))
	}
	value := func(n int) url.Values { return url.Values{"value": {strings.Repeat("v", n)}} }
	small := value(1)
	ws := []limitsWrite{
		{name: "longest key", key: "/" + strings.Repeat("k", apiMaxKeyBytes-1), form: small},
		{name: "key one byte too long", key: "/" + strings.Repeat("k", apiMaxKeyBytes), form: small, refused: true},
		{name: "the issue's 20,000-level key", key: strings.Repeat("/ab", 20000), form: small, refused: true},
		{name: "600 KB key", key: "/" + strings.Repeat("x/", 300000) + "x", form: small, refused: true},
		{name: "deep dir with a long TTL", key: chain("ttl-long", apiMaxKeyBytes), query: "dir=true&ttl=3600"},
		{name: "deep file with a short TTL", key: chain("ttl-short", apiMaxKeyBytes), query: "ttl=2", form: small},
		{name: "in-order key at the bottom of a chain", method: http.MethodPost, key: chain("queue", apiMaxKeyBytes-21), form: small},
		{name: "in-order key past the bound", method: http.MethodPost, key: chain("queue2", apiMaxKeyBytes-20), form: small, refused: true},
		{name: "prevValue in the query past the payload limit", key: "/big/0",
			query: "prevValue=" + strings.Repeat("p", 1000), form: value(apiMaxRequestBytes - 1000), refused: true},
		{name: "body past the limit", key: "/big/x", form: value(apiMaxRequestBytes), refused: true},
	}
	for i := range 8 {
		ws = append(ws, limitsWrite{name: "deepest key " + strconv.Itoa(i), key: chain("deep"+strconv.Itoa(i), apiMaxKeyBytes), form: small})
	}
	for i := range 3 {
		key := "/big/" + strconv.Itoa(i)
		ws = append(ws, limitsWrite{name: "largest value " + strconv.Itoa(i), key: key, form: value(apiMaxRequestBytes - len(key))})
	}
	// The window the issue found: values that passed the body limit and failed in raft with a 500.
	for _, n := range []int{apiMaxRequestBytes - 7, 1_572_694, 1_572_858} {
		ws = append(ws, limitsWrite{name: "value of " + strconv.Itoa(n), key: "/win", form: value(n), refused: n+4 > apiMaxRequestBytes})
	}
	return ws
}

// TestWorstRequestsCannotTakeTheClusterDown writes the worst keys and values the API accepts, and
// the same past each limit, to a 3-member cluster that snapshots every 25 entries; adds a member
// (which needs the snapshot), reads everything back recursively, restarts every member, and checks
// that the cluster has a leader again, lost nothing and never went past its memory bound.
func TestWorstRequestsCannotTakeTheClusterDown(t *testing.T) {
	if testing.Short() {
		t.Skip("adversarial e2e test: runs without -short")
	}
	watch := watchRSS(t, limitsRSSKill)
	c := &cluster{dir: t.TempDir()}
	var pairs []string
	for i := range 3 {
		m := newMember(t, fmt.Sprintf("infra%d", i+1), c.dir)
		m.env = []string{"GOMEMLIMIT=" + limitsGoMemLimit}
		c.members = append(c.members, m)
		pairs = append(pairs, m.Name+"="+m.PeerURL)
	}
	c.initial = strings.Join(pairs, ",")
	args := append(c.staticArgs(), "--snapshot-count", "25")
	for _, m := range c.members {
		m.start(t, args...)
		watch.track(m)
	}
	for _, m := range c.members {
		m.waitHealthy(t)
	}
	waitNamesPublished(t, c.members[0].ClientURL)

	// Every write the cluster accepts, refused or not by the rules, must come back intact: a wrong
	// answer is recorded and the test goes on, to see whether the cluster survives what it took.
	want := map[string]string{} // key → value of every accepted write
	for _, w := range worstWrites() {
		code, body := limitsDo(t, c.members[0].ClientURL, w)
		if w.refused {
			assert.True(t, code >= 400 && code < 500, "%s: %d %.300s", w.name, code, body)
		} else {
			assert.True(t, code >= 200 && code < 300, "%s: %d %.300s", w.name, code, body)
		}
		if code < 200 || code >= 300 {
			continue
		}
		var ev struct{ Node struct{ Key, Value string } }
		require.NoError(t, json.Unmarshal([]byte(body), &ev), w.name)
		if !strings.Contains(w.query, "ttl=2") { // the short TTL expires before the end
			want[ev.Node.Key] = ev.Node.Value
		}
	}
	writeSiblings(t, c.members[0].ClientURL, 300, want)

	joiner := newMember(t, "infra4", c.dir)
	joiner.env = []string{"GOMEMLIMIT=" + limitsGoMemLimit}
	code, body, err := authDo(http.MethodPost, c.members[0].ClientURL+"/v2/members", "", "", "application/json",
		`{"peerURLs":["`+joiner.PeerURL+`"]}`)
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, code, body)
	joiner.start(t, "--initial-cluster", c.initial+","+joiner.Name+"="+joiner.PeerURL,
		"--initial-cluster-state", "existing", "--snapshot-count", "25")
	watch.track(joiner)
	joiner.waitHealthy(t)
	c.members = append(c.members, joiner)
	requireServes(t, joiner, "/siblings/0299", want["/siblings/0299"])

	for _, m := range c.members {
		code, body, err := sendForm(http.MethodGet, m.ClientURL+"/v2/keys/?recursive=true", nil)
		require.NoError(t, err, m.Name)
		require.Equal(t, http.StatusOK, code, "%s: %.300s", m.Name, body)
		require.True(t, json.Valid([]byte(body)), m.Name)
	}

	for _, m := range c.members { // every member down at once, then back from its data dir
		m.kill()
	}
	for _, m := range c.members {
		if m == joiner {
			m.start(t, "--initial-cluster", c.initial+","+joiner.Name+"="+joiner.PeerURL,
				"--initial-cluster-state", "existing", "--snapshot-count", "25")
		} else {
			m.start(t, args...)
		}
		watch.track(m)
	}
	for _, m := range c.members {
		m.waitHealthy(t)
	}
	c.leaderIndex(t, nil)
	for key, value := range want {
		requireQuorumRead(t, c.members[len(key)%len(c.members)], key, value)
	}
	shortTTL := worstWrites()[5].key
	require.Eventually(t, func() bool {
		code, _, err := sendForm(http.MethodGet, c.members[0].ClientURL+"/v2/keys"+shortTTL, nil)
		return err == nil && code == http.StatusNotFound
	}, 20*time.Second, 100*time.Millisecond, "the deep key with a 2s TTL never expired")

	peak, killed := watch.report()
	require.Empty(t, killed, "members went past %d MiB", limitsRSSKill>>20)
	for name, rss := range peak {
		t.Logf("%s: peak RSS %d MiB", name, rss>>20)
		assert.LessOrEqual(t, rss, int64(limitsRSSBound), "%s: peak RSS", name)
	}
}

// limitsClient waits long for an answer: a member snapshotting megabytes of values on a busy
// machine may take seconds to commit the next write, which is slow but not wrong.
var limitsClient = &http.Client{Timeout: 2 * time.Minute}

// limitsDo sends w to endpoint: the form in the body, the query in the URL.
func limitsDo(t *testing.T, endpoint string, w limitsWrite) (int, string) {
	t.Helper()
	method := w.method
	if method == "" {
		method = http.MethodPut
	}
	u := endpoint + "/v2/keys" + w.key
	if w.query != "" {
		u += "?" + w.query
	}
	code, body, err := sendForm(method, u, w.form)
	require.NoError(t, err, "%s: the member must answer", w.name)
	return code, body
}

// sendForm sends form (if any) as a urlencoded body with limitsClient.
func sendForm(method, u string, form url.Values) (int, string, error) {
	req, err := http.NewRequest(method, u, strings.NewReader(form.Encode()))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := limitsClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// writeSiblings writes n keys into one directory, 8 at a time, and records them in want.
func writeSiblings(t *testing.T, endpoint string, n int, want map[string]string) {
	t.Helper()
	var mu sync.Mutex
	writeKeys(t, endpoint, n, 8, func(i int) (string, string) {
		key := fmt.Sprintf("/siblings/%04d", i)
		mu.Lock()
		want[key] = key
		mu.Unlock()
		return key, key
	})
}

// writeKeys writes keys 0..n-1 (kv gives each key and value) with `writers` writers at a time,
// retrying timeouts (putRetryingTimeouts); any other failure fails the test.
func writeKeys(t *testing.T, endpoint string, n, writers int, kv func(i int) (key, value string)) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for w := range writers {
		wg.Go(func() {
			for i := w; i < n; i += writers {
				key, value := kv(i)
				code, body, err := putRetryingTimeouts(endpoint+"/v2/keys"+key, url.Values{"value": {value}})
				if err == nil && code >= 300 {
					err = fmt.Errorf("%s: %d %.200s", key, code, body)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
}

// putRetryingTimeouts sends a PUT again while the cluster answers "request timed out": an unknown
// outcome, which a client may retry because the write sets the same value again. On a loaded machine
// elections come and go while the largest values are written, and a write caught by one times out.
func putRetryingTimeouts(target string, form url.Values) (int, string, error) {
	for attempt := 1; ; attempt++ {
		code, body, err := sendForm(http.MethodPut, target, form)
		if err != nil || code != http.StatusInternalServerError || !strings.Contains(body, "timed out") || attempt == 5 {
			return code, body, err
		}
	}
}

// waitNamesPublished waits until every member has published its name (strict reconfiguration
// refuses to add a member before).
func waitNamesPublished(t *testing.T, endpoint string) {
	t.Helper()
	require.Eventually(t, func() bool {
		var ms struct {
			Members []struct{ Name string } `json:"members"`
		}
		if getJSON(endpoint+"/v2/members", &ms) != nil {
			return false
		}
		for _, m := range ms.Members {
			if m.Name == "" {
				return false
			}
		}
		return len(ms.Members) > 0
	}, 20*time.Second, 20*time.Millisecond)
}

// requireServes waits until m answers key with value from its own store.
func requireServes(t *testing.T, m *member, key, value string) {
	t.Helper()
	require.Eventually(t, func() bool {
		var ev struct{ Node struct{ Value string } }
		return getJSON(m.ClientURL+"/v2/keys"+key, &ev) == nil && ev.Node.Value == value
	}, 30*time.Second, 50*time.Millisecond, "%s never served %s", m.Name, key)
}

// requireQuorumRead reads key through m with quorum=true and checks its value.
func requireQuorumRead(t *testing.T, m *member, key, value string) {
	t.Helper()
	code, body, err := sendForm(http.MethodGet, m.ClientURL+"/v2/keys"+key+"?quorum=true", nil)
	require.NoError(t, err, "%s: %.100s", m.Name, key)
	require.Equal(t, http.StatusOK, code, "%s: %.100s: %.300s", m.Name, key, body)
	var ev struct{ Node struct{ Value string } }
	require.NoError(t, json.Unmarshal([]byte(body), &ev))
	require.Equal(t, len(value), len(ev.Node.Value), "%s: %.100s", m.Name, key)
	require.True(t, value == ev.Node.Value, "%s: %.100s: another value", m.Name, key)
}

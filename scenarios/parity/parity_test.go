package parity

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/scenarios/etcdref"
	"github.com/raftlab/raftlab/scenarios/realproc"
)

// TestParity starts a 3-member etcd v3.5.33 and a 3-member kvd, runs every case file of
// testdata/seq against both (etcdctl against etcd, kvctl against kvd) and compares the normalised
// answers. PARITY_SEQ=name.seq runs one file; PARITY_SHOW=1 logs every answer; PARITY_PROPOSE=path
// writes a deliberate.txt entry (reason to fill in) for every case that differs.
func TestParity(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two real clusters")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	seqs, err := loadSequences(filepath.Join("testdata", "seq"))
	require.NoError(t, err)
	listed, err := loadListed(filepath.Join("testdata", "deliberate.txt"))
	require.NoError(t, err)
	only := os.Getenv("PARITY_SEQ")

	s := startSides(ctx, t)
	s.listed = listed
	var results []Result
	for _, seq := range seqs {
		if only != "" && seq.name != only {
			continue
		}
		rs, err := s.runSequence(ctx, seq)
		require.NoError(t, err, "%s\n%s", s.etcd.cluster.Logs(1000), s.kvd.cluster.Logs(1000))
		results = append(results, rs...)
	}
	if path := os.Getenv("PARITY_PROPOSE"); path != "" {
		require.NoError(t, os.WriteFile(path, []byte(proposals(results)), 0o644))
	}
	for _, r := range results {
		if os.Getenv("PARITY_SHOW") != "" {
			t.Logf("=== %s: %s\n%s", r.Verdict, r.ID, indent(r.Etcd))
		}
		if r.Failed() {
			t.Error(Explain(r))
		}
	}
	if only == "" {
		for id, e := range listed {
			if !e.used {
				t.Errorf("deliberate.txt:%d lists %q, which no case file has", e.line, id)
			}
		}
	}
	summary := Summary(results)
	t.Log(summary)
	// CI runs the README's test command, which shows no log of a passing package: it names a file
	// for the summary instead.
	if path := os.Getenv(SummaryFileEnv); path != "" {
		require.NoError(t, os.WriteFile(path, []byte(summary+"\n"), 0o644))
	}
}

// SummaryFileEnv names a file TestParity writes its summary line to.
const SummaryFileEnv = "RAFTLAB_PARITY_SUMMARY"

// startSides builds kvd and kvctl, fetches etcd and etcdctl, and starts both clusters at once.
func startSides(ctx context.Context, t *testing.T) *suite {
	t.Helper()
	bins, err := realproc.BuildCommands(ctx, t.TempDir(), false, "kvd", "kvctl")
	require.NoError(t, err)
	ref, err := etcdref.Build(ctx)
	require.NoError(t, err)
	configs := []realproc.Config{
		{Binary: ref.Etcd, Flavor: realproc.Etcd, Dir: t.TempDir()},
		{Binary: bins[0], Flavor: realproc.Kvd, Dir: t.TempDir()},
	}
	clusters := make([]*realproc.Cluster, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i, cfg := range configs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			clusters[i], errs[i] = realproc.Start(ctx, cfg)
		}()
	}
	wg.Wait()
	for i, c := range clusters {
		if c != nil {
			t.Cleanup(func() { _ = c.Close() })
		}
		require.NoError(t, errs[i])
	}
	return &suite{etcd: newSide("etcd", clusters[0], ref.Etcdctl), kvd: newSide("kvd", clusters[1], bins[1])}
}

func TestSplitTokens(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{`PUT /v2/keys/a value=1`, []string{"PUT", "/v2/keys/a", "value=1"}},
		{`ctl set /a 'two words'`, []string{"ctl", "set", "/a", "two words"}},
		{`PUT /a "v=\xff\"q\"\n"`, []string{"PUT", "/a", "v=\xff\"q\"\n"}},
		{`ct='' POST /x a'b c'd`, []string{"ct=", "POST", "/x", "ab cd"}},
	} {
		got, err := splitTokens(tc.in)
		require.NoError(t, err, tc.in)
		require.Equal(t, tc.want, got, tc.in)
	}
	for _, bad := range []string{`a 'b`, `a "b`, `a "\x4"`} {
		_, err := splitTokens(bad)
		require.Error(t, err, bad)
	}
}

func TestParseSequence(t *testing.T) {
	seq, err := parseSequence("x.seq", strings.NewReader(`
# comment
PUT /v2/keys/a value=1
@F1 GET /v2/keys/a
bg w GET /v2/keys/a?wait=true
PUT /v2/keys/a value=1
collect w
ctl stdin=v set /b
ctl env=ETCDCTL_PEERS={{client:F1}} env=X=a=b get /b
bg c ctl watch /b
collect c 1
repeat 3 ct=text/plain PUT /v2/keys/c x
save v .node.key
`))
	require.NoError(t, err)
	require.Len(t, seq.steps, 11)
	require.Equal(t, []string{"ETCDCTL_PEERS={{client:F1}}", "X=a=b"}, seq.steps[6].ctl.env)
	require.Equal(t, []string{"get", "/b"}, seq.steps[6].ctl.args)
	require.Equal(t, "x.seq: PUT /v2/keys/a value=1 #2", seq.steps[3].id)
	require.Equal(t, "F1", seq.steps[1].member)
	require.False(t, seq.steps[4].ctlCase)
	require.True(t, seq.steps[5].ctlCase)
	require.True(t, seq.steps[8].ctlCase)
	require.Equal(t, "text/plain", seq.steps[9].inner.http.contentType)
	for _, bad := range []string{"collect w", "bg w GET /a\n", "@X GET /a", "GET a", "repeat 0 GET /a", "sleep forever", "hdr=x GET /a"} {
		_, err := parseSequence("bad.seq", strings.NewReader(bad))
		require.Error(t, err, bad)
	}
}

func TestNormalizer(t *testing.T) {
	n := newNormalizer().at(10)
	n.addToken("http://127.0.0.1:2379", "<client:L>")
	n.addToken("127.0.0.1:2379", "<client-addr:L>")
	n.addToken("8e9e05c52164694d", "<id:L>")
	require.Equal(t, "<client:L> <client-addr:L> <id:L>", n.text("http://127.0.0.1:2379 127.0.0.1:2379 8e9e05c52164694d"))
	require.Equal(t, "Error:  101: Compare failed ([1 != i+2]) [i+3]\n",
		n.text("Error:  101: Compare failed ([1 != 12]) [13]\n"))
	require.Equal(t, "Created-Index: i+1\nModified-Index: i+2\nIndex: 0\n", n.text("Created-Index: 11\nModified-Index: 12\nIndex: 0\n"))
	require.Equal(t, "/q/<i+5>", n.text("/q/00000000000000000015"))
	v, err := parseJSON([]byte(`{"action":"set","node":{"key":"/q/00000000000000000011","expiration":"2026-01-01T00:00:00.5Z","ttl":5,"modifiedIndex":11,"createdIndex":11},"cause":"[3/12]"}`))
	require.NoError(t, err)
	n.json(v)
	require.Equal(t, `{"action":"set","node":{"key":"/q/<i+1>","expiration":"<time>","ttl":5,"modifiedIndex":"i+1","createdIndex":"i+1"},"cause":"[3/i+2]"}`, v.String())
}

func TestSameAnswerToleratesOneSecondOfTTL(t *testing.T) {
	require.True(t, sameAnswer(`{"ttl":100}`, `{"ttl":99}`))
	require.True(t, sameAnswer("TTL: 5\n", "TTL: 6\n"))
	require.False(t, sameAnswer(`{"ttl":100}`, `{"ttl":98}`))
	require.False(t, sameAnswer(`{"ttl":100,"a":1}`, `{"ttl":100,"a":2}`))
}

func TestCanonicalBodySortsListingsAndCountsStoreDeltas(t *testing.T) {
	n := newNormalizer().at(1)
	ctx := &bodyContext{method: "GET", path: "/v2/keys/d"}
	got := canonicalBody(n, ctx, []byte(`{"action":"get","node":{"key":"/d","dir":true,"nodes":[{"key":"/d/b","value":"","modifiedIndex":3,"createdIndex":3},{"key":"/d/a","value":"","modifiedIndex":2,"createdIndex":2}]}}`+"\n"))
	require.Equal(t, `body: {"action":"get","node":{"key":"/d","dir":true,"nodes":[{"key":"/d/a","value":"","modifiedIndex":"i+1","createdIndex":"i+1"},{"key":"/d/b","value":"","modifiedIndex":"i+2","createdIndex":"i+2"}]}}`+"\n", got)

	stats := &bodyContext{method: "GET", path: "/v2/stats/store"}
	require.Equal(t, `body: {"getsSuccess":"<baseline>","watchers":1} [no final newline]`+"\n",
		canonicalBody(n, stats, []byte(`{"getsSuccess":4,"watchers":1}`)))
	again := &bodyContext{method: "GET", path: "/v2/stats/store", prevStore: stats.newStore}
	require.Equal(t, `body: {"getsSuccess":"+3","watchers":0} [no final newline]`+"\n",
		canonicalBody(n, again, []byte(`{"getsSuccess":7,"watchers":0}`)))
}

func TestParseListed(t *testing.T) {
	got, err := parseListed("d.txt", strings.NewReader(`# comment
case: a.seq: GET /x
deliberate: because
kvd:
| HTTP 200
|
| body: {}

case: b.seq: GET /y
pending: the limits work
`))
	require.NoError(t, err)
	require.Equal(t, "HTTP 200\n\nbody: {}\n", got["a.seq: GET /x"].kvd)
	require.True(t, got["b.seq: GET /y"].pending)
	for _, bad := range []string{"case: a\n", "case: a\ndeliberate: x\n", "kvd:\n", "case: a\npending: x\n\ncase: a\npending: y\n"} {
		_, err := parseListed("bad.txt", strings.NewReader(bad))
		require.Error(t, err, bad)
	}
}

func TestCompareVerdicts(t *testing.T) {
	require.Equal(t, Identical, compare("c", false, "a", "a", nil).Verdict)
	require.Equal(t, Differs, compare("c", false, "a", "b", nil).Verdict)
	require.Equal(t, Deliberate, compare("c", false, "a", "b", &listed{reason: "r", kvd: "b"}).Verdict)
	require.Equal(t, Unexpected, compare("c", false, "a", "c", &listed{reason: "r", kvd: "b"}).Verdict)
	require.Equal(t, NoLongerDiffers, compare("c", false, "a", "a", &listed{reason: "r", kvd: "b"}).Verdict)
	require.Equal(t, Pending, compare("c", false, "a", "b", &listed{reason: "r", pending: true}).Verdict)
}

func TestMemberLinesAreCheckedThenSorted(t *testing.T) {
	n := newNormalizer()
	n.addToken("2ff6b480ea147737", "<id:L>")
	n.addToken("4a004dcd7b515f16", "<id:F2>")
	n.addToken("f0680ae2dd40e50f", "<id:F1>")
	in := "2ff6b480ea147737: name=a\n4a004dcd7b515f16: name=b\nf0680ae2dd40e50f: name=c\ncluster is healthy\n"
	require.Equal(t, "<id:F1>: name=c\n<id:F2>: name=b\n<id:L>: name=a\ncluster is healthy\n", memberLines(n, in))
	out := memberLines(n, "member f0680ae2dd40e50f is healthy\nmember 2ff6b480ea147737 is healthy\n")
	require.Contains(t, out, "[members not in ID order]")
}

func TestCtlTextNamesTheClientAndSortsTheInitialCluster(t *testing.T) {
	require.Equal(t, "NAME:\n   <ctl> get - x\nETCD_INITIAL_CLUSTER=\"a=1,b=2,c=3\"\n",
		ctlText("NAME:\n   kvctl get - x\nETCD_INITIAL_CLUSTER=\"c=3,a=1,b=2\"\n"))
	require.Equal(t, "<ctl> version: 3.5.33\n", ctlText("etcdctl version: 3.5.33\n"))
	// TestParity 26-ctl-more.seq, --total-timeout 1ns: the deadline passed during the dial on one side.
	require.Equal(t, "error #0: context deadline exceeded\n",
		ctlText("error #0: dial tcp <client-addr:L>: i/o timeout\n"))
}

func TestSavedNumbersAreNoTokens(t *testing.T) {
	s := &side{vars: map[string]string{}, norm: newNormalizer()}
	s.keep("id", "8e9e05c52164694d")
	s.keep("ix", "57")
	require.Equal(t, map[string]string{"id": "8e9e05c52164694d", "ix": "57"}, s.vars)
	require.Equal(t, "<$id> 18:29:26.901571091Z", s.norm.text("8e9e05c52164694d 18:29:26.901571091Z"),
		"an index's digits are left where they appear in other text")
}

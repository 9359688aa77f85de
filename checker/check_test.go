package checker

import (
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/checker/history"
)

// Helpers that keep the tables readable: w = write, r = read, each with client, key, times and result.

func okSet(c int, key, val string, call, ret int64, index uint64) history.Op {
	return history.Op{Client: c, Kind: history.KindSet, Key: key, Value: val, Call: call, Return: ret, Outcome: history.OutcomeOK, Index: index}
}

func unknownWrite(c int, kind history.Kind, key, val string, call, ret int64) history.Op {
	return history.Op{Client: c, Kind: kind, Key: key, Value: val, Call: call, Return: ret, Outcome: history.OutcomeUnknown}
}

func read(c int, kind history.Kind, key, val string, call, ret int64, index uint64) history.Op {
	return history.Op{Client: c, Kind: kind, Key: key, Call: call, Return: ret, Outcome: history.OutcomeOK, Found: true, Result: val, Index: index}
}

func readMissing(c int, kind history.Kind, key string, call, ret int64) history.Op {
	return history.Op{Client: c, Kind: kind, Key: key, Call: call, Return: ret, Outcome: history.OutcomeOK}
}

func write(c int, kind history.Kind, key, val string, call, ret int64, out history.Outcome, index uint64, code int) history.Op {
	return history.Op{Client: c, Kind: kind, Key: key, Value: val, Call: call, Return: ret, Outcome: out, Index: index, ErrorCode: code}
}

func cas(c int, key, prevValue string, prevIndex uint64, val string, call, ret int64, out history.Outcome, index uint64, code int) history.Op {
	return history.Op{Client: c, Kind: history.KindCAS, Key: key, PrevValue: prevValue, PrevIndex: prevIndex, Value: val,
		Call: call, Return: ret, Outcome: out, Index: index, ErrorCode: code}
}

const (
	ok      = history.OutcomeOK
	fail    = history.OutcomeFail
	unknown = history.OutcomeUnknown
	qget    = history.KindQGet
	get     = history.KindGet
)

func TestCheckLinearizability(t *testing.T) {
	tests := []struct {
		name         string
		ops          []history.Op
		linearizable bool
		problem      string // a fragment the problems must contain when not linearizable
	}{
		{"sequential set then read", []history.Op{
			okSet(0, "/a", "1", 0, 10, 1),
			read(1, qget, "/a", "1", 20, 30, 1),
		}, true, ""},
		{"concurrent read may see the old or the new value", []history.Op{
			okSet(0, "/a", "1", 0, 10, 1),
			okSet(0, "/a", "2", 20, 40, 2),
			read(1, qget, "/a", "1", 25, 30, 1),
			read(2, qget, "/a", "2", 26, 31, 2),
		}, true, ""},
		{"stale quorum read", []history.Op{
			okSet(0, "/a", "1", 0, 10, 1),
			okSet(0, "/a", "2", 20, 30, 2),
			read(1, qget, "/a", "1", 40, 50, 1),
		}, false, "key /a: not linearizable"},
		{"stale quorum read without indexes", []history.Op{
			okSet(0, "/a", "1", 0, 10, 0),
			okSet(0, "/a", "2", 20, 30, 0),
			read(1, qget, "/a", "1", 40, 50, 0),
		}, false, `no legal point for: client 1 qget /a -> "1" [0.000 s to 0.000 s]`},
		{"unknown write that took effect late", []history.Op{
			okSet(0, "/a", "1", 0, 10, 1),
			unknownWrite(1, history.KindSet, "/a", "2", 20, 30),
			read(2, qget, "/a", "1", 40, 50, 1),
			read(2, qget, "/a", "2", 100, 110, 3),
		}, true, ""},
		{"unknown write that never took effect", []history.Op{
			okSet(0, "/a", "1", 0, 10, 1),
			unknownWrite(1, history.KindSet, "/a", "2", 20, 30),
			read(2, qget, "/a", "1", 40, 50, 1),
			read(2, qget, "/a", "1", 100, 110, 1),
		}, true, ""},
		{"unknown write cannot take effect before its call", []history.Op{
			read(2, qget, "/a", "2", 0, 10, 0),
			unknownWrite(1, history.KindSet, "/a", "2", 20, 30),
		}, false, "key /a"},
		{"duplicated effect of a cas", []history.Op{
			okSet(0, "/a", "1", 0, 1, 0),
			cas(0, "/a", "1", 0, "2", 2, 3, ok, 0, 0),
			read(1, qget, "/a", "2", 4, 5, 0),
			okSet(0, "/a", "1", 6, 7, 0),
			read(1, qget, "/a", "2", 8, 9, 0),
		}, false, "key /a"},
		{"cas fails 101 when the value differs", []history.Op{
			okSet(0, "/a", "1", 0, 10, 1),
			cas(1, "/a", "9", 0, "2", 20, 30, fail, 0, history.ErrCodeTestFailed),
			read(1, qget, "/a", "1", 40, 50, 1),
		}, true, ""},
		{"cas fail 101 although the compare held", []history.Op{
			okSet(0, "/a", "1", 0, 10, 1),
			cas(1, "/a", "1", 0, "2", 20, 30, fail, 0, history.ErrCodeTestFailed),
		}, false, "key /a"},
		{"cas fail 101 on a missing key", []history.Op{
			cas(1, "/a", "1", 0, "2", 20, 30, fail, 0, history.ErrCodeTestFailed),
		}, false, "key /a"},
		{"cas fail 100 on a missing key", []history.Op{
			cas(1, "/a", "1", 0, "2", 20, 30, fail, 0, history.ErrCodeKeyNotFound),
		}, true, ""},
		{"cas on prevIndex", []history.Op{
			okSet(0, "/a", "1", 0, 10, 4),
			cas(1, "/a", "", 4, "2", 20, 30, ok, 5, 0),
			read(1, qget, "/a", "2", 40, 50, 5),
		}, true, ""},
		{"cas succeeding on a wrong prevIndex", []history.Op{
			okSet(0, "/a", "1", 0, 10, 4),
			cas(1, "/a", "", 3, "2", 20, 30, ok, 5, 0),
		}, false, "key /a"},
		{"read learns the index of an unknown write, cas uses it", []history.Op{
			unknownWrite(0, history.KindSet, "/a", "1", 0, 10),
			read(1, qget, "/a", "1", 20, 30, 7),
			cas(1, "/a", "", 7, "2", 40, 50, ok, 8, 0),
		}, true, ""},
		{"read and cas disagree about an unknown write's index", []history.Op{
			unknownWrite(0, history.KindSet, "/a", "1", 0, 10),
			read(1, qget, "/a", "1", 20, 30, 7),
			cas(1, "/a", "", 6, "2", 40, 50, ok, 8, 0),
		}, false, "key /a"},
		{"create fails 105 on an existing key", []history.Op{
			okSet(0, "/a", "1", 0, 10, 1),
			write(1, history.KindCreate, "/a", "x", 20, 30, fail, 0, history.ErrCodeNodeExist),
		}, true, ""},
		{"create fails 105 on a missing key", []history.Op{
			write(1, history.KindCreate, "/a", "x", 20, 30, fail, 0, history.ErrCodeNodeExist),
		}, false, "key /a"},
		{"create succeeds twice", []history.Op{
			write(0, history.KindCreate, "/a", "x", 0, 10, ok, 1, 0),
			write(1, history.KindCreate, "/a", "y", 20, 30, ok, 2, 0),
		}, false, "key /a"},
		{"update of a missing key fails 100", []history.Op{
			write(0, history.KindUpdate, "/a", "x", 0, 10, fail, 0, history.ErrCodeKeyNotFound),
		}, true, ""},
		{"update of a missing key succeeds", []history.Op{
			write(0, history.KindUpdate, "/a", "x", 0, 10, ok, 1, 0),
		}, false, "key /a"},
		{"delete then read not found", []history.Op{
			okSet(0, "/a", "1", 0, 10, 1),
			write(0, history.KindDelete, "/a", "", 20, 30, ok, 2, 0),
			readMissing(1, qget, "/a", 40, 50),
		}, true, ""},
		{"read finds a deleted key", []history.Op{
			okSet(0, "/a", "1", 0, 10, 1),
			write(0, history.KindDelete, "/a", "", 20, 30, ok, 2, 0),
			read(1, qget, "/a", "1", 40, 50, 1),
		}, false, "key /a"},
		{"quorum read not found as error 100", []history.Op{
			{Client: 1, Kind: qget, Key: "/a", Call: 0, Return: 5, Outcome: fail, ErrorCode: history.ErrCodeKeyNotFound},
		}, true, ""},
		{"indexes order the writes of a key", []history.Op{
			okSet(0, "/a", "1", 0, 10, 5),
			okSet(1, "/a", "2", 0, 10, 3),
			read(2, qget, "/a", "1", 20, 30, 5),
		}, true, ""},
		{"read contradicts the index order", []history.Op{
			okSet(0, "/a", "1", 0, 10, 5),
			okSet(1, "/a", "2", 0, 10, 3),
			read(2, qget, "/a", "2", 20, 30, 3),
		}, false, "key /a"},
		{"index returned twice", []history.Op{
			okSet(0, "/a", "1", 0, 10, 5),
			okSet(1, "/b", "2", 0, 10, 5),
		}, false, "etcd index 5 returned by two writes"},
		{"index goes back in real time across keys", []history.Op{
			okSet(0, "/a", "1", 0, 10, 5),
			okSet(1, "/b", "2", 20, 30, 3),
		}, false, "etcd index 3 of client 1 set /b"},
		{"read's index belongs to another key", []history.Op{
			okSet(0, "/a", "1", 0, 10, 5),
			okSet(1, "/b", "1", 20, 30, 6),
			read(2, get, "/b", "1", 40, 50, 5),
		}, false, "which belongs to client 0 set /a"},
		{"read's index never written", []history.Op{
			unknownWrite(0, history.KindSet, "/a", "1", 0, 10),
			read(2, qget, "/a", "2", 40, 50, 9),
		}, false, "no write of that value to /a could have produced it"},
		{"local read of an invented value", []history.Op{
			okSet(0, "/a", "1", 0, 10, 1),
			read(1, get, "/a", "zzz", 20, 30, 0),
		}, false, "returned a value no write of /a produced"},
		{"meaningless failures and unknown reads are not checked", []history.Op{
			write(0, history.KindSet, "/a", "1", 0, 10, fail, 0, 300),
			{Client: 1, Kind: qget, Key: "/a", Call: 0, Return: 5, Outcome: unknown},
			readMissing(1, qget, "/a", 20, 30),
		}, true, ""},
		{"invalid op", []history.Op{
			{Client: 0, Kind: "append", Key: "/a", Outcome: ok},
		}, false, "skipped"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Check(tt.ops, Options{})
			assert.Equal(t, tt.linearizable, v.Linearizable, "problems: %q", v.Problems)
			assert.False(t, v.TimedOut)
			if tt.linearizable {
				assert.Empty(t, v.Problems)
				return
			}
			assert.Contains(t, strings.Join(v.Problems, "\n"), tt.problem)
		})
	}
}

func TestCheckCounts(t *testing.T) {
	ops := []history.Op{
		okSet(0, "/a", "1", 0, 10, 1),
		okSet(0, "/b", "1", 20, 30, 2),
		unknownWrite(1, history.KindSet, "/b", "2", 20, 30),
		{Client: 2, Kind: qget, Key: "/a", Call: 0, Return: 5, Outcome: unknown},
		read(3, qget, "/a", "1", 40, 50, 1),
		read(3, get, "/b", "1", 60, 70, 2),
	}
	v := Check(ops, Options{})
	require.True(t, v.Linearizable, v.Problems)
	assert.Equal(t, 4, v.OpsChecked, "two writes, the unknown write and the quorum read")
	assert.Equal(t, 2, v.KeysChecked)
	assert.Equal(t, 2, v.Unknown)
	assert.Zero(t, v.StaleReads)
}

func TestCheckStaleLocalReads(t *testing.T) {
	tests := []struct {
		name  string
		ops   []history.Op
		stale int
	}{
		{"read of the previous value", []history.Op{
			okSet(0, "/a", "1", 0, 10, 1),
			okSet(0, "/a", "2", 20, 30, 2),
			read(1, get, "/a", "1", 40, 50, 1),
		}, 1},
		{"read of the previous value without index", []history.Op{
			okSet(0, "/a", "1", 0, 10, 1),
			okSet(0, "/a", "2", 20, 30, 2),
			read(1, get, "/a", "1", 40, 50, 0),
		}, 1},
		{"concurrent write is not owed", []history.Op{
			okSet(0, "/a", "1", 0, 10, 1),
			okSet(0, "/a", "2", 20, 45, 2),
			read(1, get, "/a", "1", 40, 50, 1),
		}, 0},
		{"not found after a completed set", []history.Op{
			okSet(0, "/a", "1", 0, 10, 1),
			readMissing(1, get, "/a", 40, 50),
		}, 1},
		{"not found after a completed delete", []history.Op{
			okSet(0, "/a", "1", 0, 10, 1),
			write(0, history.KindDelete, "/a", "", 20, 30, ok, 2, 0),
			readMissing(1, get, "/a", 40, 50),
		}, 0},
		{"not found while a delete is in flight", []history.Op{
			okSet(0, "/a", "1", 0, 10, 1),
			write(0, history.KindDelete, "/a", "", 20, 60, unknown, 0, 0),
			readMissing(1, get, "/a", 40, 50),
		}, 0},
		{"found a deleted key", []history.Op{
			okSet(0, "/a", "1", 0, 10, 1),
			write(0, history.KindDelete, "/a", "", 20, 30, ok, 2, 0),
			read(1, get, "/a", "1", 40, 50, 1),
		}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Check(tt.ops, Options{})
			assert.True(t, v.Linearizable, "stale local reads are allowed: %q", v.Problems)
			assert.Equal(t, tt.stale, v.StaleReads)
			assert.Empty(t, v.Problems, "a stale local read is a fact, not a problem")
			if tt.stale > 0 {
				assert.Contains(t, strings.Join(v.Stale, "\n"), "stale read: client 1 get /a")
			}
		})
	}
}

func TestCheckLabelsStaleReadWithNode(t *testing.T) {
	r := read(1, get, "/a", "1", 40, 50, 1)
	r.Node = "n3"
	v := Check([]history.Op{okSet(0, "/a", "1", 0, 10, 1), okSet(0, "/a", "2", 20, 30, 2), r}, Options{})
	require.Equal(t, 1, v.StaleReads)
	assert.Contains(t, strings.Join(v.Stale, "\n"), "from n3")
}

func TestCheckCapsProblemLists(t *testing.T) {
	var ops []history.Op
	for i := 0; i < maxProblemsPerRule+5; i++ {
		ops = append(ops, okSet(i, "/k"+string(rune('a'+i)), "v", 0, 10, 7))
	}
	v := Check(ops, Options{})
	require.False(t, v.Linearizable)
	assert.Contains(t, v.Problems, "... and 4 more duplicate indexes", "25 writes share index 7: 24 duplicates, 20 listed")
}

func TestCheckTimeoutIsInconclusive(t *testing.T) {
	ops := genHistory(3, 2000, 5, 3, 5)
	v := Check(ops, Options{Timeout: time.Nanosecond})
	assert.True(t, v.TimedOut)
	assert.Contains(t, strings.Join(v.Problems, "\n"), "timed out")
}

func TestCheckVisualizesViolations(t *testing.T) {
	dir := t.TempDir()
	ops := []history.Op{
		okSet(0, "/a", "1", 0, 10, 1),
		okSet(0, "/a", "2", 20, 30, 2),
		read(1, qget, "/a", "1", 40, 50, 1),
		okSet(0, "/b", "x", 60, 70, 3),
	}
	v := Check(ops, Options{VisualizeDir: dir})
	require.False(t, v.Linearizable)
	require.NotEmpty(t, v.VisualizationPath)
	html, err := os.ReadFile(v.VisualizationPath)
	require.NoError(t, err)
	assert.Contains(t, string(html), jsonText(t, `qget(/a) -> "1"@1`), "the stale read is described")
	assert.NotContains(t, string(html), jsonText(t, `set(/b, "x")`), "only the failing key is drawn")

	assert.Contains(t, string(html), "client 1", "operations are labelled with their client")

	none := Check(ops[:2], Options{VisualizeDir: t.TempDir()})
	assert.Empty(t, none.VisualizationPath, "nothing to show without a violation")

	withUnknown := append(ops[:2:2], unknownWrite(1, history.KindSet, "/a", "3", 5, 15))
	always := Check(withUnknown, Options{VisualizeDir: t.TempDir(), VisualizeAlways: true})
	require.NotEmpty(t, always.VisualizationPath)
	html, err = os.ReadFile(always.VisualizationPath)
	require.NoError(t, err)
	assert.Contains(t, string(html), "outcome unknown (gave up at 0.000 s)")
}

// jsonText is s as it appears inside a JSON string (porcupine embeds its data as JSON).
func jsonText(t *testing.T, s string) string {
	b, err := json.Marshal(s)
	require.NoError(t, err)
	return strings.Trim(string(b), `"`)
}

func TestPorcupineHistoryWithV2Model(t *testing.T) {
	ops := []history.Op{
		okSet(0, "/a", "1", 0, 10, 1),
		unknownWrite(1, history.KindSet, "/a", "2", 20, 30),
		read(2, get, "/a", "1", 40, 50, 1),
		read(2, qget, "/a", "2", 60, 70, 3),
		{Client: 0, Kind: "bogus", Key: "/a", Outcome: ok},
	}
	lin := PorcupineHistory(ops)
	require.Len(t, lin, 3, "the local read and the invalid op are left out")
	assert.Equal(t, int64(math.MaxInt64), lin[1].Return, "the unknown write may take effect any time")
	assert.True(t, porcupine.CheckOperations(V2Model(), lin))
	assert.False(t, porcupine.CheckOperations(V2Model(), []porcupine.Operation{lin[0], lin[2]}),
		"without the unknown write the read of 2 is impossible")
}

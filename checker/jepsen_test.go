package checker

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/checker/history"
)

// jepsenVerdicts is the expected verdict of each Jepsen log in testdata/jepsen. Each was derived by
// running Check, agrees with the brute-force search below, and matches what porcupine's own test
// suite expects of the same file.
var jepsenVerdicts = map[string]bool{
	"etcd_000.log": false,
	"etcd_002.log": true,
	"etcd_004.log": false,
	"etcd_006.log": false,
	"etcd_010.log": false,
	"etcd_018.log": true,
	"etcd_022.log": false,
	"etcd_048.log": true,
	"etcd_056.log": true,
	"etcd_100.log": true,
}

func readJepsenFile(t testing.TB, name string) []history.Op {
	data, err := os.ReadFile(filepath.Join("testdata", "jepsen", name))
	require.NoError(t, err)
	ops, err := history.ReadJepsen(strings.NewReader(string(data)))
	require.NoError(t, err)
	return ops
}

func TestJepsenLogs(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "jepsen", "*.log"))
	require.NoError(t, err)
	require.Len(t, files, len(jepsenVerdicts), "every test log has an expected verdict")
	nonLinearizable := 0
	for _, f := range files {
		name := filepath.Base(f)
		want, ok := jepsenVerdicts[name]
		require.True(t, ok, "no expected verdict for %s", name)
		if !want {
			nonLinearizable++
		}
		t.Run(name, func(t *testing.T) {
			ops := readJepsenFile(t, name)
			v := Check(ops, Options{})
			assert.Equal(t, want, v.Linearizable, "Check: %q", v.Problems)
			assert.Equal(t, want, bruteForceLinearizable(t, ops), "brute force")
			if !want {
				assert.Contains(t, strings.Join(v.Problems, "\n"), "key r: not linearizable")
			}
		})
	}
	assert.GreaterOrEqual(t, nonLinearizable, 2)
}

// bruteForceLinearizable decides linearizability of a single-register history by depth-first search
// over every order that respects real time, remembering visited (done set, state) pairs. It is written
// independently of the porcupine model: an unknown write is optional (it may be placed anywhere after
// its call, or never), reads with an unknown outcome are ignored, and a failed cas means its compare
// did not hold.
func bruteForceLinearizable(t testing.TB, ops []history.Op) bool {
	var definite, optional []history.Op
	for _, op := range ops {
		require.Equal(t, history.JepsenKey, op.Key)
		switch {
		case op.Outcome != history.OutcomeUnknown:
			definite = append(definite, op)
		case op.Kind.IsWrite():
			optional = append(optional, op)
		}
	}
	all := append(append([]history.Op{}, definite...), optional...)
	type register struct {
		exists bool
		value  string
	}
	apply := func(r register, op history.Op) (register, bool) {
		switch op.Kind {
		case history.KindQGet:
			return r, op.Found == r.exists && (!op.Found || op.Result == r.value)
		case history.KindSet:
			return register{true, op.Value}, true
		case history.KindCAS:
			holds := r.exists && r.value == op.PrevValue
			switch op.Outcome {
			case history.OutcomeOK:
				return register{true, op.Value}, holds
			case history.OutcomeFail:
				return r, !holds
			}
			if holds {
				return register{true, op.Value}, true
			}
			return r, true
		}
		t.Fatalf("unexpected op %v", op)
		return r, false
	}
	done := make([]bool, len(all))
	seen := map[string]bool{}
	var search func(r register, left int) bool
	search = func(r register, left int) bool {
		if left == 0 {
			return true
		}
		var key strings.Builder
		for _, d := range done {
			if d {
				key.WriteByte('1')
			} else {
				key.WriteByte('0')
			}
		}
		key.WriteString(r.value)
		if r.exists {
			key.WriteByte('+')
		}
		if seen[key.String()] {
			return false
		}
		seen[key.String()] = true
		// The earliest return among the definite ops still to place bounds which op may go next.
		deadline := int64(1 << 62)
		for i := range definite {
			if !done[i] && definite[i].Return < deadline {
				deadline = definite[i].Return
			}
		}
		for i, op := range all {
			if done[i] || op.Call > deadline {
				continue
			}
			next, legal := apply(r, op)
			if !legal {
				continue
			}
			done[i] = true
			remaining := left
			if i < len(definite) {
				remaining--
			}
			found := search(next, remaining)
			done[i] = false
			if found {
				return true
			}
		}
		return false
	}
	return search(register{}, len(definite))
}

func BenchmarkCheckJepsen(b *testing.B) {
	ops := readJepsenFile(b, "etcd_002.log")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Check(ops, Options{})
	}
}

package store

import (
	"strconv"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// modelFile is one key of the reference model.
type modelFile struct {
	value             string
	created, modified uint64
}

// refModel is a deliberately simple reference for the store on flat file keys without TTLs: a map
// and a counter, written straight from the etcd v2 rules (ETCD_V2_API.md §3).
type refModel struct {
	index uint64
	files map[string]modelFile
}

// modelResult is what the model predicts for one request.
type modelResult struct {
	errCode int // 0: success
	action  string
	node    modelFile
	prev    *modelFile
}

func (m *refModel) apply(r Request) modelResult {
	old, exists := m.files[r.Key]
	var prev *modelFile
	if exists {
		prev = &old
	}
	compareOK := exists && (r.PrevValue == "" || r.PrevValue == old.value) && (r.PrevIndex == 0 || r.PrevIndex == old.modified)
	next := m.index + 1
	switch {
	case !utf8.ValidString(r.Key) || !utf8.ValidString(r.Value) || !utf8.ValidString(r.PrevValue):
		return modelResult{errCode: EcodeInvalidField}
	case r.Op == OpCreate && exists:
		return modelResult{errCode: EcodeNodeExist}
	case r.Op != OpSet && r.Op != OpCreate && !exists:
		return modelResult{errCode: EcodeKeyNotFound}
	case (r.Op == OpCompareAndSwap || r.Op == OpCompareAndDelete) && !compareOK:
		return modelResult{errCode: EcodeTestFailed}
	}
	m.index = next
	switch r.Op {
	case OpSet, OpCreate:
		f := modelFile{value: r.Value, created: next, modified: next}
		m.files[r.Key] = f
		action := ActionSet
		if r.Op == OpCreate {
			action = ActionCreate
		}
		return modelResult{action: action, node: f, prev: prev}
	case OpUpdate, OpCompareAndSwap:
		f := modelFile{value: r.Value, created: old.created, modified: next}
		m.files[r.Key] = f
		action := ActionUpdate
		if r.Op == OpCompareAndSwap {
			action = ActionCompareAndSwap
		}
		return modelResult{action: action, node: f, prev: prev}
	default: // OpDelete, OpCompareAndDelete
		delete(m.files, r.Key)
		action := ActionDelete
		if r.Op == OpCompareAndDelete {
			action = ActionCompareAndDelete
		}
		return modelResult{action: action, node: modelFile{created: old.created, modified: next}, prev: prev}
	}
}

// modelKeys is the flat key space of the fuzzer: few keys, so operations collide.
var modelKeys = []string{"/k0", "/k1", "/k2", "/dir-less/k3"}

// modelOps are the mutations the model knows.
var modelOps = []Op{OpSet, OpCreate, OpUpdate, OpCompareAndSwap, OpDelete, OpCompareAndDelete}

// decodeRequest turns 4 program bytes into a request: op, key, value, and the compare arguments.
func decodeRequest(b []byte, value string, index uint64) Request {
	values := []string{"", "x", "y", value}
	r := Request{Op: modelOps[int(b[0])%len(modelOps)], Key: modelKeys[int(b[1])%len(modelKeys)],
		Value: values[int(b[2])%len(values)]}
	if r.Op == OpCompareAndSwap || r.Op == OpCompareAndDelete {
		r.PrevValue = values[int(b[3]&3)]
		r.PrevIndex = uint64(b[3]>>2) % (index + 2)
	}
	if r.Op == OpDelete || r.Op == OpCompareAndDelete {
		r.Value = ""
	}
	return r
}

// FuzzStoreAgainstModel runs a program of mutations (4 bytes each) on the store and on refModel
// and compares every result (action, value, indexes, previous node, error code and index), every
// key after every step, and a replica restored from the store's snapshot at the end.
// Seeds: testdata/fuzz/FuzzStoreAgainstModel.
func FuzzStoreAgainstModel(f *testing.F) {
	f.Add([]byte{0, 0, 1, 0, 3, 0, 2, 5, 4, 0, 0, 0}, "v")
	f.Fuzz(func(t *testing.T, program []byte, value string) {
		s := New()
		m := &refModel{files: map[string]modelFile{}}
		for step := 0; step+4 <= len(program) && step < 4*256; step += 4 {
			r := decodeRequest(program[step:step+4], value, m.index)
			want := m.apply(r)
			ev, err := s.Apply(r)
			what := r.Op.String() + " " + r.Key + " at step " + strconv.Itoa(step/4)
			compareResult(t, what, want, m.index, ev, err)
			require.Equal(t, m.index, s.Index(), "%s: store index", what)
		}
		compareKeys(t, "final state", s, m)
		data, err := s.Save()
		require.NoError(t, err)
		replica := New()
		require.NoError(t, replica.Recovery(data))
		compareKeys(t, "restored replica", replica, m)
		assert.Equal(t, m.index, replica.Index(), "restored replica index")
	})
}

func compareResult(t *testing.T, what string, want modelResult, index uint64, ev *Event, err error) {
	t.Helper()
	if want.errCode != 0 {
		require.Error(t, err, "%s: the model refuses with %d", what, want.errCode)
		serr, ok := err.(*Error)
		require.True(t, ok, "%s: store errors are *Error, got %T", what, err)
		assert.Equal(t, want.errCode, serr.ErrorCode, "%s: error code", what)
		assert.Equal(t, index, serr.Index, "%s: error index", what)
		return
	}
	require.NoError(t, err, "%s: the model accepts it", what)
	require.NotNil(t, ev)
	assert.Equal(t, want.action, ev.Action, "%s: action", what)
	assert.Equal(t, want.node.created, ev.Node.CreatedIndex, "%s: createdIndex", what)
	assert.Equal(t, want.node.modified, ev.Node.ModifiedIndex, "%s: modifiedIndex", what)
	if want.action != ActionDelete && want.action != ActionCompareAndDelete {
		require.NotNil(t, ev.Node.Value, "%s: a file has a value", what)
		assert.Equal(t, want.node.value, *ev.Node.Value, "%s: value", what)
	}
	if want.prev == nil {
		assert.Nil(t, ev.PrevNode, "%s: no previous node", what)
		return
	}
	require.NotNil(t, ev.PrevNode, "%s: previous node", what)
	require.NotNil(t, ev.PrevNode.Value)
	assert.Equal(t, want.prev.value, *ev.PrevNode.Value, "%s: previous value", what)
	assert.Equal(t, want.prev.modified, ev.PrevNode.ModifiedIndex, "%s: previous modifiedIndex", what)
}

func compareKeys(t *testing.T, what string, s *Store, m *refModel) {
	t.Helper()
	for _, key := range modelKeys {
		ev, err := s.Get(key, false, false, 0)
		f, exists := m.files[key]
		if !exists {
			require.Error(t, err, "%s: %s exists in the store only", what, key)
			continue
		}
		require.NoError(t, err, "%s: %s", what, key)
		require.NotNil(t, ev.Node.Value)
		assert.Equal(t, f.value, *ev.Node.Value, "%s: %s value", what, key)
		assert.Equal(t, f.created, ev.Node.CreatedIndex, "%s: %s createdIndex", what, key)
		assert.Equal(t, f.modified, ev.Node.ModifiedIndex, "%s: %s modifiedIndex", what, key)
	}
}

package store

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestInternalNamespace(t *testing.T) {
	s := New()
	userWatch := mustWatch(t, s, "/", true, true, 0)
	membersWatch := mustWatch(t, s, "/members", true, true, 0)

	// A fresh 1-member cluster: member added, attributes, cluster version, then the first user write
	// gets index 4 (ETCD_V2_API.md §4).
	e, err := s.SetInternal("/members/8e9e05c52164694d/raftAttributes", `{"peerURLs":["http://localhost:2380"]}`)
	require.NoError(t, err)
	assert.Equal(t, `{"action":"set","node":{"key":"/members/8e9e05c52164694d/raftAttributes","value":"{\"peerURLs\":[\"http://localhost:2380\"]}","modifiedIndex":1,"createdIndex":1}}`, jsonOf(t, e))
	_, err = s.SetInternal("/members/8e9e05c52164694d/attributes", `{"name":"default"}`)
	require.NoError(t, err)
	_, err = s.SetInternal("/version", "3.5.0")
	require.NoError(t, err)
	first := mustApply(t, s, set("/foo", "bar"))
	assert.Equal(t, uint64(4), first.Node.ModifiedIndex)

	root, err := s.Get("/", true, true, 0)
	require.NoError(t, err)
	assert.Equal(t, `{"action":"get","node":{"dir":true,"nodes":[{"key":"/foo","value":"bar","modifiedIndex":4,"createdIndex":4}]}}`, jsonOf(t, root),
		"internal records never show under the user key space")
	_, err = s.Get("/members", false, false, 0)
	assert.Equal(t, EcodeKeyNotFound, storeErr(t, err).ErrorCode)

	got, err := s.GetInternal("/members", true)
	require.NoError(t, err)
	assert.Equal(t, `{"action":"get","node":{"key":"/members","dir":true,"nodes":[{"key":"/members/8e9e05c52164694d","dir":true,"nodes":[`+
		`{"key":"/members/8e9e05c52164694d/attributes","value":"{\"name\":\"default\"}","modifiedIndex":2,"createdIndex":2},`+
		`{"key":"/members/8e9e05c52164694d/raftAttributes","value":"{\"peerURLs\":[\"http://localhost:2380\"]}","modifiedIndex":1,"createdIndex":1}],`+
		`"modifiedIndex":1,"createdIndex":1}],"modifiedIndex":1,"createdIndex":1}}`, jsonOf(t, got))

	// Member removed: +2 (delete the record, remember the removed ID).
	_, err = s.DeleteInternal("/members/8e9e05c52164694d", true)
	require.NoError(t, err)
	_, err = s.SetInternal("/removed_members/8e9e05c52164694d", "removed")
	require.NoError(t, err)
	assert.Equal(t, uint64(6), s.Index())

	events, _ := drain(userWatch)
	assert.Equal(t, []string{"set /foo"}, keysOf(events))
	events, _ = drain(membersWatch)
	assert.Empty(t, events, "a user watch on /members does not see internal records")

	w := mustWatch(t, s, "/", true, false, 1)
	events, _ = drain(w)
	assert.Equal(t, []string{"set /foo"}, keysOf(events), "history scans skip internal events")
}

func TestInternalErrors(t *testing.T) {
	s := New()
	_, err := s.SetInternal("/version", "3.5.0")
	require.NoError(t, err)

	_, err = s.GetInternal("/members", false)
	assert.Equal(t, EcodeKeyNotFound, storeErr(t, err).ErrorCode)
	_, err = s.DeleteInternal("/members/1", true)
	assert.Equal(t, EcodeKeyNotFound, storeErr(t, err).ErrorCode)
	_, err = s.SetInternal("/version/x", "v")
	assert.Equal(t, EcodeNotDir, storeErr(t, err).ErrorCode)
	_, err = s.SetInternal("/", "v")
	assert.Equal(t, EcodeRootROnly, storeErr(t, err).ErrorCode)
	_, err = s.DeleteInternal("/", true)
	assert.Equal(t, EcodeRootROnly, storeErr(t, err).ErrorCode)
	assert.Equal(t, uint64(1), s.Index())
}

func TestApplyInternalConditionalWrites(t *testing.T) {
	s := New()
	code := func(err error) int {
		if err == nil {
			return 0
		}
		return storeErr(t, err).ErrorCode
	}
	apply := func(r Request) (*Event, error) { return s.ApplyInternal(r) }

	e, err := apply(Request{Op: OpCreate, Key: "/auth/users/alice", Value: "v1"})
	require.NoError(t, err)
	created := e.Node.ModifiedIndex
	_, err = apply(Request{Op: OpCreate, Key: "/auth/users/alice", Value: "other"})
	assert.Equal(t, EcodeNodeExist, code(err), "create of an existing record")

	_, err = apply(Request{Op: OpCompareAndSwap, Key: "/auth/users/alice", Value: "v2", PrevIndex: created + 7})
	assert.Equal(t, EcodeTestFailed, code(err), "swap against a stale index")
	e, err = apply(Request{Op: OpCompareAndSwap, Key: "/auth/users/alice", Value: "v2", PrevIndex: created})
	require.NoError(t, err)
	assert.Equal(t, "v2", *e.Node.Value)
	_, err = apply(Request{Op: OpCompareAndSwap, Key: "/auth/users/alice", Value: "v3", PrevIndex: created})
	assert.Equal(t, EcodeTestFailed, code(err), "the second swap read before the first one: refused")

	_, err = apply(Request{Op: OpCompareAndDelete, Key: "/auth/users/alice", PrevIndex: created})
	assert.Equal(t, EcodeTestFailed, code(err), "delete against a stale index")
	_, err = apply(Request{Op: OpCompareAndDelete, Key: "/auth/users/alice", PrevIndex: e.Node.ModifiedIndex})
	require.NoError(t, err)
	_, err = apply(Request{Op: OpCompareAndSwap, Key: "/auth/users/alice", Value: "v4", PrevIndex: e.Node.ModifiedIndex})
	assert.Equal(t, EcodeKeyNotFound, code(err), "swap of a deleted record")

	_, err = apply(Request{Op: OpCreateInOrder, Key: "/auth/queue"})
	assert.Equal(t, EcodeRaftInternal, code(err), "ops without meaning here are refused")

	root, err := s.Get("/", true, true, 0)
	require.NoError(t, err)
	assert.Empty(t, root.Node.Nodes, "internal records never show under the user key space")
}

// TestApplyInternalSetAndDeleteAreTheOldOps: logs written before the conditional ops existed carry
// internal sets and deletes, which must replay exactly as SetInternal and DeleteInternal.
func TestApplyInternalSetAndDeleteAreTheOldOps(t *testing.T) {
	viaApply, direct := New(), New()
	e1, err := viaApply.ApplyInternal(Request{Op: OpSet, Key: "/auth/roles/app", Value: "r"})
	require.NoError(t, err)
	e2, err := direct.SetInternal("/auth/roles/app", "r")
	require.NoError(t, err)
	assert.Equal(t, jsonOf(t, e2), jsonOf(t, e1))
	e1, err = viaApply.ApplyInternal(Request{Op: OpDelete, Key: "/auth", Recursive: true})
	require.NoError(t, err)
	e2, err = direct.DeleteInternal("/auth", true)
	require.NoError(t, err)
	assert.Equal(t, jsonOf(t, e2), jsonOf(t, e1))
}

// TestInternalReadsDoNotCount: reading the internal namespace counts nothing (kvd re-reads its
// auth records, for instance while a watch is open, where etcd reads nothing); CountGet counts
// the one read etcd makes of its auth flag for each request.
func TestInternalReadsDoNotCount(t *testing.T) {
	s := New()
	_, err := s.SetInternal("/auth/enabled", "false")
	require.NoError(t, err)
	before := s.Stats()
	_, err = s.GetInternal("/auth/enabled", false)
	require.NoError(t, err)
	_, err = s.GetInternal("/auth/users/nobody", false)
	require.Error(t, err)
	assert.Equal(t, Stats{}, statsDelta(before, s.Stats()))
	s.CountGet(true)
	s.CountGet(false)
	assert.Equal(t, Stats{GetSuccess: 1, GetFail: 1}, statsDelta(before, s.Stats()))
}

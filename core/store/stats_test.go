package store

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStatsCountEveryOutcome(t *testing.T) {
	s := New()
	ops := []Request{
		set("/a", "1"), set("/", "x"),
		{Op: OpCreate, Key: "/b"}, {Op: OpCreate, Key: "/b"}, {Op: OpCreateInOrder, Key: "/q"},
		{Op: OpUpdate, Key: "/a", Value: "2"}, {Op: OpUpdate, Key: "/nope"},
		{Op: OpCompareAndSwap, Key: "/a", PrevValue: "2", Value: "3"}, {Op: OpCompareAndSwap, Key: "/a", PrevValue: "x"},
		{Op: OpCompareAndDelete, Key: "/nope", PrevValue: "x"}, {Op: OpCompareAndDelete, Key: "/a", PrevValue: "3"},
		{Op: OpDelete, Key: "/b"}, {Op: OpDelete, Key: "/b"},
		withTTL(set("/t", "x"), t0, t0), {Op: OpSync, Time: t0},
	}
	for _, r := range ops {
		_, _ = s.Apply(r)
	}
	_, err := s.Get("/q", false, false, 0)
	require.NoError(t, err)
	_, err = s.Get("/nope", false, false, 0)
	require.Error(t, err)
	w := mustWatch(t, s, "/w", false, false, 0)
	defer w.Remove()

	assert.Equal(t, `{"getsSuccess":1,"getsFail":1,"setsSuccess":2,"setsFail":1,"deleteSuccess":1,"deleteFail":1,`+
		`"updateSuccess":1,"updateFail":1,"createSuccess":2,"createFail":1,"compareAndSwapSuccess":1,"compareAndSwapFail":1,`+
		`"compareAndDeleteSuccess":1,"compareAndDeleteFail":1,"expireCount":1,"watchers":1}`, jsonOf(t, s.Stats()))
	assert.Equal(t, uint64(14), s.Stats().TotalTransactions())
}

// TestStatsCountRefusalsAsEtcdDoes: etcd 3.5's v2 store counts some refusals as successes (the
// error is returned without reaching the variable its deferred counter reads) and counts a create
// through a file twice (a set failure as well). kvd's counters move by the same amounts, as the
// differential suite's 09-stats.seq checks against a real etcd.
func TestStatsCountRefusalsAsEtcdDoes(t *testing.T) {
	for _, tc := range []struct {
		name string
		req  Request
		want Stats
	}{
		{"update of the root", Request{Op: OpUpdate, Key: "/", Value: "x"}, Stats{UpdateSuccess: 1}},
		{"update of a directory with a value", Request{Op: OpUpdate, Key: "/d", Value: "x"}, Stats{UpdateSuccess: 1}},
		{"update of a missing key", Request{Op: OpUpdate, Key: "/nope", Value: "x"}, Stats{UpdateFail: 1}},
		{"compare-and-swap of the root", Request{Op: OpCompareAndSwap, Key: "/", PrevValue: "a", Value: "x"}, Stats{CompareAndSwapSuccess: 1}},
		{"compare-and-swap that fails", Request{Op: OpCompareAndSwap, Key: "/f", PrevValue: "a", Value: "x"}, Stats{CompareAndSwapFail: 1}},
		{"compare-and-swap of a directory", Request{Op: OpCompareAndSwap, Key: "/d", PrevValue: "a", Value: "x"}, Stats{CompareAndSwapFail: 1}},
		{"compare-and-delete that fails", Request{Op: OpCompareAndDelete, Key: "/f", PrevValue: "a"}, Stats{CompareAndDeleteSuccess: 1}},
		{"compare-and-delete of a directory", Request{Op: OpCompareAndDelete, Key: "/d", PrevValue: "a"}, Stats{CompareAndDeleteSuccess: 1}},
		{"compare-and-delete of the root", Request{Op: OpCompareAndDelete, Key: "/", PrevValue: "a"}, Stats{CompareAndDeleteSuccess: 1}},
		{"compare-and-delete of a missing key", Request{Op: OpCompareAndDelete, Key: "/nope", PrevValue: "a"}, Stats{CompareAndDeleteFail: 1}},
		{"delete of the root", Request{Op: OpDelete, Key: "/", Recursive: true}, Stats{DeleteSuccess: 1}},
		{"delete of a non-empty directory", Request{Op: OpDelete, Key: "/d", Dir: true}, Stats{DeleteFail: 1}},
		{"create through a file", Request{Op: OpCreate, Key: "/f/x", Value: "x"}, Stats{CreateFail: 1, SetFail: 1}},
		{"create in order in a file", Request{Op: OpCreateInOrder, Key: "/f", Value: "x"}, Stats{CreateFail: 1, SetFail: 1}},
		{"create of an existing key", Request{Op: OpCreate, Key: "/f", Value: "x"}, Stats{CreateFail: 1}},
		{"set through a file", set("/f/x", "x"), Stats{SetFail: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := New()
			applyAll(t, s, set("/f", "v"), set("/d/child", "c"))
			before := s.Stats()
			_, err := s.Apply(tc.req)
			require.Error(t, err)
			after := s.Stats()
			assert.Equal(t, tc.want, statsDelta(before, after))
		})
	}
}

// statsDelta is after - before, counter by counter (Watchers included).
func statsDelta(before, after Stats) Stats {
	return Stats{
		GetSuccess: after.GetSuccess - before.GetSuccess, GetFail: after.GetFail - before.GetFail,
		SetSuccess: after.SetSuccess - before.SetSuccess, SetFail: after.SetFail - before.SetFail,
		DeleteSuccess: after.DeleteSuccess - before.DeleteSuccess, DeleteFail: after.DeleteFail - before.DeleteFail,
		UpdateSuccess: after.UpdateSuccess - before.UpdateSuccess, UpdateFail: after.UpdateFail - before.UpdateFail,
		CreateSuccess: after.CreateSuccess - before.CreateSuccess, CreateFail: after.CreateFail - before.CreateFail,
		CompareAndSwapSuccess:   after.CompareAndSwapSuccess - before.CompareAndSwapSuccess,
		CompareAndSwapFail:      after.CompareAndSwapFail - before.CompareAndSwapFail,
		CompareAndDeleteSuccess: after.CompareAndDeleteSuccess - before.CompareAndDeleteSuccess,
		CompareAndDeleteFail:    after.CompareAndDeleteFail - before.CompareAndDeleteFail,
		ExpireCount:             after.ExpireCount - before.ExpireCount, Watchers: after.Watchers - before.Watchers,
	}
}

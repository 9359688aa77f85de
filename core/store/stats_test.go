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
		{Op: OpCompareAndDelete, Key: "/a", PrevValue: "x"}, {Op: OpCompareAndDelete, Key: "/a", PrevValue: "3"},
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

package checker

import (
	"strings"
	"testing"

	"github.com/raftlab/raftlab/checker/history"
	"github.com/stretchr/testify/assert"
)

// A refresh keeps the value and moves the key to a later index; one without an answer may explain a
// local read of an earlier value at a later index (ttl-mixed seed 1607 of 2,000), but only one
// called before the read returned.
func TestLocalReadAtTheIndexOfARefreshWithoutAnswer(t *testing.T) {
	set := okSet(0, "/a", "1", 0, 10, 1)
	set.TTL = int64(1e9)
	refresh := history.Op{Client: 2, Kind: history.KindUpdate, Key: "/a", TTL: int64(1e9), Refresh: true,
		Call: 20, Return: 90, Outcome: history.OutcomeUnknown}
	readAt5 := read(1, history.KindGet, "/a", "1", 40, 50, 5)

	v := Check([]history.Op{set, refresh, readAt5}, Options{})
	assert.Empty(t, v.Problems)

	late := refresh
	late.Call = 60
	v = Check([]history.Op{set, late, readAt5}, Options{})
	assert.Contains(t, strings.Join(v.Problems, "\n"), "returned a value no write of /a produced")
}

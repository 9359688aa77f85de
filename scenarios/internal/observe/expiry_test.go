package observe

import (
	"testing"

	"github.com/raftlab/raftlab/checker/history"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestExpiryRecordsContainTheirCommit: a sync record sits at the first time any node committed its
// entry, and an expire record spans from the first commit after the last drain to its own drain, so
// that the instant the expiry took effect is always inside its interval.
func TestExpiryRecordsContainTheirCommit(t *testing.T) {
	var e expiry
	e.committed(3, 100)
	e.committed(2, 150) // a lagging node: the cluster had reached 3 already
	e.committed(5, 200)
	e.committed(8, 300)
	assert.Equal(t, int64(100), e.commitTime(1))
	assert.Equal(t, int64(200), e.commitTime(4))
	assert.Equal(t, int64(300), e.commitTime(8))
	assert.Zero(t, e.commitTime(9), "not committed yet")

	e.event(history.WatchEvent{Action: "set", Key: "/keys/k", Index: 3}, 0)
	e.applied(3, 120, func(lo, hi uint64) []entryClock {
		t.Fatalf("nothing to scan before a TTL write: %d..%d", lo, hi)
		return nil
	})
	e.event(history.WatchEvent{Action: "set", Key: "/ttl/a", Index: 4}, 1_000)
	e.event(history.WatchEvent{Action: "expire", Key: "/ttl/a", Index: 5}, 0)
	var scanned [2]uint64
	e.applied(7, 310, func(lo, hi uint64) []entryClock {
		scanned = [2]uint64{lo, hi}
		return []entryClock{{index: 6, clock: 900}, {index: 7, clock: 1_100}}
	})
	assert.Equal(t, [2]uint64{4, 7}, scanned, "the entries applied since the last scan")
	require.Len(t, e.records, 3)
	assert.Equal(t, history.Op{Kind: history.KindSync, Call: 300, Return: 300, Outcome: history.OutcomeOK, Clock: 900}, e.records[0])
	assert.Equal(t, history.Op{Kind: history.KindSync, Call: 300, Return: 300, Outcome: history.OutcomeOK, Clock: 1_100}, e.records[1])
	assert.Equal(t, history.Op{Kind: history.KindExpire, Key: "/ttl/a", Call: 200, Return: 310, Outcome: history.OutcomeOK,
		Index: 5, Clock: 1_100}, e.records[2], "from the commit of entry 4 (the first after the last drain) to the drain")

	ops := e.withExpiry([]history.Op{
		{Kind: history.KindSet, Key: "/ttl/a", Value: "v", TTL: 1, Call: 10, Return: 130, Outcome: history.OutcomeOK, Index: 4},
		{Kind: history.KindQGet, Key: "/ttl/a", Call: 320, Return: 330, Outcome: history.OutcomeOK},
	})
	require.Len(t, ops, 5)
	assert.Equal(t, int64(1_000), ops[0].Expiration, "an ok TTL write gets the expiration the cluster gave it")
	assert.Equal(t, []history.Kind{history.KindSet, history.KindSync, history.KindSync, history.KindExpire, history.KindQGet},
		[]history.Kind{ops[0].Kind, ops[1].Kind, ops[2].Kind, ops[3].Kind, ops[4].Kind}, "in return order")
}

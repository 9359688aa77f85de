package checker

import (
	"bytes"
	"strings"
	"testing"

	"github.com/raftlab/raftlab/checker/history"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Clock readings of the cluster's members (unix ns): they are compared with each other only, never
// with call and return times.
const (
	clk        = int64(1_767_225_600_000_000_000)
	sec        = int64(1_000_000_000)
	expiresAt  = clk + 3*sec // a 3s TTL written when the accepting member's clock read clk
	beforeDue  = expiresAt - sec/2
	afterDue   = expiresAt + sec/2
	lockTTL    = 3 * sec
	farFromDue = expiresAt + 60*sec
)

// ttlSet is an ok set of key with a 3s TTL that expires at expiresAt.
func ttlSet(c int, key, val string, call, ret int64, index uint64) history.Op {
	op := okSet(c, key, val, call, ret, index)
	op.TTL, op.Expiration = lockTTL, expiresAt
	return op
}

// expire is the cluster expiring key at index, by an expiry entry with leader clock reading clock.
func expire(key string, call, ret int64, index uint64, clock int64) history.Op {
	return history.Op{Kind: history.KindExpire, Key: key, Call: call, Return: ret, Outcome: ok, Index: index, Clock: clock}
}

// syncAt is an expiry entry with leader clock reading clock, applied at time at.
func syncAt(at, clock int64) history.Op {
	return history.Op{Kind: history.KindSync, Call: at, Return: at, Outcome: ok, Clock: clock}
}

// TestTTLExpiryIsPartOfTheModel: a key disappears when, and only when, its TTL says so, by the leader
// clock of the expiry entry that removes it.
func TestTTLExpiryIsPartOfTheModel(t *testing.T) {
	tests := []struct {
		name string
		ops  []history.Op
		want bool
		why  string
	}{
		{"read not found after the key expired", []history.Op{
			ttlSet(0, "/lock", "a", 0, 10, 5),
			read(1, qget, "/lock", "a", 20, 30, 5),
			expire("/lock", 100, 110, 6, afterDue),
			syncAt(105, afterDue),
			readMissing(1, qget, "/lock", 200, 210),
		}, true, ""},
		{"read not found and no expiry recorded", []history.Op{
			ttlSet(0, "/lock", "a", 0, 10, 5),
			readMissing(1, qget, "/lock", 200, 210),
		}, false, "no legal point for: client 1 qget /lock -> not found"},
		{"expired before its expiration by the leader's clock", []history.Op{
			ttlSet(0, "/lock", "a", 0, 10, 5),
			expire("/lock", 100, 110, 6, beforeDue),
		}, false, "no legal point for: client 0 expire /lock at clock"},
		{"a key without a TTL never expires", []history.Op{
			okSet(0, "/k", "a", 0, 10, 5),
			expire("/k", 100, 110, 6, farFromDue),
		}, false, "no legal point for: client 0 expire /k"},
		{"still there after an expiry entry that found it due", []history.Op{
			ttlSet(0, "/lock", "a", 0, 10, 5),
			syncAt(105, afterDue),
			read(1, qget, "/lock", "a", 200, 210, 5),
		}, false, "no legal point for: client 0 sync at clock"},
		{"a sync before the expiration leaves it", []history.Op{
			ttlSet(0, "/lock", "a", 0, 10, 5),
			syncAt(105, beforeDue),
			read(1, qget, "/lock", "a", 200, 210, 5),
		}, true, ""},
		{"a skewed leader's clock decides, not real time", []history.Op{
			ttlSet(0, "/lock", "a", 0, 10, 5),
			// Virtual seconds later the leader's clock still reads before the expiration: the key stays.
			syncAt(90*sec, beforeDue),
			read(1, qget, "/lock", "a", 100*sec, 100*sec+10, 5),
			// A leader whose clock runs ahead expires it; that is etcd's rule too.
			expire("/lock", 100*sec+20, 100*sec+30, 6, farFromDue),
			syncAt(100*sec+25, farFromDue),
			readMissing(1, qget, "/lock", 100*sec+40, 100*sec+50),
		}, true, ""},
		{"the expiry takes its own index", []history.Op{
			ttlSet(0, "/lock", "a", 0, 10, 5),
			expire("/lock", 100, 110, 5, afterDue),
		}, false, "etcd index 5 returned by two writes"},
		{"a write after the expiry gets a later index", []history.Op{
			ttlSet(0, "/lock", "a", 0, 10, 5),
			expire("/lock", 100, 110, 7, afterDue),
			write(1, history.KindCreate, "/lock", "b", 200, 210, ok, 6, 0),
		}, false, "etcd index 6 of"},
		{"an unknown TTL write may be what expired", []history.Op{
			func() history.Op {
				op := unknownWrite(0, history.KindSet, "/lock", "a", 0, 10)
				op.TTL = lockTTL
				return op
			}(),
			expire("/lock", 100, 110, 6, afterDue),
			readMissing(1, qget, "/lock", 200, 210),
		}, true, ""},
		{"a refresh moves the expiration", []history.Op{
			ttlSet(0, "/lock", "a", 0, 10, 5),
			func() history.Op {
				op := write(0, history.KindUpdate, "/lock", "", 20, 30, ok, 6, 0)
				op.Refresh, op.TTL, op.Expiration = true, lockTTL, farFromDue
				return op
			}(),
			read(1, qget, "/lock", "a", 40, 50, 6),
			expire("/lock", 100, 110, 7, afterDue),
		}, false, "no legal point for: client 0 expire /lock"},
		{"a set without a TTL makes the key permanent", []history.Op{
			ttlSet(0, "/lock", "a", 0, 10, 5),
			okSet(0, "/lock", "b", 20, 30, 6),
			syncAt(105, farFromDue),
			read(1, qget, "/lock", "b", 200, 210, 6),
		}, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Check(tt.ops, Options{})
			assert.Equal(t, tt.want, v.Linearizable, "%q", v.Problems)
			if tt.why != "" {
				assert.Contains(t, strings.Join(v.Problems, "\n"), tt.why)
			}
		})
	}
}

// TestLocalReadOfAnExpiredKeyIsNotStale: one classification of local reads everywhere. Finding an
// expired key gone is right; finding it after it expired is stale, and neither is a violation.
func TestLocalReadOfAnExpiredKeyIsNotStale(t *testing.T) {
	base := []history.Op{ttlSet(0, "/b3", "x", 0, 10, 5), expire("/b3", 100, 110, 6, afterDue)}
	v := Check(append(base, readMissing(1, get, "/b3", 200, 210)), Options{})
	assert.True(t, v.Linearizable, "%q", v.Problems)
	assert.Zero(t, v.StaleReads, "%q", v.Stale)

	v = Check(append(base, read(1, get, "/b3", "x", 200, 210, 5)), Options{})
	assert.True(t, v.Linearizable, "%q", v.Problems)
	assert.Equal(t, 1, v.StaleReads)
	assert.Empty(t, v.Problems)
	assert.Contains(t, strings.Join(v.Stale, "\n"), "stale read: client 1 get /b3")
}

func TestExpiryRecordsAreValidated(t *testing.T) {
	bad := []struct {
		name string
		op   history.Op
		want string
	}{
		{"sync with a key", history.Op{Kind: history.KindSync, Key: "/a", Outcome: ok}, "a sync concerns every key"},
		{"expire without a key", history.Op{Kind: history.KindExpire, Outcome: ok}, "empty key"},
		{"expire that failed", history.Op{Kind: history.KindExpire, Key: "/a", Outcome: history.OutcomeFail}, "an expire record is fail"},
		{"clock on a set", history.Op{Kind: history.KindSet, Key: "/a", Value: "v", Outcome: ok, Clock: clk}, "clock on set"},
		{"ttl on a read", history.Op{Kind: qget, Key: "/a", Outcome: ok, TTL: sec}, "ttl, expiration or refresh on qget"},
		{"refresh with a value", history.Op{Kind: history.KindSet, Key: "/a", Value: "v", Outcome: ok, TTL: sec, Refresh: true}, "a refresh carries a TTL and no value"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.op.Validate()
			require.ErrorIs(t, err, history.ErrInvalidOp)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// TestTTLHistoryRoundTripsThroughJSON: every field a TTL verdict needs is in the file, so a history
// read back checks to the same verdict.
func TestTTLHistoryRoundTripsThroughJSON(t *testing.T) {
	ops := []history.Op{
		ttlSet(0, "/lock", "a", 0, 10, 5),
		expire("/lock", 100, 110, 6, afterDue),
		syncAt(105, afterDue),
		readMissing(1, qget, "/lock", 200, 210),
	}
	var buf bytes.Buffer
	require.NoError(t, history.WriteHistory(&buf, ops))
	assert.Contains(t, buf.String(), `"kind":"expire","key":"/lock"`)
	assert.Contains(t, buf.String(), `"ttl":3000000000,"expiration":`)
	back, err := history.ReadHistory(&buf)
	require.NoError(t, err)
	assert.Equal(t, ops, back)
	assert.Equal(t, Check(ops, Options{}), Check(back, Options{}))
}

package store

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// withTTL returns r expiring at exp, proposed at time now.
func withTTL(r Request, exp, now int64) Request {
	r.HasTTL, r.Expiration, r.Time = true, exp, now
	return r
}

func TestTTLFieldsInEvents(t *testing.T) {
	cases := []struct {
		name string
		req  Request
		want string
	}{
		{name: "fractional expiration, ttl rounded up",
			req:  withTTL(set("/t", "a"), t0+5*sec+448_668_960, t0),
			want: `{"action":"set","node":{"key":"/t","value":"a","expiration":"2023-11-14T22:13:25.44866896Z","ttl":6,"modifiedIndex":1,"createdIndex":1}}`},
		{name: "whole seconds",
			req:  withTTL(set("/t", "a"), t0+5*sec, t0),
			want: `{"action":"set","node":{"key":"/t","value":"a","expiration":"2023-11-14T22:13:25Z","ttl":5,"modifiedIndex":1,"createdIndex":1}}`},
		{name: "ttl=0 expires now: expiration shown, ttl omitted",
			req:  withTTL(set("/t", "a"), t0, t0),
			want: `{"action":"set","node":{"key":"/t","value":"a","expiration":"2023-11-14T22:13:20Z","modifiedIndex":1,"createdIndex":1}}`},
		{name: "directory with a ttl",
			req:  withTTL(Request{Op: OpCreate, Key: "/d", Dir: true}, t0+2*sec, t0),
			want: `{"action":"create","node":{"key":"/d","dir":true,"expiration":"2023-11-14T22:13:22Z","ttl":2,"modifiedIndex":1,"createdIndex":1}}`},
		{name: "in-order child with a ttl",
			req:  withTTL(Request{Op: OpCreateInOrder, Key: "/q", Value: "j"}, t0+sec, t0),
			want: `{"action":"create","node":{"key":"/q/00000000000000000001","value":"j","expiration":"2023-11-14T22:13:21Z","ttl":1,"modifiedIndex":1,"createdIndex":1}}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := New()
			assert.Equal(t, c.want, jsonOf(t, mustApply(t, s, c.req)))
			exp, ok := s.NextExpiration()
			require.True(t, ok)
			assert.Equal(t, c.req.Expiration, exp)
		})
	}
}

func TestGetComputesTTLFromNow(t *testing.T) {
	s := New()
	mustApply(t, s, withTTL(set("/t", "a"), t0+5*sec+448_668_960, t0))
	cases := []struct {
		now int64
		ttl int64
	}{{t0, 6}, {t0 + 2*sec, 4}, {t0 + 5*sec, 1}, {t0 + 5*sec + 448_668_960, 0}, {t0 + 7*sec, -1}}
	for _, c := range cases {
		e, err := s.Get("/t", false, false, c.now)
		require.NoError(t, err, "an expired key stays readable until the sync")
		assert.Equal(t, c.ttl, e.Node.TTL, "now=%d", c.now-t0)
		assert.Equal(t, "2023-11-14T22:13:25.44866896Z", e.Node.Expiration.Format("2006-01-02T15:04:05.999999999Z07:00"))
	}
}

func TestSyncExpiresOldestFirst(t *testing.T) {
	s := New()
	applyAll(t, s,
		withTTL(set("/t1", "a"), t0+2*sec, t0),                          // 1
		withTTL(set("/t2", "b"), t0+sec, t0),                            // 2
		withTTL(Request{Op: OpSet, Key: "/d", Dir: true}, t0+3*sec, t0), // 3
		withTTL(set("/d/x", "c"), t0+9*sec, t0),                         // 4
		set("/p", "permanent"),                                          // 5
		withTTL(set("/t0", "z"), t0+2*sec, t0),                          // 6: same expiry as /t1
	)
	exp, ok := s.NextExpiration()
	require.True(t, ok)
	assert.Equal(t, t0+sec, exp)

	none, err := s.Apply(Request{Op: OpSync, Time: t0 + sec - 1})
	require.NoError(t, err)
	assert.Nil(t, none, "nothing expired yet")
	assert.Equal(t, uint64(6), s.Index())

	e := mustApply(t, s, Request{Op: OpSync, Time: t0 + 1500*sec/1000})
	assert.Equal(t, `{"action":"expire","node":{"key":"/t2","modifiedIndex":7,"createdIndex":2},"prevNode":{"key":"/t2","value":"b","expiration":"2023-11-14T22:13:21Z","modifiedIndex":2,"createdIndex":2}}`, jsonOf(t, e))
	assert.Equal(t, uint64(7), e.EtcdIndex)

	evs := s.ApplyExpired(t0 + 10*sec)
	require.Len(t, evs, 3)
	assert.Equal(t, `{"action":"expire","node":{"key":"/t0","modifiedIndex":8,"createdIndex":6},"prevNode":{"key":"/t0","value":"z","expiration":"2023-11-14T22:13:22Z","ttl":-8,"modifiedIndex":6,"createdIndex":6}}`, jsonOf(t, evs[0]))
	assert.Equal(t, "/t1", evs[1].Node.Key)
	assert.Equal(t, uint64(9), evs[1].Node.ModifiedIndex)
	assert.Equal(t, `{"action":"expire","node":{"key":"/d","dir":true,"modifiedIndex":10,"createdIndex":3},"prevNode":{"key":"/d","dir":true,"expiration":"2023-11-14T22:13:23Z","ttl":-7,"modifiedIndex":3,"createdIndex":3}}`, jsonOf(t, evs[2]))
	assert.Equal(t, uint64(10), s.Index())

	_, ok = s.NextExpiration()
	assert.False(t, ok, "the child of the expired directory left the queue with it")
	_, err = s.Get("/d/x", false, false, 0)
	assert.Equal(t, EcodeKeyNotFound, storeErr(t, err).ErrorCode)
	_, err = s.Get("/p", false, false, 0)
	require.NoError(t, err)
	assert.Equal(t, uint64(4), s.Stats().ExpireCount)
}

func TestWritesReplaceTheTTL(t *testing.T) {
	cases := []struct {
		name  string
		write Request
		next  int64 // 0 = no expiring node left
	}{
		{name: "set without ttl makes the key permanent", write: set("/k", "b")},
		{name: "update without ttl makes the key permanent", write: Request{Op: OpUpdate, Key: "/k", Value: "b"}},
		{name: "cas without ttl makes the key permanent", write: Request{Op: OpCompareAndSwap, Key: "/k", PrevValue: "a", Value: "b"}},
		{name: "delete drops the ttl", write: Request{Op: OpDelete, Key: "/k"}},
		{name: "cad drops the ttl", write: Request{Op: OpCompareAndDelete, Key: "/k", PrevValue: "a"}},
		{name: "update with a new ttl moves the expiry", write: withTTL(Request{Op: OpUpdate, Key: "/k", Value: "b"}, t0+9*sec, t0), next: t0 + 9*sec},
		{name: "set with a new ttl moves the expiry", write: withTTL(set("/k", "b"), t0+sec, t0), next: t0 + sec},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := New()
			mustApply(t, s, withTTL(set("/k", "a"), t0+5*sec, t0))
			mustApply(t, s, c.write)
			exp, ok := s.NextExpiration()
			assert.Equal(t, c.next != 0, ok)
			assert.Equal(t, c.next, exp)
			expired := s.ApplyExpired(t0 + 6*sec)
			if c.next == 0 || c.next > t0+6*sec {
				assert.Empty(t, expired, "the old expiry must not fire")
			} else {
				require.Len(t, expired, 1)
				assert.Equal(t, "/k", expired[0].Node.Key)
			}
		})
	}
}

func TestDeletingADirectoryDropsTheTTLsBelowIt(t *testing.T) {
	s := New()
	applyAll(t, s, withTTL(set("/d/a/x", "1"), t0+sec, t0), withTTL(set("/d/y", "2"), t0+2*sec, t0))
	mustApply(t, s, Request{Op: OpDelete, Key: "/d", Recursive: true})
	_, ok := s.NextExpiration()
	assert.False(t, ok)
	assert.Empty(t, s.ApplyExpired(t0+10*sec))
}

func TestRefresh(t *testing.T) {
	refresh := func(op Op) Request {
		return withTTL(Request{Op: op, Key: "/r", Refresh: true, PrevValue: "v"}, t0+10*sec, t0)
	}
	cases := []struct {
		name string
		req  Request
		want string
	}{
		{name: "set refresh keeps the value and replaces the node", req: refresh(OpSet),
			want: `{"action":"set","node":{"key":"/r","value":"v","expiration":"2023-11-14T22:13:30Z","ttl":10,"modifiedIndex":2,"createdIndex":2},"prevNode":{"key":"/r","value":"v","expiration":"2023-11-14T22:13:25Z","ttl":5,"modifiedIndex":1,"createdIndex":1}}`},
		{name: "update refresh keeps createdIndex", req: refresh(OpUpdate),
			want: `{"action":"update","node":{"key":"/r","value":"v","expiration":"2023-11-14T22:13:30Z","ttl":10,"modifiedIndex":2,"createdIndex":1},"prevNode":{"key":"/r","value":"v","expiration":"2023-11-14T22:13:25Z","ttl":5,"modifiedIndex":1,"createdIndex":1}}`},
		{name: "cas refresh", req: refresh(OpCompareAndSwap),
			want: `{"action":"compareAndSwap","node":{"key":"/r","value":"v","expiration":"2023-11-14T22:13:30Z","ttl":10,"modifiedIndex":2,"createdIndex":1},"prevNode":{"key":"/r","value":"v","expiration":"2023-11-14T22:13:25Z","ttl":5,"modifiedIndex":1,"createdIndex":1}}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := New()
			mustApply(t, s, withTTL(set("/r", "v"), t0+5*sec, t0))
			e := mustApply(t, s, c.req)
			assert.True(t, e.Refresh)
			assert.Equal(t, c.want, jsonOf(t, e), "the JSON never shows refresh")
			exp, ok := s.NextExpiration()
			require.True(t, ok)
			assert.Equal(t, t0+10*sec, exp)
		})
	}
}

func TestNoClockLeavesTTLOut(t *testing.T) {
	s := New()
	e := mustApply(t, s, Request{Op: OpSet, Key: "/t", Value: "a", HasTTL: true, Expiration: t0 + 5*sec})
	assert.Equal(t, `{"action":"set","node":{"key":"/t","value":"a","expiration":"2023-11-14T22:13:25Z","modifiedIndex":1,"createdIndex":1}}`, jsonOf(t, e))
	g, err := s.Get("/t", false, false, 0)
	require.NoError(t, err)
	assert.Zero(t, g.Node.TTL)
	require.NotNil(t, g.Node.Expiration)
}

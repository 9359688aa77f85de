package realcluster

import (
	"encoding/binary"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// received is what a fake member saw on one inbound stream.
type received struct {
	from uint64
	data []byte // nil with eof
	eof  bool
}

// fakeMember is a peer port that reports every stream's hello sender and bytes.
type fakeMember struct {
	ln  net.Listener
	got chan received
}

func startFakeMember(t *testing.T) *fakeMember {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	m := &fakeMember{ln: ln, got: make(chan received, 64)}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go m.read(c)
		}
	}()
	return m
}

func (m *fakeMember) read(c net.Conn) {
	defer c.Close()
	hello := make([]byte, helloSize)
	if _, err := io.ReadFull(c, hello); err != nil {
		return
	}
	from := binary.BigEndian.Uint64(hello[helloFromOffset:])
	buf := make([]byte, 1024)
	for {
		n, err := c.Read(buf)
		if n > 0 {
			m.got <- received{from: from, data: append([]byte(nil), buf[:n]...)}
		}
		if err != nil {
			m.got <- received{from: from, eof: true}
			return
		}
	}
}

// next waits for the member's next observation.
func (m *fakeMember) next(t *testing.T) received {
	t.Helper()
	select {
	case r := <-m.got:
		return r
	case <-time.After(5 * time.Second):
		t.Fatal("the member received nothing")
		return received{}
	}
}

// quiet asserts that nothing reaches the member for a while (the only way to see a drop).
func (m *fakeMember) quiet(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case r := <-m.got:
		t.Fatalf("expected nothing to reach the member, got %+v", r)
	case <-time.After(d):
	}
}

// dialStream opens a stream to a proxy as member from, sending a kvd-style hello.
func dialStream(t *testing.T, addr string, from uint64) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	hello := make([]byte, helloSize)
	copy(hello, "raftlab1")
	binary.BigEndian.PutUint64(hello[helloFromOffset:], from)
	_, err = c.Write(hello)
	require.NoError(t, err)
	return c
}

// write sends s on c.
func write(t *testing.T, c net.Conn, s string) {
	t.Helper()
	_, err := c.Write([]byte(s))
	require.NoError(t, err)
}

// twoMembers is a network of members a (ID 1) and b (ID 2) with a proxy in front of each.
func twoMembers(t *testing.T) (n *Network, a, b *fakeMember, proxyA, proxyB string) {
	t.Helper()
	n = NewNetwork()
	t.Cleanup(func() { _ = n.Close() })
	a, b = startFakeMember(t), startFakeMember(t)
	var err error
	proxyA, err = n.AddProxy("a", a.ln.Addr().String())
	require.NoError(t, err)
	proxyB, err = n.AddProxy("b", b.ln.Addr().String())
	require.NoError(t, err)
	n.SetMemberIDs(map[uint64]string{1: "a", 2: "b"})
	return n, a, b, proxyA, proxyB
}

func TestProxyForwardsHealthyLink(t *testing.T) {
	_, _, b, _, proxyB := twoMembers(t)
	c := dialStream(t, proxyB, 1)
	write(t, c, "ping")
	r := b.next(t)
	assert.Equal(t, uint64(1), r.from)
	assert.Equal(t, "ping", string(r.data))
}

func TestProxyCutDropsStreamAndHealRestores(t *testing.T) {
	n, _, b, _, proxyB := twoMembers(t)
	c := dialStream(t, proxyB, 1)
	write(t, c, "before")
	require.Equal(t, "before", string(b.next(t).data))

	n.SetCut("a", "b", true)
	assert.True(t, b.next(t).eof, "the member's side of a cut stream is closed")
	write(t, c, "during") // the dialer does not notice: its bytes are dropped
	held := dialStream(t, proxyB, 1)
	write(t, held, "new stream during the cut")
	b.quiet(t, 200*time.Millisecond)

	n.SetCut("a", "b", false)
	for _, conn := range []net.Conn{c, held} {
		require.NoError(t, conn.SetReadDeadline(time.Now().Add(5*time.Second)))
		_, err := conn.Read(make([]byte, 1))
		require.Error(t, err, "a healed link closes the black-holed streams")
		var ne net.Error
		assert.False(t, errors.As(err, &ne) && ne.Timeout(), "closed, not timed out: %v", err)
	}
	fresh := dialStream(t, proxyB, 1)
	write(t, fresh, "after")
	assert.Equal(t, "after", string(b.next(t).data))
}

func TestProxyOneWayCut(t *testing.T) {
	n, a, b, proxyA, proxyB := twoMembers(t)
	n.SetCut("a", "b", true)
	toB := dialStream(t, proxyB, 1)
	write(t, toB, "a->b")
	toA := dialStream(t, proxyA, 2)
	write(t, toA, "b->a")
	r := a.next(t)
	assert.Equal(t, uint64(2), r.from)
	assert.Equal(t, "b->a", string(r.data), "the other direction still flows")
	b.quiet(t, 200*time.Millisecond)
	assert.Equal(t, []Link{{From: "a", To: "b"}}, n.Links().CutLinks())
}

func TestProxyPartitionRestore(t *testing.T) {
	n, a, b, proxyA, proxyB := twoMembers(t)
	saved := n.Links()
	n.SetCut("a", "b", true)
	n.SetCut("b", "a", true)
	write(t, dialStream(t, proxyA, 2), "x")
	write(t, dialStream(t, proxyB, 1), "y")
	a.quiet(t, 100*time.Millisecond)
	b.quiet(t, 100*time.Millisecond)
	n.Restore(saved)
	assert.Empty(t, n.Links())
	write(t, dialStream(t, proxyB, 1), "z")
	assert.Equal(t, "z", string(b.next(t).data))
}

func TestProxyAddsDelay(t *testing.T) {
	n, _, b, _, proxyB := twoMembers(t)
	const delay = 150 * time.Millisecond
	n.SetLink("a", "b", LinkState{Delay: delay})
	c := dialStream(t, proxyB, 1)
	start := time.Now()
	write(t, c, "slow")
	assert.Equal(t, "slow", string(b.next(t).data))
	assert.GreaterOrEqual(t, time.Since(start), delay)
	n.HealCuts()
	assert.Equal(t, LinkState{Delay: delay}, n.Link("a", "b"), "heal repairs cuts, not delays")
}

func TestProxyUnknownSenderIsForwarded(t *testing.T) {
	n, _, b, _, proxyB := twoMembers(t)
	n.SetCut("a", "b", true)
	write(t, dialStream(t, proxyB, 99), "stranger")
	assert.Equal(t, "stranger", string(b.next(t).data))
}

package realproc

import (
	"bufio"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// received is what a fake member saw on one inbound connection.
type received struct {
	data string
	eof  bool
}

// fakeMember is a peer port that reports the bytes of every connection and echoes "ack:" + each
// read back to the dialer.
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
	buf := make([]byte, 1024)
	for {
		n, err := c.Read(buf)
		if n > 0 {
			m.got <- received{data: string(buf[:n])}
			_, _ = c.Write([]byte("ack:" + string(buf[:n])))
		}
		if err != nil {
			m.got <- received{eof: true}
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

// identifyByHello names a test dialer by the line it sends first ("a\n"), which is not forwarded.
func identifyByHello(c net.Conn) string {
	line, err := bufio.NewReaderSize(oneByte{c}, 16).ReadString('\n')
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(line, "\n")
}

// oneByte reads one byte at a time, so that identifyByHello consumes the hello and nothing more.
type oneByte struct{ r io.Reader }

func (o oneByte) Read(p []byte) (int, error) { return o.r.Read(p[:1]) }

// dial opens a connection to a proxy as member from.
func dial(t *testing.T, addr, from string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	write(t, c, from+"\n")
	return c
}

// write sends s on c.
func write(t *testing.T, c net.Conn, s string) {
	t.Helper()
	_, err := c.Write([]byte(s))
	require.NoError(t, err)
}

// readAck reads the member's echo on c.
func readAck(t *testing.T, c net.Conn) (string, error) {
	t.Helper()
	require.NoError(t, c.SetReadDeadline(time.Now().Add(300*time.Millisecond)))
	buf := make([]byte, 64)
	n, err := c.Read(buf)
	return string(buf[:n]), err
}

// twoMembers is a network of members a and b with a proxy in front of each.
func twoMembers(t *testing.T) (n *Network, a, b *fakeMember, proxyA, proxyB string) {
	t.Helper()
	n = NewNetwork(identifyByHello)
	t.Cleanup(func() { _ = n.Close() })
	a, b = startFakeMember(t), startFakeMember(t)
	var err error
	proxyA, err = n.AddProxy("a", a.ln.Addr().String())
	require.NoError(t, err)
	proxyB, err = n.AddProxy("b", b.ln.Addr().String())
	require.NoError(t, err)
	return n, a, b, proxyA, proxyB
}

func TestProxyForwardsHealthyLinkBothWays(t *testing.T) {
	_, _, b, _, proxyB := twoMembers(t)
	c := dial(t, proxyB, "a")
	write(t, c, "ping")
	assert.Equal(t, "ping", b.next(t).data)
	ack, err := readAck(t, c)
	require.NoError(t, err)
	assert.Equal(t, "ack:ping", ack)
}

func TestProxyCutDropsAndRepairCloses(t *testing.T) {
	n, _, b, _, proxyB := twoMembers(t)
	c := dial(t, proxyB, "a")
	write(t, c, "before")
	require.Equal(t, "before", b.next(t).data)
	_, err := readAck(t, c)
	require.NoError(t, err)

	n.SetCut("a", "b", true)
	write(t, c, "during") // the dialer does not notice: its bytes are dropped
	held := dial(t, proxyB, "a")
	write(t, held, "new connection during the cut")
	b.quiet(t, 200*time.Millisecond)

	n.SetCut("a", "b", false)
	for _, conn := range []net.Conn{c, held} {
		require.NoError(t, conn.SetReadDeadline(time.Now().Add(5*time.Second)))
		_, err := io.ReadAll(conn)
		var ne net.Error
		assert.False(t, errors.As(err, &ne) && ne.Timeout(), "a repaired link closes its connections: %v", err)
	}
	fresh := dial(t, proxyB, "a")
	write(t, fresh, "after")
	r := b.next(t)
	for r.eof { // the closed connections' ends
		r = b.next(t)
	}
	assert.Equal(t, "after", r.data)
}

func TestProxyOneWayCutDropsOneDirection(t *testing.T) {
	n, a, b, proxyA, proxyB := twoMembers(t)
	toB := dial(t, proxyB, "a")
	n.SetCut("b", "a", true)
	write(t, toB, "a->b")
	assert.Equal(t, "a->b", b.next(t).data, "a still reaches b")
	_, err := readAck(t, toB)
	var ne net.Error
	require.True(t, errors.As(err, &ne) && ne.Timeout(), "b's answer to a is dropped: %v", err)

	toA := dial(t, proxyA, "b")
	write(t, toA, "b->a")
	a.quiet(t, 200*time.Millisecond)
	assert.Equal(t, []Link{{From: "b", To: "a"}}, n.Links().CutLinks())
	assert.False(t, n.Links().Connected("a", "b"))
	assert.True(t, n.Links().Connected("a", "a"))
}

func TestProxyRestoreRepairsEveryLink(t *testing.T) {
	n, a, b, proxyA, proxyB := twoMembers(t)
	saved := n.Links()
	n.SetCut("a", "b", true)
	n.SetCut("b", "a", true)
	write(t, dial(t, proxyA, "b"), "x")
	write(t, dial(t, proxyB, "a"), "y")
	a.quiet(t, 100*time.Millisecond)
	b.quiet(t, 100*time.Millisecond)
	n.Restore(saved)
	assert.Empty(t, n.Links())
	write(t, dial(t, proxyB, "a"), "z")
	assert.Equal(t, "z", b.next(t).data)
}

func TestProxyAddsDelay(t *testing.T) {
	n, _, b, _, proxyB := twoMembers(t)
	const delay = 150 * time.Millisecond
	n.SetLink("a", "b", LinkState{Delay: delay})
	c := dial(t, proxyB, "a")
	start := time.Now()
	write(t, c, "slow")
	assert.Equal(t, "slow", b.next(t).data)
	assert.GreaterOrEqual(t, time.Since(start), delay, "nothing arrives before the link's delay")
	n.HealCuts()
	assert.Equal(t, LinkState{Delay: delay}, n.Link("a", "b"), "heal repairs cuts, not delays")
}

func TestProxyUnknownDialerIsForwarded(t *testing.T) {
	n, _, b, _, proxyB := twoMembers(t)
	n.SetCut("a", "b", true)
	write(t, dial(t, proxyB, ""), "stranger")
	assert.Equal(t, "stranger", b.next(t).data)
}

// TestIdentifyByProcessNamesTheDialingProcess: the socket a process dials from is found in
// /proc, and only the process holding it is named.
func TestIdentifyByProcessNamesTheDialingProcess(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	self := IdentifyByProcess(func() map[int]string { return map[int]string{os.Getpid(): "me"} })
	other := IdentifyByProcess(func() map[int]string { return map[int]string{1: "init"} })
	dialer, err := net.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	defer dialer.Close()
	accepted, err := ln.Accept()
	require.NoError(t, err)
	defer accepted.Close()
	assert.Equal(t, "me", self(accepted))
	assert.Equal(t, "", other(accepted), "a process that does not hold the socket is not named")
}

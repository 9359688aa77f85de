package realproc

import (
	"math/rand/v2"
	"net"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// portOf is the port of a host:port address.
func portOf(t *testing.T, addr string) int {
	t.Helper()
	_, p, err := net.SplitHostPort(addr)
	require.NoError(t, err)
	port, err := strconv.Atoi(p)
	require.NoError(t, err)
	return port
}

func TestPortsAndProxiesStayInTheRange(t *testing.T) {
	low := 21000 + rand.IntN(10000)
	r := PortRange{Low: low, High: low + 19}
	p := NewPorts(r)
	seen := map[int]bool{}
	for range 19 {
		addr, err := p.Addr()
		require.NoError(t, err)
		port := portOf(t, addr)
		assert.GreaterOrEqual(t, port, r.Low)
		assert.LessOrEqual(t, port, r.High)
		assert.False(t, seen[port], "port %d handed out twice", port)
		seen[port] = true
	}
	n := NewNetwork(nil)
	defer func() { require.NoError(t, n.Close()) }()
	n.ports = p
	addr, err := n.AddProxy("n1", "127.0.0.1:1")
	require.NoError(t, err)
	assert.GreaterOrEqual(t, portOf(t, addr), r.Low, "the proxy listens in the range too")
	assert.LessOrEqual(t, portOf(t, addr), r.High)
	assert.Equal(t, DefaultPorts, NewPorts(PortRange{}).Range())
}

func TestPortsRunOut(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	taken := portOf(t, ln.Addr().String())
	_, err = NewPorts(PortRange{Low: taken, High: taken}).Addr()
	require.ErrorContains(t, err, "no free port left")
}

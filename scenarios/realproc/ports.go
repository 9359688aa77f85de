package realproc

import (
	"fmt"
	"math/rand/v2"
	"net"
	"strconv"
	"sync"
)

// PortRange is a range of 127.0.0.1 ports, Low to High inclusive.
type PortRange struct {
	Low, High int
}

// DefaultPorts are drawn below Linux's ephemeral range (32768 and up by default), where port 0
// listeners and outgoing connections get theirs: a port found free there could be handed to one of
// those before the member binds it.
var DefaultPorts = PortRange{Low: 20000, High: 31999}

// Ports hands out free 127.0.0.1 ports of a range, never the same one twice: a port found free is
// released for its member to bind, so without the record a second draw could give it out again (in
// a narrow range, likely). It is safe for concurrent use.
type Ports struct {
	r     PortRange
	mu    sync.Mutex
	given map[int]bool
}

// NewPorts hands out the ports of r (DefaultPorts when r is zero).
func NewPorts(r PortRange) *Ports {
	if r == (PortRange{}) {
		r = DefaultPorts
	}
	return &Ports{r: r, given: map[int]bool{}}
}

// Range is the range the ports are drawn from.
func (p *Ports) Range() PortRange { return p.r }

// Addr finds a free port of the range not handed out before and releases it for its user to bind.
// Another process may still take it first; Start retries with new ports when a member reports
// "address already in use".
func (p *Ports) Addr() (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	span := p.r.High - p.r.Low + 1
	if span <= 0 {
		return "", fmt.Errorf("realproc: empty port range %d-%d", p.r.Low, p.r.High)
	}
	start := rand.IntN(span) // from a random place, then every port of the range in turn
	for i := range span {
		port := p.r.Low + (start+i)%span
		if p.given[port] {
			continue
		}
		ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err != nil {
			continue // taken: try the next
		}
		addr := ln.Addr().String()
		if err := ln.Close(); err != nil {
			return "", fmt.Errorf("realproc: free port: %w", err)
		}
		p.given[port] = true
		return addr, nil
	}
	return "", fmt.Errorf("realproc: no free port left in %d-%d", p.r.Low, p.r.High)
}

// processPorts are the ports FreeAddr hands out: one record for the whole process, so that two
// clusters or hand-started members of one test binary never get the same port.
var processPorts = NewPorts(DefaultPorts)

// FreeAddr finds a free 127.0.0.1 port of DefaultPorts, never one it (or a cluster started without
// Config.Ports) gave out before in this process, and releases it for a member to bind.
func FreeAddr() (string, error) { return processPorts.Addr() }

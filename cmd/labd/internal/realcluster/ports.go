package realcluster

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
// those before kvd binds it.
var DefaultPorts = PortRange{Low: 20000, High: 31999}

// orDefault is r, or DefaultPorts when r is zero.
func (r PortRange) orDefault() PortRange {
	if r == (PortRange{}) {
		return DefaultPorts
	}
	return r
}

// ports hands out free 127.0.0.1 ports of a range, never the same one twice: a port found free is
// released for its member to bind, so without the record a second draw could give it out again (in
// a narrow --ports range, likely). It is safe for concurrent use.
type ports struct {
	r     PortRange
	mu    sync.Mutex
	given map[int]bool
}

func newPorts(r PortRange) *ports { return &ports{r: r, given: map[int]bool{}} }

// addr finds a free port of the range not handed out before and releases it for its user to bind.
func (p *ports) addr() (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	span := p.r.High - p.r.Low + 1
	start := rand.IntN(span) // from a random place, then every port of the range in turn
	for i := range span {
		port := p.r.Low + (start+i)%span
		if p.given[port] {
			continue
		}
		ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err != nil {
			continue // taken: draw another
		}
		addr := ln.Addr().String()
		if err := ln.Close(); err != nil {
			return "", fmt.Errorf("realcluster: free port: %w", err)
		}
		p.given[port] = true
		return addr, nil
	}
	return "", fmt.Errorf("realcluster: no free port left in %d-%d", p.r.Low, p.r.High)
}

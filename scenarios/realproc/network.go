package realproc

import (
	"errors"
	"fmt"
	"net"
	"sync"
)

// Network is the set of proxies in front of the members' peer ports and the fault on every
// directed link between them. A member advertises its proxy's address, so every peer connection
// to it passes through the proxy, which finds out which member dialed (see Identify) and applies
// the links' faults: bytes the dialer sends travel on the link dialer → member, bytes the member
// answers on the link member → dialer. It does not parse what the servers say to each other, so
// it works the same for kvd's peer streams and etcd's HTTP ones. It is safe for concurrent use.
type Network struct {
	identify Identify
	// ports, when set, hands out the ports the proxies listen on (nil: any free port).
	ports *Ports

	mu      sync.Mutex
	links   LinkTable
	proxies map[string]*proxy
	conns   map[*proxied]struct{}
	closed  bool
	wg      sync.WaitGroup
}

// Identify names the member that dialed a peer connection accepted by a proxy, or returns "" when
// it cannot tell (no fault applies to such a connection).
type Identify func(c net.Conn) string

// NewNetwork returns a network with no proxies and every link healthy.
func NewNetwork(identify Identify) *Network {
	return &Network{identify: identify, links: LinkTable{}, proxies: map[string]*proxy{},
		conns: map[*proxied]struct{}{}}
}

// AddProxy listens on a free 127.0.0.1 port in front of member to, whose peer port is upstream
// (host:port), and returns the proxy's address. The member must advertise this address.
func (n *Network) AddProxy(to, upstream string) (string, error) {
	addr := "127.0.0.1:0"
	if n.ports != nil {
		a, err := n.ports.Addr()
		if err != nil {
			return "", fmt.Errorf("realproc: proxy for %s: %w", to, err)
		}
		addr = a
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("realproc: proxy for %s: %w", to, err)
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		_ = ln.Close()
		return "", errors.New("realproc: network closed")
	}
	if _, dup := n.proxies[to]; dup {
		_ = ln.Close()
		return "", fmt.Errorf("realproc: proxy for %s: already exists", to)
	}
	p := &proxy{net: n, to: to, upstream: upstream, ln: ln}
	n.proxies[to] = p
	n.wg.Add(1)
	go p.serve()
	return ln.Addr().String(), nil
}

// removeProxy stops the proxy in front of member to (one added for a member that never started)
// and closes its connections.
func (n *Network) removeProxy(to string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	p, ok := n.proxies[to]
	if !ok {
		return
	}
	delete(n.proxies, to)
	_ = p.ln.Close()
	for c := range n.conns {
		if c.fwd.To == to {
			c.close()
		}
	}
}

// Link returns the state of one directed link.
func (n *Network) Link(from, to string) LinkState {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.links[Link{from, to}]
}

// Links returns a copy of every non-healthy link.
func (n *Network) Links() LinkTable {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.links.clone()
}

// SetLink sets the state of one directed link. Cutting a link drops what it carries from now on;
// repairing it closes the connections it carries, so that their dialers open fresh ones (bytes
// were lost mid-stream).
func (n *Network) SetLink(from, to string, st LinkState) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.setLocked(Link{from, to}, st)
}

// SetCut cuts (or repairs) one directed link and keeps its delay.
func (n *Network) SetCut(from, to string, cut bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	l := Link{from, to}
	st := n.links[l]
	st.Cut = cut
	n.setLocked(l, st)
}

// Restore puts every link into the state t records (links not in t become healthy).
func (n *Network) Restore(t LinkTable) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for l := range n.links {
		if _, keep := t[l]; !keep {
			n.setLocked(l, LinkState{})
		}
	}
	for l, st := range t {
		n.setLocked(l, st)
	}
}

// HealCuts repairs every cut link; delays stay.
func (n *Network) HealCuts() {
	n.mu.Lock()
	defer n.mu.Unlock()
	for l, st := range n.links {
		st.Cut = false
		n.setLocked(l, st)
	}
}

// setLocked changes one link and closes the connections a repair concerns. n.mu is held.
func (n *Network) setLocked(l Link, st LinkState) {
	old := n.links[l]
	if st == (LinkState{}) {
		delete(n.links, l)
	} else {
		n.links[l] = st
	}
	if !old.Cut || st.Cut {
		return
	}
	for c := range n.conns {
		if c.fwd == l || c.back == l {
			c.close()
		}
	}
}

// register adds a connection and returns the state of its two links, or false when the network
// is closed.
func (n *Network) register(c *proxied) (fwd, back LinkState, ok bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return LinkState{}, LinkState{}, false
	}
	n.conns[c] = struct{}{}
	return n.links[c.fwd], n.links[c.back], true
}

// unregister forgets a finished connection.
func (n *Network) unregister(c *proxied) {
	n.mu.Lock()
	defer n.mu.Unlock()
	delete(n.conns, c)
}

// Close stops every proxy, closes every connection and waits for their goroutines.
func (n *Network) Close() error {
	n.mu.Lock()
	n.closed = true
	var errs []error
	for _, p := range n.proxies {
		if err := p.ln.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, err)
		}
	}
	for c := range n.conns {
		c.close()
	}
	n.mu.Unlock()
	n.wg.Wait()
	return errors.Join(errs...)
}

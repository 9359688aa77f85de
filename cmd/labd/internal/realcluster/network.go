package realcluster

import (
	"errors"
	"fmt"
	"net"
	"sync"
)

// Network is the set of proxies in front of the members' peer ports and the fault on every directed
// link between them. It is safe for concurrent use.
type Network struct {
	// ports, when set, hands out the ports the proxies listen on (nil: any free port).
	ports *ports

	mu      sync.Mutex
	links   LinkTable
	ids     map[uint64]string
	proxies map[string]*proxy
	conns   map[*stream]struct{}
	closed  bool
	wg      sync.WaitGroup
}

// NewNetwork returns a network with no proxies and every link healthy.
func NewNetwork() *Network {
	return &Network{links: LinkTable{}, ids: map[uint64]string{}, proxies: map[string]*proxy{},
		conns: map[*stream]struct{}{}}
}

// AddProxy listens on a free 127.0.0.1 port in front of member to, whose peer port is upstream
// (host:port), and returns the proxy's address. Members must advertise this address.
func (n *Network) AddProxy(to, upstream string) (string, error) {
	addr := "127.0.0.1:0"
	if n.ports != nil {
		a, err := n.ports.addr()
		if err != nil {
			return "", fmt.Errorf("proxy for %s: %w", to, err)
		}
		addr = a
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("proxy for %s: %w", to, err)
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		_ = ln.Close()
		return "", errors.New("network closed")
	}
	if _, dup := n.proxies[to]; dup {
		_ = ln.Close()
		return "", fmt.Errorf("proxy for %s: already exists", to)
	}
	p := &proxy{net: n, to: to, upstream: upstream, ln: ln}
	n.proxies[to] = p
	n.wg.Add(1)
	go p.serve()
	return ln.Addr().String(), nil
}

// SetMemberIDs tells the proxies which member each Raft member ID names. Streams from IDs not
// in the map are forwarded without faults.
func (n *Network) SetMemberIDs(ids map[uint64]string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.ids = make(map[uint64]string, len(ids))
	for id, name := range ids {
		n.ids[id] = name
	}
}

// memberName is the member that id names ("" when unknown).
func (n *Network) memberName(id uint64) string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.ids[id]
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

// SetLink sets the state of one directed link. Cutting a link black-holes the streams it carries;
// repairing it closes them so that the dialer opens fresh ones.
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

// setLocked changes one link and tells the streams it carries. n.mu is held.
func (n *Network) setLocked(l Link, st LinkState) {
	old := n.links[l]
	if st == (LinkState{}) {
		delete(n.links, l)
	} else {
		n.links[l] = st
	}
	if old.Cut == st.Cut {
		return
	}
	for s := range n.conns {
		if s.link != l {
			continue
		}
		if st.Cut {
			s.blackhole()
		} else {
			s.close()
		}
	}
}

// register adds a stream on link l and returns the link's state, or false when the network is
// closed.
func (n *Network) register(s *stream) (LinkState, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return LinkState{}, false
	}
	n.conns[s] = struct{}{}
	return n.links[s.link], true
}

// unregister forgets a finished stream.
func (n *Network) unregister(s *stream) {
	n.mu.Lock()
	defer n.mu.Unlock()
	delete(n.conns, s)
}

// delay is the current delay of link l.
func (n *Network) delay(l Link) LinkState {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.links[l]
}

// Close stops every proxy, closes every stream and waits for their goroutines.
func (n *Network) Close() error {
	n.mu.Lock()
	n.closed = true
	var errs []error
	for _, p := range n.proxies {
		if err := p.ln.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, err)
		}
	}
	for s := range n.conns {
		s.close()
	}
	n.mu.Unlock()
	n.wg.Wait()
	return errors.Join(errs...)
}

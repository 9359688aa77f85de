package realproc

import (
	"net"
	"sync"
	"time"
)

// dialTimeout bounds the proxy's connection to the member behind it.
const dialTimeout = 2 * time.Second

// unknownMember is the dialer of a connection Identify could not name: no link names it, so no
// fault applies to it.
const unknownMember = "?"

// proxy accepts the peer connections addressed to one member and forwards them to its peer port.
type proxy struct {
	net      *Network
	to       string
	upstream string
	ln       net.Listener
}

// serve accepts connections until the listener is closed.
func (p *proxy) serve() {
	defer p.net.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.net.wg.Add(1)
		go func() {
			defer p.net.wg.Done()
			p.handle(c)
		}()
	}
}

// handle names the dialer and forwards the connection (or drops what it sends, while the link to
// the member is cut) until either side ends or a repair closes it.
func (p *proxy) handle(client net.Conn) {
	from := ""
	if p.net.identify != nil {
		from = p.net.identify(client)
	}
	if from == "" {
		from = unknownMember
	}
	c := &proxied{fwd: Link{From: from, To: p.to}, back: Link{From: p.to, To: from}, client: client}
	fwd, _, ok := p.net.register(c)
	if !ok {
		_ = client.Close()
		return
	}
	defer p.net.unregister(c)
	defer c.close()
	if fwd.Cut {
		// Nothing reaches the member, not even the connection: hold the dialer and drop its bytes
		// until the link is repaired (which closes the connection).
		c.drain(client)
		return
	}
	up, err := net.DialTimeout("tcp", p.upstream, dialTimeout)
	if err != nil {
		return
	}
	if !c.attach(up) {
		_ = up.Close()
		return
	}
	var wg sync.WaitGroup
	wg.Go(func() { c.pump(p.net, client, up, c.fwd) })
	c.pump(p.net, up, client, c.back)
	c.close()
	wg.Wait()
}

// proxied is one connection through a proxy: the dialer's side and the member's.
type proxied struct {
	fwd, back Link // dialer → member, member → dialer
	client    net.Conn

	mu       sync.Mutex
	upstream net.Conn
	closed   bool
}

// attach sets the member's side, unless the connection was closed meanwhile.
func (c *proxied) attach(up net.Conn) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return false
	}
	c.upstream = up
	return true
}

// chunk is a piece of a stream and when it may be forwarded.
type chunk struct {
	data []byte
	due  time.Time
}

// pump copies src to dst over link l until either side ends: while l is cut the bytes are dropped,
// otherwise each is held for l's delay, in order.
func (c *proxied) pump(n *Network, src, dst net.Conn, l Link) {
	writes := make(chan chunk, 256)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ch := range writes {
			if wait := time.Until(ch.due); wait > 0 {
				time.Sleep(wait)
			}
			if _, err := dst.Write(ch.data); err != nil {
				c.close()
			}
		}
	}()
	buf := make([]byte, 32<<10)
	for {
		k, err := src.Read(buf)
		if k > 0 {
			if st := n.Link(l.From, l.To); !st.Cut {
				writes <- chunk{data: append([]byte(nil), buf[:k]...), due: time.Now().Add(st.Delay)}
			}
		}
		if err != nil {
			break
		}
	}
	close(writes)
	<-done
	c.close()
}

// drain reads and drops everything src sends until it ends or the connection is closed.
func (c *proxied) drain(src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		if _, err := src.Read(buf); err != nil {
			return
		}
	}
}

// close ends both sides; the dialer then opens a fresh connection.
func (c *proxied) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	c.closed = true
	_ = c.client.Close()
	if c.upstream != nil {
		_ = c.upstream.Close()
	}
}

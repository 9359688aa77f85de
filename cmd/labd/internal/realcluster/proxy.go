package realcluster

import (
	"encoding/binary"
	"errors"
	"io"
	"net"
	"sync"
	"time"
)

// Sizes and offsets of kvd's stream hello (see core/transport): magic [8], version uint32,
// cluster ID uint64, from ID uint64, to ID uint64, all big-endian.
const (
	helloSize       = 36
	helloFromOffset = 20
)

// Timeouts of the proxy's own I/O.
const (
	helloTimeout = 5 * time.Second
	dialTimeout  = 2 * time.Second
)

// unknownMember is the From of a stream whose dialer's member ID is not known; no fault applies.
const unknownMember = "?"

// proxy accepts the peer streams addressed to one member and forwards them to its peer port.
type proxy struct {
	net      *Network
	to       string
	upstream string
	ln       net.Listener
}

// serve accepts streams until the listener is closed.
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

// handle reads the stream's hello, finds its link and forwards it (or not) until either side ends.
func (p *proxy) handle(c net.Conn) {
	hello := make([]byte, helloSize)
	if err := c.SetReadDeadline(time.Now().Add(helloTimeout)); err != nil {
		_ = c.Close()
		return
	}
	if _, err := io.ReadFull(c, hello); err != nil {
		_ = c.Close()
		return
	}
	if err := c.SetReadDeadline(time.Time{}); err != nil {
		_ = c.Close()
		return
	}
	from := p.net.memberName(binary.BigEndian.Uint64(hello[helloFromOffset:]))
	if from == "" {
		from = unknownMember
	}
	s := &stream{link: Link{From: from, To: p.to}, client: c}
	st, ok := p.net.register(s)
	if !ok {
		_ = c.Close()
		return
	}
	defer p.net.unregister(s)
	defer s.close()
	if st.Cut {
		s.blackhole()
	} else if err := s.connect(p.upstream, hello); err != nil {
		return
	}
	writes := make(chan chunk, 256)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s.writeDelayed(writes)
	}()
	s.readClient(p.net, writes)
	close(writes)
	wg.Wait()
}

// chunk is a piece of the stream and when it may be forwarded.
type chunk struct {
	data []byte
	due  time.Time
}

// stream is one proxied peer stream: the dialer's connection and, unless the link is cut, the
// connection to the member's peer port.
type stream struct {
	link   Link
	client net.Conn

	mu       sync.Mutex
	upstream net.Conn // nil while the link is cut
	holed    bool     // the link was cut: everything from the client is discarded
	closed   bool
}

// connect dials the member, sends the hello and copies the member's answers back to the client.
func (s *stream) connect(addr string, hello []byte) error {
	up, err := net.DialTimeout("tcp", addr, dialTimeout)
	if err != nil {
		return err
	}
	if _, err := up.Write(hello); err != nil {
		_ = up.Close()
		return err
	}
	s.mu.Lock()
	if s.holed || s.closed { // cut (or closed) while dialing
		s.mu.Unlock()
		_ = up.Close()
		return nil
	}
	s.upstream = up
	s.mu.Unlock()
	go func() {
		_, _ = io.Copy(s.client, up)
		s.mu.Lock()
		holed := s.holed
		s.mu.Unlock()
		if !holed { // the member ended the stream: end it for the dialer too
			s.close()
		}
	}()
	return nil
}

// readClient reads the dialer's bytes until it hangs up, discarding them while the link is cut.
func (s *stream) readClient(n *Network, writes chan<- chunk) {
	buf := make([]byte, 32<<10)
	for {
		k, err := s.client.Read(buf)
		if k > 0 && !s.isHoled() {
			writes <- chunk{data: append([]byte(nil), buf[:k]...), due: time.Now().Add(n.delay(s.link).Delay)}
		}
		if err != nil {
			return
		}
	}
}

// writeDelayed forwards chunks to the member in order, each not before it is due.
func (s *stream) writeDelayed(writes <-chan chunk) {
	for c := range writes {
		if wait := time.Until(c.due); wait > 0 {
			time.Sleep(wait)
		}
		s.mu.Lock()
		up := s.upstream
		s.mu.Unlock()
		if up == nil {
			continue
		}
		if _, err := up.Write(c.data); err != nil && !errors.Is(err, net.ErrClosed) && !s.isHoled() {
			s.close()
		}
	}
}

func (s *stream) isHoled() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.holed
}

// blackhole cuts the stream: the member's side is closed, the dialer's side stays open and
// everything it sends is dropped, so the dialer does not notice (as with a pulled cable).
func (s *stream) blackhole() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.holed = true
	if s.upstream != nil {
		_ = s.upstream.Close()
		s.upstream = nil
	}
}

// close ends both sides; the dialer then opens a fresh stream.
func (s *stream) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.closed = true
	_ = s.client.Close()
	if s.upstream != nil {
		_ = s.upstream.Close()
		s.upstream = nil
	}
}

package transport

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"os"
	"time"

	"github.com/raftlab/raftlab/core/raft"
)

// Defaults for the zero values of Config.
const (
	DefaultBackoffMin   = 50 * time.Millisecond
	DefaultBackoffMax   = 2 * time.Second
	DefaultQueueLen     = 4096
	DefaultDialTimeout  = 2 * time.Second
	DefaultWriteTimeout = 5 * time.Second
)

// Config configures a Transport. Zero values select the documented defaults.
type Config struct {
	// LocalID is this member's ID; it must not be zero.
	LocalID uint64
	// ClusterID is the cluster this member belongs to; streams from other clusters are refused.
	ClusterID uint64
	// Listener is already bound (the server binds --listen-peer-urls). The Transport owns it from
	// New on and closes it in Close.
	Listener net.Listener
	// Dial opens an outbound connection; nil means a net.Dialer. Tests inject faults here.
	Dial func(ctx context.Context, addr string) (net.Conn, error)
	// Handler is called for every received message, from one goroutine per inbound stream. It must
	// not block long: while it runs, that stream is not read.
	Handler func(m raft.Message)
	// Logger receives connection events; nil discards them.
	Logger *slog.Logger
	// MaxFrameBytes bounds a frame's payload in both directions; default DefaultMaxFrameBytes. A
	// received frame over the limit is refused with a logged error and its stream reset; an outbound
	// message that alone exceeds the limit (ours or the peer's, learnt in the handshake) is dropped.
	// Snapshots are not framed: they are streamed in chunks no larger than the limit, whatever
	// their size.
	MaxFrameBytes int
	// BackoffMin and BackoffMax bound the reconnect backoff (defaults 50ms and 2s). Each failure
	// doubles the backoff; each wait is drawn uniformly from [backoff/2, backoff].
	BackoffMin, BackoffMax time.Duration
	// QueueLen is the per-peer outbound queue length in messages (default 4096). Send drops and
	// counts messages that do not fit; Raft retransmits.
	QueueLen int
	// DialTimeout bounds dialing one address plus the handshake (default 2s). Also bounds how long an
	// accepted stream may take to send its hello.
	DialTimeout time.Duration
	// WriteTimeout bounds one batch write to a peer (default 5s); a stalled peer fails its stream.
	// It bounds each chunk of a snapshot stream too.
	WriteTimeout time.Duration
	// SnapshotDir is where a snapshot received from a peer is spooled while it arrives (default
	// os.TempDir()). When it is set, Start deletes what a previous run left there.
	SnapshotDir string
}

// withDefaults validates c and fills in defaults.
func (c Config) withDefaults() (Config, error) {
	var errs []error
	if c.LocalID == raft.None {
		errs = append(errs, errors.New("LocalID must not be zero"))
	}
	if c.Listener == nil {
		errs = append(errs, errors.New("Listener is required"))
	}
	if c.Handler == nil {
		errs = append(errs, errors.New("Handler is required"))
	}
	for _, f := range []struct {
		name  string
		value int64
	}{
		{"MaxFrameBytes", int64(c.MaxFrameBytes)}, {"BackoffMin", int64(c.BackoffMin)},
		{"BackoffMax", int64(c.BackoffMax)}, {"QueueLen", int64(c.QueueLen)},
		{"DialTimeout", int64(c.DialTimeout)}, {"WriteTimeout", int64(c.WriteTimeout)},
	} {
		if f.value < 0 {
			errs = append(errs, fmt.Errorf("%s must not be negative, got %d", f.name, f.value))
		}
	}
	if uint64(c.MaxFrameBytes) > math.MaxUint32 {
		errs = append(errs, fmt.Errorf("MaxFrameBytes %d exceeds the 32-bit frame length", c.MaxFrameBytes))
	}
	if len(errs) > 0 {
		return c, fmt.Errorf("transport: invalid config: %w", errors.Join(errs...))
	}
	setDefault(&c.MaxFrameBytes, DefaultMaxFrameBytes)
	setDefault(&c.BackoffMin, DefaultBackoffMin)
	setDefault(&c.BackoffMax, DefaultBackoffMax)
	setDefault(&c.QueueLen, DefaultQueueLen)
	setDefault(&c.DialTimeout, DefaultDialTimeout)
	setDefault(&c.WriteTimeout, DefaultWriteTimeout)
	if c.BackoffMin > c.BackoffMax {
		return c, fmt.Errorf("transport: invalid config: BackoffMin %v exceeds BackoffMax %v", c.BackoffMin, c.BackoffMax)
	}
	if c.Dial == nil {
		var d net.Dialer
		c.Dial = func(ctx context.Context, addr string) (net.Conn, error) { return d.DialContext(ctx, "tcp", addr) }
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.SnapshotDir == "" {
		c.SnapshotDir = os.TempDir()
	}
	return c, nil
}

func setDefault[T comparable](v *T, def T) {
	var zero T
	if *v == zero {
		*v = def
	}
}

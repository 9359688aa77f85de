package server

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"runtime"
	"slices"
	"time"

	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/core/wal"
)

// Config configures a Server. Bootstrap fields (InitialCluster, Token, Join) matter only when the
// data dir holds no WAL yet; a restart reads everything it needs from the WAL's metadata.
type Config struct {
	// Name is this member's human-readable name (--name).
	Name string
	// DataDir holds the member's WAL (--data-dir).
	DataDir string
	// PeerListener is bound to --listen-peer-urls; the server owns it from Start on.
	PeerListener net.Listener
	// PeerTLS, when set, is the client side of peer TLS: the certificate this member presents to
	// its peers and the CAs it trusts for theirs. The caller wraps PeerListener with the server side
	// (tls.NewListener) itself; peer URLs are then https.
	PeerTLS *tls.Config
	// PeerURLs are this member's advertised peer URLs (--initial-advertise-peer-urls).
	PeerURLs []string
	// ClientURLs are the advertised client URLs (--advertise-client-urls), published after start.
	ClientURLs []string

	// InitialCluster is the bootstrap membership (--initial-cluster): names and peer URLs; the IDs
	// are computed from Token. For a joining member it lists where to find the running cluster.
	InitialCluster []node.Member
	// Token is the --initial-cluster-token (or the discovery URL).
	Token string
	// Join is --initial-cluster-state existing: the member was added with the members API first.
	Join bool
	// CheckClusterID refuses a data dir whose cluster ID differs from the one InitialCluster and
	// Token give (set when those flags were given explicitly for a new cluster).
	CheckClusterID bool

	// ForceNewCluster (--force-new-cluster) restarts the member in DataDir as the only member of its
	// cluster, keeping its committed data: the way back from a backup or from the loss of a quorum.
	ForceNewCluster bool

	// HeartbeatInterval (default 100ms) is the tick; ElectionTimeout (default 1s) a multiple of it.
	HeartbeatInterval time.Duration
	ElectionTimeout   time.Duration
	// SnapshotCount is how many applied entries trigger a snapshot (default 100000).
	SnapshotCount uint64
	// SnapshotYield is called every few hundred records and nodes a snapshot's encoding writes
	// (default runtime.Gosched), so that the encoder lets the member's other goroutines run.
	SnapshotYield func()
	// PeerMaxFrameBytes bounds a peer frame (default transport.DefaultMaxFrameBytes). Snapshots are
	// streamed to peers in chunks of at most this size, so it bounds no snapshot.
	PeerMaxFrameBytes int
	// StrictReconfigCheck refuses membership changes that would leave too few started members.
	StrictReconfigCheck bool
	// JoinTimeout bounds how long a joining member looks for the running cluster (default 10s).
	JoinTimeout time.Duration
	// Logger (default slog.Default()).
	Logger *slog.Logger
	// NoSync skips fsync (tests and benchmarks only: nothing is durable).
	NoSync bool

	// FS is the file system the WAL is written through (default wal.OSFS()). Tests inject disk
	// faults here (a full disk, a failing fsync).
	FS wal.FS
}

func (c *Config) withDefaults() (Config, error) {
	out := *c
	if out.Name == "" {
		return out, errors.New("server: config: Name is required")
	}
	if out.DataDir == "" {
		return out, errors.New("server: config: DataDir is required")
	}
	if out.PeerListener == nil {
		return out, errors.New("server: config: PeerListener is required")
	}
	if len(out.PeerURLs) == 0 {
		return out, errors.New("server: config: PeerURLs are required")
	}
	if out.HeartbeatInterval <= 0 {
		out.HeartbeatInterval = 100 * time.Millisecond
	}
	if out.ElectionTimeout <= 0 {
		out.ElectionTimeout = 10 * out.HeartbeatInterval
	}
	if out.ElectionTimeout < 5*out.HeartbeatInterval {
		return out, fmt.Errorf("server: config: election timeout %v must be at least 5 times the heartbeat interval %v",
			out.ElectionTimeout, out.HeartbeatInterval)
	}
	if out.SnapshotCount == 0 {
		out.SnapshotCount = 100000
	}
	if out.SnapshotYield == nil {
		out.SnapshotYield = runtime.Gosched
	}
	if out.JoinTimeout <= 0 {
		out.JoinTimeout = 10 * time.Second
	}
	if out.FS == nil {
		out.FS = wal.OSFS()
	}
	if out.Logger == nil {
		out.Logger = slog.Default()
	}
	out.PeerURLs = sortedCopy(out.PeerURLs)
	out.ClientURLs = sortedCopy(out.ClientURLs)
	return out, nil
}

func sortedCopy(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

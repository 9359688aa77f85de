package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/core/store"
)

// Backend is what the HTTP layer needs from the running member (core/server implements it).
type Backend interface {
	// Do submits req (the backend fills req.ID) and waits for the node's reply or for ctx.
	Do(ctx context.Context, req node.Request) (node.Reply, error)
	// Get is a local (possibly stale) read.
	Get(key string, recursive, sorted bool, now int64) (*store.Event, error)
	// Watch registers a watcher on the local store.
	Watch(key string, recursive, stream bool, sinceIndex uint64) (*store.Watcher, error)
	// Status is the node's current status (leader, term, commit index, members).
	Status() node.Status
	// ClusterID is the cluster's ID, sent as X-Etcd-Cluster-Id.
	ClusterID() uint64
	// Self is this member.
	Self() node.Member
	// StoreStats are this member's store counters.
	StoreStats() store.Stats
	// SelfStats are this member's /v2/stats/self figures.
	SelfStats() SelfStats
	// LeaderStats are the leader's follower figures; false when this member is not the leader.
	LeaderStats() (LeaderStats, bool)
}

// LeaderChangeCounter may be implemented by a Backend that counts leader changes itself; the
// /metrics figure then comes from it instead of from the changes this handler happens to observe.
type LeaderChangeCounter interface {
	LeaderChanges() uint64
}

// Defaults for Config fields left zero.
const (
	DefaultMaxRequestBytes = node.DefaultMaxRequestBytes
	DefaultVersion         = "3.5.33"
	DefaultClusterVersion  = "3.5.0"
)

// Config configures the handler. Only Backend is required.
type Config struct {
	Backend Backend
	// Clock is the wall clock (default time.Now). TTL expiries and ttl fields are computed from it.
	Clock func() time.Time
	// Logger receives warnings about internal errors (default: discard).
	Logger *slog.Logger
	// MaxRequestBytes caps a request body and the payload of a write (key, value and prevValue
	// together); over it a request gets 400/210. The default, node.DefaultMaxRequestBytes, is the
	// node's limit on a proposal's payload: keep the two equal, so that the node never refuses
	// what this handler lets through.
	MaxRequestBytes int64
	// MaxKeyBytes caps the length of a key (after cleaning): default and maximum
	// store.MaxKeyBytes, which the store enforces on every write; a longer key gets 400/209.
	MaxKeyBytes int
	// MaxWatchersPerConn caps the open watches of one client connection (default 256); one more
	// gets 429.
	MaxWatchersPerConn int
	// WatchWriteTimeout bounds the write of one watch event to a client that does not read
	// (default 10s); the watch then ends and its connection closes.
	WatchWriteTimeout time.Duration
	// Version is the server version reported by /version (default "3.5.33").
	Version string
	// ClusterVersion is the cluster version reported by /version (default "3.5.0").
	ClusterVersion string
}

// withDefaults returns cfg with its zero fields filled in.
func (cfg Config) withDefaults() Config {
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxRequestBytes <= 0 {
		cfg.MaxRequestBytes = DefaultMaxRequestBytes
	}
	if cfg.MaxKeyBytes <= 0 || cfg.MaxKeyBytes > store.MaxKeyBytes {
		cfg.MaxKeyBytes = store.MaxKeyBytes
	}
	if cfg.MaxWatchersPerConn <= 0 {
		cfg.MaxWatchersPerConn = DefaultMaxWatchersPerConn
	}
	if cfg.WatchWriteTimeout <= 0 {
		cfg.WatchWriteTimeout = DefaultWatchWriteTimeout
	}
	if cfg.Version == "" {
		cfg.Version = DefaultVersion
	}
	if cfg.ClusterVersion == "" {
		cfg.ClusterVersion = DefaultClusterVersion
	}
	return cfg
}

// New returns the etcd v2 API handler for cfg. It panics if cfg.Backend is nil (a programming error).
func New(cfg Config) http.Handler {
	if cfg.Backend == nil {
		panic("httpapi: Config.Backend is nil")
	}
	return newHandler(cfg.withDefaults())
}

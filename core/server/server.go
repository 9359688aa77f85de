package server

import (
	"context"
	crand "crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/raftlab/raftlab/core/httpapi"
	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/core/store"
	"github.com/raftlab/raftlab/core/transport"
	"github.com/raftlab/raftlab/core/wal"
)

// Server hosts one member. Its exported methods are safe for concurrent use; it implements
// httpapi.Backend.
type Server struct {
	cfg  Config
	log  *slog.Logger
	meta Metadata
	node *node.Node // owned by the loop goroutine
	// store is the node's key space. core/node replaces its store when it installs a snapshot
	// from the leader, so the loop republishes the pointer after every step.
	store     atomic.Pointer[store.Store]
	w         *wal.WAL // owned by the persister goroutine
	tr        *transport.Transport
	mux       *peerMux
	peerHTTP  *http.Server
	startTime time.Time

	calls chan call
	// abandoned tells the loop that a caller gave up waiting (its context ended), so that it cancels
	// the request in the node at once rather than at the next tick: a write parked without a
	// leader is then not proposed when a leader comes within that tick.
	abandoned  chan struct{}
	inbound    chan raft.Message
	persistReq chan *node.PersistBatch
	persistRes chan persistResult
	// removedRes carries the answer of a background "was I removed?" check to the loop.
	removedRes chan bool
	// encoded carries snapshots encoded off the loop back to it (see encodeSnapshot); encoding
	// counts the goroutines encoding one.
	encoded  chan encodedSnapshot
	encoding sync.WaitGroup

	stop chan struct{}
	// ctx is cancelled by Stop; background checks use it.
	ctx         context.Context
	cancel      context.CancelFunc
	stopOnce    sync.Once
	stopped     chan struct{} // closed when shutdown finished
	stopErr     error         // shutdown's result, valid once stopped is closed
	loopDone    chan struct{}
	persistDone chan struct{}
	// roomWanted wakes makeRoom (closed when the persister ends); roomDone is closed when it ended.
	roomWanted chan struct{}
	roomDone   chan struct{}
	// releaseWanted wakes releaseFiles (closed when the persister ends); releaseDone is closed
	// when it ended.
	releaseWanted chan struct{}
	releaseDone   chan struct{}
	peerDone      chan struct{}
	exitErr       error // set by the loop before loopDone closes
	// ready is closed when the node first reports itself ready to serve clients.
	ready chan struct{}

	status atomic.Pointer[node.Status]
	// progress holds the status's indexes, which move at nearly every step (see publishStatus).
	progress      statusProgress
	self          atomic.Pointer[node.Member]
	leaderChanges atomic.Uint64
	// walSyncs and persistBatches count the persister's fsyncs and batches (group commit figures).
	walSyncs       atomic.Uint64
	persistBatches atomic.Uint64
	stats          *peerStats
	// disk are the figures of /metrics' disk families (httpapi.DiskMetrics).
	disk diskMetrics
}

var (
	_ httpapi.Backend             = (*Server)(nil)
	_ httpapi.LeaderChangeCounter = (*Server)(nil)
	_ httpapi.DiskMetrics         = (*Server)(nil)
)

// call is one client request waiting for its reply.
type call struct {
	ctx   context.Context
	req   node.Request
	reply chan node.Reply
}

type persistResult struct {
	seq uint64
	err error
}

// Errors of the server itself.
var (
	// ErrNotEnoughStartedMembers: --strict-reconfig-check refused a membership change (the node's
	// check, see node.Config.StrictReconfigCheck).
	ErrNotEnoughStartedMembers = node.ErrNotEnoughStartedMembers
	// ErrRemovedMember: the loop ended because this member was removed from the cluster.
	ErrRemovedMember = errors.New("the member has been permanently removed from the cluster")
)

// Start opens (or bootstraps) the member in cfg.DataDir, starts the peer transport and the loop,
// and returns a running server. It does not serve clients: wrap it with httpapi.New.
func Start(cfg Config) (*Server, error) {
	return StartContext(context.Background(), cfg)
}

// StartContext is Start with a context that bounds the bootstrap (finding a running cluster when
// joining).
func StartContext(ctx context.Context, cfg Config) (*Server, error) {
	c, err := cfg.withDefaults()
	if err != nil {
		if cfg.PeerListener != nil {
			_ = cfg.PeerListener.Close()
		}
		return nil, err
	}
	s, err := start(ctx, c)
	if err != nil {
		_ = c.PeerListener.Close()
		return nil, err
	}
	return s, nil
}

func start(ctx context.Context, cfg Config) (*Server, error) {
	s := &Server{
		cfg: cfg, log: cfg.Logger, startTime: time.Now(),
		calls:         make(chan call),
		abandoned:     make(chan struct{}, 1),
		inbound:       make(chan raft.Message, 4096),
		persistReq:    make(chan *node.PersistBatch, 1),
		persistRes:    make(chan persistResult, 1),
		removedRes:    make(chan bool, 1),
		encoded:       make(chan encodedSnapshot, 1),
		stop:          make(chan struct{}),
		stopped:       make(chan struct{}),
		loopDone:      make(chan struct{}),
		persistDone:   make(chan struct{}),
		roomWanted:    make(chan struct{}, 1),
		roomDone:      make(chan struct{}),
		releaseWanted: make(chan struct{}, 1),
		releaseDone:   make(chan struct{}),
		peerDone:      make(chan struct{}),
		ready:         make(chan struct{}),
		stats:         newPeerStats(),
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.disk.init()
	s.status.Store(&node.Status{})
	rec, err := openDataDir(ctx, cfg)
	if err != nil {
		return nil, err
	}
	s.meta, s.w = rec.meta, rec.w
	s.log = cfg.Logger.With("member", strconv.FormatUint(s.meta.MemberID, 16))
	seed := make([]byte, 32)
	if _, err := crand.Read(seed); err != nil {
		_ = s.w.Close()
		return nil, fmt.Errorf("server: seed random source: %w", err)
	}
	rng := rand.New(rand.NewChaCha8([32]byte(seed)))
	nd, err := node.New(node.Config{
		ID:             s.meta.MemberID,
		ClusterID:      s.meta.ClusterID,
		InitialMembers: s.meta.InitialMembers,
		Join:           s.meta.Join,
		// A restart publishes the name recorded in the data dir, whatever --name says now.
		Name:                s.meta.Name,
		ClientURLs:          cfg.ClientURLs,
		StrictReconfigCheck: cfg.StrictReconfigCheck,
		ElectionTicks:       int(cfg.ElectionTimeout / cfg.HeartbeatInterval),
		HeartbeatTicks:      1,
		TickInterval:        int64(cfg.HeartbeatInterval),
		SnapshotCount:       cfg.SnapshotCount,
		// Snapshots are encoded on a goroutine of their own (encodeSnapshot): writes go on meanwhile.
		HostEncodesSnapshots: true,
		// The members' snapshots are kept apart, so that the cluster never slows down all at once.
		SnapshotStagger: true,
		Rand:            intnRand{rng},
	}, rec.durable)
	if err != nil {
		_ = s.w.Close()
		return nil, fmt.Errorf("server: start node: %w", err)
	}
	s.node = nd
	s.store.Store(nd.Store())
	s.self.Store(&node.Member{ID: s.meta.MemberID, Name: s.meta.Name, PeerURLs: cfg.PeerURLs, ClientURLs: cfg.ClientURLs})

	s.mux = newPeerMux(cfg.PeerListener)
	tr, err := transport.New(transport.Config{
		LocalID: s.meta.MemberID, ClusterID: s.meta.ClusterID, Listener: s.mux.raft, Dial: cfg.peerDial(),
		Handler: s.receive, Logger: s.log.With("component", "transport"),
		MaxFrameBytes: cfg.PeerMaxFrameBytes, SnapshotDir: SnapDir(cfg.DataDir),
	})
	if err != nil {
		_ = s.mux.Close()
		_ = s.w.Close()
		return nil, fmt.Errorf("server: start transport: %w", err)
	}
	s.tr = tr
	s.peerHTTP = &http.Server{Handler: peerHandler(s.meta.ClusterID, s.members, s.isRemoved), ReadHeaderTimeout: 5 * time.Second}
	go func() {
		defer close(s.peerDone)
		_ = s.peerHTTP.Serve(s.mux.http)
	}()
	tr.Start()

	lp := newLoop(s, rng)
	lp.publishStatus()
	lp.syncPeers()
	go s.makeRoom()
	go s.releaseFiles()
	go s.persist()
	go lp.run()
	s.log.Info("member started", "name", s.meta.Name, "cluster", strconv.FormatUint(s.meta.ClusterID, 16),
		"data-dir", cfg.DataDir, "peer-urls", cfg.PeerURLs, "restarted", rec.durable != nil, "join", s.meta.Join)
	return s, nil
}

// intnRand adapts math/rand/v2 to raft.Rand.
type intnRand struct{ r *rand.Rand }

func (r intnRand) Intn(n int) int { return r.r.IntN(n) }

// receive is the transport's handler: it hands a peer message to the loop.
func (s *Server) receive(m raft.Message) {
	s.stats.received(m)
	select {
	case s.inbound <- m:
	case <-s.stop:
	case <-s.loopDone:
	}
}

// persist is the persister goroutine: it writes each batch and reports back. At most one batch is
// in flight (the node's contract), so neither channel ever blocks for long.
func (s *Server) persist() {
	defer close(s.persistDone)
	defer close(s.roomWanted)
	defer close(s.releaseWanted)
	for b := range s.persistReq {
		err := s.write(b)
		if err == nil && s.w.RoomWanted() {
			wake(s.roomWanted) // unless makeRoom is at it already
		}
		if err == nil && s.w.ReleaseWanted() {
			wake(s.releaseWanted)
		}
		s.persistRes <- persistResult{seq: b.Seq, err: err}
	}
}

// makeRoom keeps the WAL's room made ahead of its records (wal.MakeRoom), each time the persister
// finds it short, so that the persister's fsyncs do not write it, until the persister ends.
// A failure (a full disk) is logged when it starts and when it ends, not at every batch.
func (s *Server) makeRoom() {
	defer close(s.roomDone)
	failing := false
	for range s.roomWanted {
		for {
			made, err := s.w.MakeRoom()
			switch {
			case err != nil && !failing:
				s.log.Warn("making WAL room ahead failed; the persister extends it itself meanwhile", "err", err)
			case err == nil && failing:
				s.log.Info("making WAL room ahead works again")
			}
			failing = err != nil
			if !made || err != nil {
				break
			}
		}
	}
}

// wake signals a worker's channel of capacity one without waiting: a signal already pending
// covers this one.
func wake(c chan<- struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// releaseFiles deletes the WAL files a logged snapshot left unneeded (wal.Release) each time the
// persister finds some, so that the persister's batches do not wait for the unlinks and directory
// fsyncs (20-odd milliseconds for a 64 MiB segment on ext4), until the persister ends. A failure
// is logged; the files stay queued, and the next snapshot's release tries them again.
func (s *Server) releaseFiles() {
	defer close(s.releaseDone)
	for range s.releaseWanted {
		if err := s.w.Release(); err != nil {
			s.log.Warn("releasing old WAL files failed; they are kept and tried again after the next snapshot", "err", err)
		}
	}
}

// write makes one batch durable: the snapshot first, then the hard state and entries, then one
// fsync for all of them (group commit).
func (s *Server) write(b *node.PersistBatch) error {
	if !b.Snapshot.IsEmpty() {
		if err := s.w.SaveSnapshot(b.Snapshot); err != nil {
			return fmt.Errorf("save snapshot %d: %w", b.Snapshot.Metadata.Index, err)
		}
	}
	if !b.HardState.IsEmpty() || len(b.Entries) > 0 {
		if err := s.w.Save(b.HardState, b.Entries); err != nil {
			return fmt.Errorf("save %d entries: %w", len(b.Entries), err)
		}
	}
	s.persistBatches.Add(1)
	if b.MustSync {
		s.walSyncs.Add(1)
		start := time.Now()
		err := s.w.Sync()
		s.disk.walFsyncs.Observe(time.Since(start))
		if err != nil {
			return fmt.Errorf("sync WAL: %w", err)
		}
	}
	s.disk.walBytes.Store(s.w.Stats().Bytes)
	return nil
}

// Stop ends the member: a leader first hands leadership to another voter (see handOffLeadership),
// then the loop stops (waiting callers get ErrStopped), the last batch finishes writing, the WAL is
// closed and the transport shut down. ctx bounds the wait.
func (s *Server) Stop(ctx context.Context) error {
	s.stopOnce.Do(func() {
		s.handOffLeadership(ctx)
		close(s.stop)
		s.cancel()
		go func() {
			s.stopErr = s.shutdown()
			close(s.stopped)
		}()
	})
	select {
	case <-s.stopped:
		return s.stopErr
	case <-ctx.Done():
		return fmt.Errorf("server: stop: %w", ctx.Err())
	}
}

func (s *Server) shutdown() error {
	<-s.loopDone
	<-s.persistDone
	<-s.roomDone
	<-s.releaseDone
	s.encoding.Wait() // a snapshot's file is written before the WAL closes
	var errs []error
	if err := s.tr.Close(); err != nil {
		errs = append(errs, fmt.Errorf("close transport: %w", err))
	}
	_ = s.peerHTTP.Close()
	_ = s.mux.Close()
	<-s.peerDone
	if err := s.w.Close(); err != nil && !errors.Is(err, wal.ErrClosed) && !errors.Is(err, wal.ErrFailed) {
		errs = append(errs, fmt.Errorf("close WAL: %w", err))
	}
	return errors.Join(errs...)
}

// Done is closed when the loop has ended: after Stop, or when the member was removed.
func (s *Server) Done() <-chan struct{} { return s.loopDone }

// Err is why the loop ended (ErrRemovedMember, or nil after Stop); valid once Done is closed.
func (s *Server) Err() error {
	select {
	case <-s.loopDone:
		return s.exitErr
	default:
		return nil
	}
}

// ID is this member's ID.
func (s *Server) ID() uint64 { return s.meta.MemberID }

// PeerAddr is the address the peer listener is bound to.
func (s *Server) PeerAddr() string { return s.mux.ln.Addr().String() }

func (s *Server) isRemoved(id uint64) bool { return isRemoved(s.store.Load(), id) }

func (s *Server) members() []node.Member { return s.status.Load().Members }

// Do submits req with a fresh request ID and waits for the node's reply, for ctx, or for the
// server to stop.
func (s *Server) Do(ctx context.Context, req node.Request) (node.Reply, error) {
	c := call{ctx: ctx, req: req, reply: make(chan node.Reply, 1)}
	select {
	case s.calls <- c:
	case <-ctx.Done():
		return node.Reply{}, ctx.Err()
	case <-s.loopDone:
		return node.Reply{}, s.stoppedErr()
	}
	select {
	case r := <-c.reply:
		return r, nil
	case <-ctx.Done():
		select {
		case s.abandoned <- struct{}{}:
		default: // the loop has been told already: it looks at every waiting caller
		}
		return node.Reply{}, ctx.Err()
	case <-s.loopDone:
		// The loop may have answered just before it ended.
		select {
		case r := <-c.reply:
			return r, nil
		default:
			return node.Reply{}, s.stoppedErr()
		}
	}
}

func (s *Server) stoppedErr() error {
	if errors.Is(s.exitErr, ErrRemovedMember) {
		return node.ErrRemoved
	}
	return node.ErrStopped
}

// Get is a local read. A member whose storage failed applies nothing any more and refuses it
// (node.ErrStorage) rather than answer from frozen state.
func (s *Server) Get(key string, recursive, sorted bool, now int64) (*store.Event, error) {
	if err := s.status.Load().Failed; err != nil {
		return nil, err
	}
	return s.store.Load().Get(key, recursive, sorted, now)
}

// Watch registers a watcher on the local store (refused once the storage failed, as Get).
func (s *Server) Watch(key string, recursive, stream bool, sinceIndex uint64) (*store.Watcher, error) {
	if err := s.status.Load().Failed; err != nil {
		return nil, err
	}
	return s.store.Load().Watch(key, recursive, stream, sinceIndex)
}

// Ready is closed once the member is ready to serve clients: its name and client URLs are committed
// through raft (or, after a restart with the same ones, it caught up with the cluster). kvd serves
// nothing on its client listeners before, as etcd.
func (s *Server) Ready() <-chan struct{} { return s.ready }

// Status is the node's status as of the loop's last step.
func (s *Server) Status() node.Status {
	st := *s.status.Load()
	s.progress.fill(&st)
	return st
}

// ClusterID is the cluster's ID.
func (s *Server) ClusterID() uint64 { return s.meta.ClusterID }

// Self is this member (name and client URLs as configured).
func (s *Server) Self() node.Member { return *s.self.Load() }

// StoreStats are the store's counters.
func (s *Server) StoreStats() store.Stats { return s.store.Load().Stats() }

// LeaderChanges counts the leader changes this member has seen.
func (s *Server) LeaderChanges() uint64 { return s.leaderChanges.Load() }

package raft

// ProgressState is how the leader currently replicates to one follower.
type ProgressState uint8

const (
	// ProgressProbe: the leader does not know where the follower's log matches; it sends one MsgApp
	// per heartbeat interval until a response tells it.
	ProgressProbe ProgressState = iota
	// ProgressReplicate: the logs match up to Match; the leader pipelines MsgApp optimistically,
	// bounded by the in-flight window.
	ProgressReplicate
	// ProgressSnapshot: the follower needs entries the leader compacted; a MsgSnap is in flight.
	ProgressSnapshot
)

// String names the replication state.
func (s ProgressState) String() string {
	switch s {
	case ProgressProbe:
		return "probe"
	case ProgressReplicate:
		return "replicate"
	case ProgressSnapshot:
		return "snapshot"
	}
	return "unknown"
}

// progress is the leader's view of one peer.
type progress struct {
	match, next uint64
	state       ProgressState
	// pendingSnapshot is the index of the snapshot in flight (ProgressSnapshot).
	pendingSnapshot uint64
	// recentActive is set by any response from the peer and cleared by each check-quorum round.
	recentActive bool
	// probeSent pauses a probing peer after one MsgApp until it answers or a heartbeat round ends.
	probeSent bool
	// snapshotWait counts heartbeat answers received while a snapshot is in flight; the snapshot
	// is presumed lost after an election timeout's worth (the host may never report it).
	snapshotWait int
	inflights    *inflights
	isLearner    bool
}

func newProgress(next uint64, window int, learner bool) *progress {
	return &progress{next: next, inflights: newInflights(window), isLearner: learner}
}

func (pr *progress) resetState(s ProgressState) {
	pr.probeSent = false
	pr.pendingSnapshot = 0
	pr.snapshotWait = 0
	pr.state = s
	pr.inflights.reset()
}

func (pr *progress) becomeProbe() {
	if pr.state == ProgressSnapshot {
		pending := pr.pendingSnapshot
		pr.resetState(ProgressProbe)
		pr.next = max(pr.match+1, pending+1)
		return
	}
	pr.resetState(ProgressProbe)
	pr.next = pr.match + 1
}

func (pr *progress) becomeReplicate() {
	pr.resetState(ProgressReplicate)
	pr.next = pr.match + 1
}

func (pr *progress) becomeSnapshot(index uint64) {
	pr.resetState(ProgressSnapshot)
	pr.pendingSnapshot = index
}

// maybeUpdate records an acknowledgement of index n; it reports whether Match moved.
func (pr *progress) maybeUpdate(n uint64) bool {
	updated := false
	if pr.match < n {
		pr.match = n
		updated = true
		pr.probeSent = false
	}
	pr.next = max(pr.next, n+1)
	return updated
}

// maybeDecrTo handles a rejection of the MsgApp whose previous index was rejected; hint is the
// highest index that may match. It reports whether next moved (so a new MsgApp should go out).
func (pr *progress) maybeDecrTo(rejected, hint uint64) bool {
	if pr.state == ProgressReplicate {
		if rejected <= pr.match {
			return false // stale
		}
		pr.next = pr.match + 1
		return true
	}
	if pr.next-1 != rejected || rejected <= pr.match {
		return false // stale: not the probe we sent last, or below what the peer acknowledged
	}
	pr.next = max(min(rejected, hint+1), pr.match+1, 1)
	pr.probeSent = false
	return true
}

// isPaused reports whether the leader must hold back MsgApp to this peer.
func (pr *progress) isPaused() bool {
	switch pr.state {
	case ProgressProbe:
		return pr.probeSent
	case ProgressReplicate:
		return pr.inflights.full()
	default:
		return true
	}
}

// inflights is the window of unacknowledged MsgApp to one peer, as the last index each carried.
type inflights struct {
	size int
	ends []uint64
}

func newInflights(size int) *inflights { return &inflights{size: size} }

func (in *inflights) add(last uint64) { in.ends = append(in.ends, last) }

func (in *inflights) full() bool { return len(in.ends) >= in.size }

func (in *inflights) count() int { return len(in.ends) }

// freeLE releases every message whose last index is <= to.
func (in *inflights) freeLE(to uint64) {
	n := 0
	for n < len(in.ends) && in.ends[n] <= to {
		n++
	}
	in.ends = append(in.ends[:0], in.ends[n:]...)
}

func (in *inflights) freeFirstOne() {
	if len(in.ends) > 0 {
		in.ends = append(in.ends[:0], in.ends[1:]...)
	}
}

func (in *inflights) reset() { in.ends = in.ends[:0] }

package raft

import (
	"errors"
	"fmt"
	"sort"

	"github.com/raftlab/raftlab/core/mark"
)

// campaignTransfer is the Context of votes started by a leader transfer (MsgTimeoutNow); such votes
// override leader stickiness.
var campaignTransfer = []byte("CampaignTransfer")

// ErrStepLocalMsg is returned when the network hands Step a message type that only the node
// itself may generate.
var ErrStepLocalMsg = errors.New("raft: cannot step local message from the network")

// ErrStepPeerNotFound is returned when a response comes from a peer the node does not track.
var ErrStepPeerNotFound = errors.New("raft: cannot step response from unknown peer")

// ErrInvalidMessage is returned when Step gets a malformed message; the node state is unchanged.
var ErrInvalidMessage = errors.New("raft: invalid message")

type stepFunc func(r *raft, m Message) error

// raft is the protocol state machine. Every input is a Message through Step or a tick.
type raft struct {
	id    uint64
	term  uint64
	vote  uint64
	lead  uint64
	state Role

	log *raftLog
	prs map[uint64]*progress
	// voterProgress is prs of voters, in voters' order (setConf rebuilds both; reset changes the
	// progress values in place), for the commit check that runs on every acknowledgement.
	voterProgress []*progress
	// voters and learners are the current configuration, sorted.
	voters, learners []uint64
	// peers is every member but self, sorted; matchBuf is scratch space for maybeCommit.
	peers     []uint64
	matchBuf  []uint64
	isLearner bool
	// confKnown is false for a node started with no configuration (no Peers, no snapshot): the
	// bootstrap configuration is not in the log, so the configuration it derives by applying conf
	// changes is incomplete until a snapshot brings a full one. Such a node never campaigns.
	confKnown bool

	votes map[uint64]bool
	msgs  []Message

	readStates             []ReadState
	readOnly               *readOnly
	pendingReadIndexMsgs   []Message
	leadTransferee         uint64
	pendingConfIndex       uint64
	uncommittedSize        uint64
	maxUncommittedSize     uint64
	maxMsgSize             uint64
	maxInflight            int
	checkQuorum            bool
	preVote                bool
	disableForwarding      bool
	bugs                   Bugs
	marks                  *mark.Set
	rand                   Rand
	electionTimeout        int
	heartbeatTimeout       int
	randomizedElectionTime int
	electionElapsed        int
	heartbeatElapsed       int

	tick func()
	step stepFunc
}

func newRaft(c *Config) (*raft, error) {
	if err := c.validate(); err != nil {
		return nil, err
	}
	log, err := newLog(c.Storage)
	if err != nil {
		return nil, err
	}
	hs, cs, err := c.Storage.InitialState()
	if err != nil {
		return nil, fmt.Errorf("raft: storage initial state: %w", err)
	}
	if len(cs.Voters) == 0 && len(cs.Learners) == 0 {
		cs = ConfState{Voters: cloneIDs(c.Peers), Learners: cloneIDs(c.Learners)}
	}
	window := c.MaxInflightMsgs
	if window == 0 {
		window = DefaultMaxInflightMsgs
	}
	r := &raft{
		id:                 c.ID,
		log:                log,
		prs:                map[uint64]*progress{},
		readOnly:           newReadOnly(),
		maxUncommittedSize: c.MaxUncommittedEntriesSize,
		maxMsgSize:         c.MaxSizePerMsg,
		maxInflight:        window,
		checkQuorum:        c.CheckQuorum,
		preVote:            c.PreVote,
		disableForwarding:  c.DisableProposalForwarding,
		bugs:               c.Bugs,
		marks:              c.Marks,
		rand:               c.Rand,
		electionTimeout:    c.ElectionTick,
		heartbeatTimeout:   c.HeartbeatTick,
	}
	log.marks = c.Marks
	r.setConf(cs)
	r.confKnown = len(cs.Voters) > 0 || len(cs.Learners) > 0
	if !hs.IsEmpty() {
		if hs.Commit > log.lastIndex() {
			return nil, fmt.Errorf("%w: hard state commit %d beyond last index %d", ErrInvalidConfig, hs.Commit, log.lastIndex())
		}
		// A commit below the snapshot point is stale: the snapshot itself is committed.
		log.committed = max(hs.Commit, log.committed)
		r.term = hs.Term
		r.vote = hs.Vote
	}
	if c.Applied > 0 {
		if c.Applied > log.committed {
			return nil, fmt.Errorf("%w: applied %d beyond commit %d", ErrInvalidConfig, c.Applied, log.committed)
		}
		log.appliedTo(c.Applied)
	}
	r.becomeFollower(r.term, None)
	return r, nil
}

// setConf installs a configuration and (re)creates progress for new members.
func (r *raft) setConf(cs ConfState) {
	r.voters = cloneIDs(cs.Voters)
	r.learners = cloneIDs(cs.Learners)
	old := r.prs
	r.prs = map[uint64]*progress{}
	next := r.log.lastIndex() + 1
	for _, id := range r.voters {
		r.prs[id] = r.keepOrNewProgress(old[id], next, false)
	}
	for _, id := range r.learners {
		r.prs[id] = r.keepOrNewProgress(old[id], next, true)
	}
	r.voterProgress = make([]*progress, len(r.voters))
	for i, id := range r.voters {
		r.voterProgress[i] = r.prs[id]
	}
	r.isLearner = r.prs[r.id] != nil && r.prs[r.id].isLearner
	r.peers = r.peers[:0]
	for id := range r.prs {
		if id != r.id {
			r.peers = append(r.peers, id)
		}
	}
	sort.Slice(r.peers, func(i, j int) bool { return r.peers[i] < r.peers[j] })
}

func (r *raft) keepOrNewProgress(pr *progress, next uint64, learner bool) *progress {
	if pr == nil {
		pr = newProgress(next, r.maxInflight, learner)
		pr.recentActive = true
	}
	pr.isLearner = learner
	return pr
}

func (r *raft) confState() ConfState {
	return ConfState{Voters: cloneIDs(r.voters), Learners: cloneIDs(r.learners)}
}

func (r *raft) isMember(id uint64) bool { return r.prs[id] != nil }

// promotable reports whether this node may campaign: it is a voter and has no pending snapshot.
func (r *raft) promotable() bool {
	pr := r.prs[r.id]
	return r.confKnown && pr != nil && !pr.isLearner && r.log.unstable.snapshot == nil
}

// peerIDs returns every tracked peer except self, sorted. The slice is shared: do not modify it.
func (r *raft) peerIDs() []uint64 { return r.peers }

func (r *raft) quorum() int { return len(r.voters)/2 + 1 }

func (r *raft) hardState() HardState {
	return HardState{Term: r.term, Vote: r.vote, Commit: r.log.committed}
}

func (r *raft) softState() SoftState { return SoftState{Lead: r.lead, Role: r.state} }

// send queues m for the host. Term is stamped except on messages that carry their own (votes and
// their responses) and forwarded local requests (MsgProp, MsgReadIndex, MsgTransferLeader).
func (r *raft) send(m Message) {
	if m.Type != MsgTransferLeader {
		m.From = r.id
	}
	switch m.Type {
	case MsgVote, MsgVoteResp, MsgPreVote, MsgPreVoteResp:
		if m.Term == 0 {
			panic(fmt.Sprintf("raft: %s sent without term", m.Type))
		}
	case MsgProp, MsgReadIndex, MsgTransferLeader:
		m.Term = 0
	default:
		m.Term = r.term
	}
	if len(r.msgs) == 0 && cap(r.msgs) < len(r.peers) && r.state != RoleFollower {
		// Leaders and candidates send in broadcasts: room for one message per peer at once
		// instead of growing the batch 1, 2, 4, ... (the array comes back through Ready, so this
		// happens once per role change at most).
		r.msgs = make([]Message, 0, max(len(r.peers), 1))
	}
	r.msgs = append(r.msgs, m)
}

func (r *raft) resetRandomizedElectionTimeout() {
	r.randomizedElectionTime = r.electionTimeout + r.rand.Intn(r.electionTimeout)
}

func (r *raft) reset(term uint64) {
	if r.term != term {
		r.term = term
		r.vote = None
	}
	r.lead = None
	r.electionElapsed = 0
	r.heartbeatElapsed = 0
	r.resetRandomizedElectionTimeout()
	r.leadTransferee = None
	r.votes = map[uint64]bool{}
	last := r.log.lastIndex()
	for id, pr := range r.prs {
		*pr = progress{next: last + 1, inflights: pr.inflights, isLearner: pr.isLearner}
		pr.inflights.reset()
		if id == r.id {
			pr.match = last
		}
	}
	r.pendingConfIndex = 0
	r.uncommittedSize = 0
	r.readOnly = newReadOnly()
	r.pendingReadIndexMsgs = nil
}

func (r *raft) becomeFollower(term, lead uint64) {
	r.step = stepFollower
	r.reset(term)
	r.tick = r.tickElection
	r.lead = lead
	r.state = RoleFollower
}

func (r *raft) becomePreCandidate() {
	r.step = stepCandidate
	r.votes = map[uint64]bool{}
	r.tick = r.tickElection
	r.lead = None
	r.state = RolePreCandidate
}

func (r *raft) becomeCandidate() {
	r.step = stepCandidate
	r.reset(r.term + 1)
	r.tick = r.tickElection
	r.vote = r.id
	r.state = RoleCandidate
}

func (r *raft) becomeLeader() {
	r.step = stepLeader
	r.reset(r.term)
	r.tick = r.tickHeartbeat
	r.lead = r.id
	r.state = RoleLeader
	if pr := r.prs[r.id]; pr != nil {
		pr.becomeReplicate()
		pr.recentActive = true
	}
	// A conf change anywhere in the uncommitted tail may still be pending: be conservative. Counting
	// the no-op also makes a new leader commit an entry of its own term before it accepts a conf
	// change, which the single-server change algorithm needs (Ongaro's 2015 erratum).
	r.appendEntry(Entry{Type: EntryNoop})
	r.pendingConfIndex = r.log.lastIndex()
}

// appendEntry appends proposals to the leader's log; false means the uncommitted limit was hit.
func (r *raft) appendEntry(es ...Entry) bool {
	var size uint64
	for _, e := range es {
		size += uint64(len(e.Data))
	}
	if r.maxUncommittedSize > 0 && size > 0 && r.uncommittedSize > 0 && r.uncommittedSize+size > r.maxUncommittedSize {
		return false
	}
	r.uncommittedSize += size
	last := r.log.lastIndex()
	for i := range es {
		es[i].Term = r.term
		es[i].Index = last + 1 + uint64(i)
	}
	last = r.log.append(es...)
	if pr := r.prs[r.id]; pr != nil {
		pr.maybeUpdate(last)
	}
	r.maybeCommit()
	return true
}

// reduceUncommittedSize forgets the payload of entries that were committed and applied.
func (r *raft) reduceUncommittedSize(ents []Entry) {
	if r.uncommittedSize == 0 {
		return
	}
	var size uint64
	for _, e := range ents {
		size += uint64(len(e.Data))
	}
	if size > r.uncommittedSize {
		r.uncommittedSize = 0
		return
	}
	r.uncommittedSize -= size
}

func (r *raft) tickElection() {
	r.electionElapsed++
	if r.promotable() && r.electionElapsed >= r.randomizedElectionTime {
		r.electionElapsed = 0
		_ = r.Step(Message{From: r.id, Type: MsgHup})
	}
}

func (r *raft) tickHeartbeat() {
	r.heartbeatElapsed++
	r.electionElapsed++
	if r.electionElapsed >= r.electionTimeout {
		r.electionElapsed = 0
		if r.checkQuorum {
			_ = r.Step(Message{From: r.id, Type: MsgCheckQuorum})
		} else if r.state == RoleLeader {
			r.resetRecentActive()
		}
		if r.state == RoleLeader && r.leadTransferee != None {
			r.marks.Hit(mark.RaftTransferAborted)
			r.leadTransferee = None // the transfer timed out
		}
	}
	if r.state != RoleLeader {
		return
	}
	if r.heartbeatElapsed >= r.heartbeatTimeout {
		r.heartbeatElapsed = 0
		_ = r.Step(Message{From: r.id, Type: MsgBeat})
	}
}

package raft

import (
	"errors"
	"fmt"

	"github.com/raftlab/raftlab/core/mark"
)

// DefaultMaxInflightMsgs is the pipelining window used when Config.MaxInflightMsgs is 0.
const DefaultMaxInflightMsgs = 256

// Config configures one Raft node.
type Config struct {
	// ID is this node's non-zero identity.
	ID uint64
	// Peers are the initial voters; used only when Storage holds no ConfState (a fresh node).
	Peers []uint64
	// Learners are the initial learners, under the same rule as Peers.
	Learners []uint64
	// ElectionTick is the election timeout in ticks; each node draws its actual timeout uniformly
	// from [ElectionTick, 2*ElectionTick). It must exceed HeartbeatTick.
	ElectionTick int
	// HeartbeatTick is the leader's heartbeat interval in ticks.
	HeartbeatTick int
	// Storage is the durable log (read-only for raft).
	Storage Storage
	// Applied is the last index the host applied before a restart; committed entries after it are
	// delivered again.
	Applied uint64
	// MaxSizePerMsg bounds the bytes of entries per MsgApp; 0 sends one entry per message.
	MaxSizePerMsg uint64
	// MaxInflightMsgs bounds the unacknowledged MsgApp per follower; 0 means DefaultMaxInflightMsgs.
	MaxInflightMsgs int
	// MaxUncommittedEntriesSize bounds the leader's uncommitted tail in bytes; beyond it Propose
	// returns ErrProposalDropped. 0 means no limit.
	MaxUncommittedEntriesSize uint64
	// PreVote makes a node win a pre-election before it bumps its term, so that a partitioned node
	// that rejoins does not disrupt the cluster.
	PreVote bool
	// CheckQuorum makes a leader step down when it has not heard from a quorum for an election
	// timeout, and makes followers that heard from a leader recently ignore vote requests.
	CheckQuorum bool
	// DisableProposalForwarding makes followers refuse proposals instead of forwarding them.
	DisableProposalForwarding bool
	// Rand is the only randomness raft uses (required).
	Rand Rand
	// Bugs are deliberate protocol bugs for the lab; all false in production.
	Bugs Bugs
	// Marks counts the rare paths taken, for the lab's coverage report; nil in production.
	Marks *mark.Set
}

// Bugs switches on deliberate safety bugs so the lab can show that its checkers catch them.
type Bugs struct {
	// CommitPreviousTermByCounting violates Figure 8: a leader commits entries of older terms as soon
	// as they are on a majority.
	CommitPreviousTermByCounting bool
	// VoteWithoutLogCheck grants votes without the up-to-date log check of §5.4.1.
	VoteWithoutLogCheck bool
}

// ErrInvalidConfig wraps every configuration error.
var ErrInvalidConfig = errors.New("raft: invalid config")

func (c *Config) validate() error {
	switch {
	case c.ID == None:
		return fmt.Errorf("%w: ID must not be zero", ErrInvalidConfig)
	case c.HeartbeatTick <= 0:
		return fmt.Errorf("%w: HeartbeatTick must be positive", ErrInvalidConfig)
	case c.ElectionTick <= c.HeartbeatTick:
		return fmt.Errorf("%w: ElectionTick (%d) must exceed HeartbeatTick (%d)", ErrInvalidConfig, c.ElectionTick, c.HeartbeatTick)
	case c.Storage == nil:
		return fmt.Errorf("%w: Storage is required", ErrInvalidConfig)
	case c.Rand == nil:
		return fmt.Errorf("%w: Rand is required", ErrInvalidConfig)
	case c.MaxInflightMsgs < 0:
		return fmt.Errorf("%w: MaxInflightMsgs must not be negative", ErrInvalidConfig)
	}
	for _, id := range c.Learners {
		for _, v := range c.Peers {
			if id == v {
				return fmt.Errorf("%w: node %d is both a peer and a learner", ErrInvalidConfig, id)
			}
		}
	}
	return nil
}

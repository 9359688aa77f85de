package node

import (
	"fmt"

	"github.com/raftlab/raftlab/core/mark"
	"github.com/raftlab/raftlab/core/raft"
)

// queuedWrite is an encoded write waiting to be proposed with the others of its batch.
type queuedWrite struct {
	id   uint64
	data []byte
}

// queueWrite keeps an encoded write until the node next hands raft's output to the host (see
// flushWrites), and registers its waiter now so that it times out and fails like any other.
func (n *Node) queueWrite(req Request, data []byte) {
	n.queued = append(n.queued, queuedWrite{id: req.ID, data: data})
	n.wait(req.ID)
}

// flushWrites proposes every queued write, in as few raft steps as the message size allows: while
// a persist batch is in flight the writes that arrive meanwhile pile up here, and raft then appends
// them together and sends one append per follower for all of them instead of one per write. A
// write that timed out or failed while queued is left out. If raft refuses a batch, each of its
// writes gets the refusal.
func (n *Node) flushWrites() {
	if len(n.queued) == 0 {
		return
	}
	data := make([][]byte, 0, len(n.queued))
	ids := make([]uint64, 0, len(n.queued))
	for _, q := range n.queued {
		if _, ok := n.waiters[q.id]; ok {
			data = append(data, q.data)
			ids = append(ids, q.id)
		}
	}
	clear(n.queued)
	n.queued = n.queued[:0]
	if len(data) == 0 {
		return
	}
	n.cfg.Marks.HitIf(len(data) > 1, mark.NodeWriteBatch)
	for len(data) > 0 {
		k := n.batchLen(data)
		n.proposeBatch(data[:k], ids[:k])
		data, ids = data[k:], ids[k:]
	}
}

// batchLen is how many of data, at least one, make a proposal within MaxSizePerMsg, sized as raft
// sizes its appends: a follower forwards the proposal to the leader in one message, and the peer
// transport refuses a message over its frame limit, which only has to hold the largest entry.
func (n *Node) batchLen(data [][]byte) int {
	size := uint64(0)
	for i, d := range data {
		size += uint64(len(d)) + proposalEntryOverhead
		if i > 0 && size > n.cfg.MaxSizePerMsg {
			return i
		}
	}
	return len(data)
}

// proposalEntryOverhead is what raft counts for an entry besides its data when it sizes a message.
const proposalEntryOverhead = 24

// proposeBatch proposes data, the encoded writes ids, in one raft step; if raft refuses the batch,
// each of its writes gets the refusal.
func (n *Node) proposeBatch(data [][]byte, ids []uint64) {
	if err := n.raft.ProposeBatch(data); err != nil {
		n.cfg.Marks.Hit(mark.NodeProposalRefused)
		err = proposalError(err)
		for _, id := range ids {
			if _, ok := n.waiters[id]; ok {
				delete(n.waiters, id)
				n.reply(Reply{ID: id, Err: err})
			}
		}
	}
}

// encodeProposal encodes env as a log entry and checks its size.
func (n *Node) encodeProposal(env envelope) ([]byte, error) {
	data, err := n.codec.encodeEnvelope(&env)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadRequest, err)
	}
	if len(data) > n.maxEntryBytes() {
		return nil, ErrTooLarge
	}
	return data, nil
}

// maxEntryBytes is the longest log entry a proposal may make.
func (n *Node) maxEntryBytes() int { return n.cfg.MaxRequestBytes + MaxEnvelopeBytes }

// oversizedProposal reports whether m is a proposal (forwarded by a follower) with an entry over
// the limit: a member with another limit, or not a member of ours, must not get an entry into the
// log that this one would have refused.
func (n *Node) oversizedProposal(m raft.Message) bool {
	if m.Type != raft.MsgProp {
		return false
	}
	for _, e := range m.Entries {
		if len(e.Data) > n.maxEntryBytes() {
			return true
		}
	}
	return false
}

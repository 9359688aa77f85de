package checker

import (
	"testing"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/stretchr/testify/assert"
)

// A follower acknowledges entries of term 2, and the write that makes them durable also carries a
// term-3 leader's replacement of them (learners-transfers seed 1758): the acknowledgement is stale,
// not false. The same acknowledgement without the later leader's entries is a broken promise.
func TestPromisesTellAStaleAcknowledgementFromAFalseOne(t *testing.T) {
	p := NewPromises()
	durable(p, raft.HardState{Term: 2}, ents(1, 2, 2, 2), 1)
	durable(p, raft.HardState{Term: 3}, ents(3, 3), 2) // entry 3 of term 3 replaced 3 and 4 of term 2
	send(p, raft.Message{Type: raft.MsgAppResp, To: 5, Term: 2, Index: 4}, 3)
	assert.Empty(t, p.Violations())

	q := NewPromises()
	durable(q, raft.HardState{Term: 2}, ents(1, 2, 2), 1)
	send(q, raft.Message{Type: raft.MsgAppResp, To: 5, Term: 2, Index: 4}, 3)
	assert.Len(t, q.Violations(), 1, "entry 4 was never durable and no later leader replaced the log")
}

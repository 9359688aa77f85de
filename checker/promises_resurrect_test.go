package checker

import (
	"testing"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/stretchr/testify/assert"
)

func TestPromisesFindAReplacedSuffixThatCameBack(t *testing.T) {
	p := NewPromises()
	durable(p, raft.HardState{Term: 1}, ents(1, 1, 1, 1, 1), 1)
	durable(p, raft.HardState{Term: 2}, ents(2, 2), 2) // a later leader replaces 2..4 with one entry
	p.ObserveRecover(1, raft.HardState{Term: 2}, raft.SnapshotMetadata{}, ents(1, 1, 2, 1, 1), false, 3)
	assert.Equal(t, []string{"at 0.000 s: n1 recovered entry 3 with term 1 past its durable log's end at 2, and no write since its last fsync made it: a replaced suffix came back"},
		p.Violations())
}

func TestPromisesAllowATailAnUnsyncedWriteMade(t *testing.T) {
	p := NewPromises()
	durable(p, raft.HardState{Term: 1}, ents(1, 1, 1), 1)
	p.ObserveSave(1, raft.HardState{Term: 1}, ents(3, 1, 1, 1), raft.SnapshotMetadata{}, 2)
	p.ObserveRecover(1, raft.HardState{Term: 1}, raft.SnapshotMetadata{}, ents(1, 1, 1, 1, 1), false, 3)
	assert.Empty(t, p.Violations(), "entries 3 and 4 were written and may survive a crash unsynced")

	p.ObserveSave(1, raft.HardState{Term: 1}, ents(5, 1), raft.SnapshotMetadata{}, 4)
	p.ObserveRecover(1, raft.HardState{Term: 1}, raft.SnapshotMetadata{}, ents(1, 1, 1, 1, 1, 1, 1), false, 5)
	assert.Len(t, p.Violations(), 1, "entry 6 was never written")
}

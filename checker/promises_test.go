package checker

import (
	"errors"
	"strings"
	"testing"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// durable writes hs and entries on node 1 and fsyncs them.
func durable(p *Promises, hs raft.HardState, es []raft.Entry, at int64) {
	p.ObserveSave(1, hs, es, raft.SnapshotMetadata{}, at)
	p.ObserveSync(1, at)
}

func send(p *Promises, m raft.Message, at int64) { p.ObserveSend(1, &m, at) }

func TestPromisesHoldForACorrectNode(t *testing.T) {
	p := NewPromises()
	p.ObserveRecover(1, raft.HardState{}, raft.SnapshotMetadata{}, nil, true, 0)
	durable(p, raft.HardState{Term: 2, Vote: 3}, nil, 1)
	send(p, raft.Message{Type: raft.MsgVoteResp, To: 3, Term: 2}, 2)
	send(p, raft.Message{Type: raft.MsgPreVoteResp, To: 4, Term: 5}, 2) // a pre-vote promises nothing
	durable(p, raft.HardState{Term: 2, Vote: 3, Commit: 1}, ents(1, 2, 2), 3)
	send(p, raft.Message{Type: raft.MsgAppResp, To: 3, Term: 2, Index: 2}, 4)
	p.ObserveApply(1, 1, 2, 5)
	// An unsynced commit index is lost in the crash: allowed.
	p.ObserveSave(1, raft.HardState{Term: 2, Vote: 3, Commit: 2}, nil, raft.SnapshotMetadata{}, 6)
	p.ObserveRecover(1, raft.HardState{Term: 2, Vote: 3, Commit: 1}, raft.SnapshotMetadata{}, ents(1, 2, 2), false, 7)
	// A later leader replaces the acknowledged but uncommitted entry 2.
	durable(p, raft.HardState{Term: 4, Commit: 1}, ents(2, 4), 8)
	p.ObserveRecover(1, raft.HardState{Term: 4, Commit: 1}, raft.SnapshotMetadata{Index: 1, Term: 2}, ents(2, 4), false, 9)
	// And a later one cuts the log shorter than what was acknowledged (one entry per append).
	durable(p, raft.HardState{Term: 4, Commit: 1}, ents(3, 4), 10)
	send(p, raft.Message{Type: raft.MsgAppResp, To: 3, Term: 4, Index: 3}, 10)
	durable(p, raft.HardState{Term: 5, Commit: 1}, ents(2, 5), 11)
	p.ObserveRecover(1, raft.HardState{Term: 5, Commit: 1}, raft.SnapshotMetadata{Index: 1, Term: 2}, ents(2, 5), false, 12)
	// A rejection that loses nothing: beyond the entries acknowledged in its term (the acknowledgement
	// of entry 3 in term 4 binds nothing in term 5).
	send(p, raft.Message{Type: raft.MsgAppResp, To: 3, Term: 5, Index: 2}, 13)
	send(p, raft.Message{Type: raft.MsgAppResp, To: 3, Term: 5, Index: 4, Reject: true}, 14)
	assert.Empty(t, p.Violations())
	st := p.Stats()
	assert.Equal(t, 1, st.Votes)
	assert.Equal(t, 3, st.Acks)
	assert.Equal(t, 4, st.Recoveries)
}

func TestPromisesFindEachBrokenPromise(t *testing.T) {
	tests := []struct {
		name string
		run  func(p *Promises)
		want string
	}{
		{"vote sent before it was durable", func(p *Promises) {
			durable(p, raft.HardState{Term: 1}, nil, 1)
			send(p, raft.Message{Type: raft.MsgVoteResp, To: 2, Term: 2}, 2)
		}, "granted its vote in term 2 to n2 while its durable term and vote were 1 and n0"},
		{"term sent before it was durable", func(p *Promises) {
			p.ObserveSave(1, raft.HardState{Term: 3}, nil, raft.SnapshotMetadata{}, 1)
			send(p, raft.Message{Type: raft.MsgHeartbeatResp, To: 2, Term: 3}, 2)
		}, "sent MsgHeartbeatResp to n2 in term 3 while its durable term was 0"},
		{"acknowledgement before the entries were durable", func(p *Promises) {
			durable(p, raft.HardState{Term: 1}, ents(1, 1), 1)
			send(p, raft.Message{Type: raft.MsgAppResp, To: 2, Term: 1, Index: 3}, 2)
		}, "acknowledged entries up to 3 to n2 in term 1 while its durable log ended at 1"},
		{"applied before durable", func(p *Promises) {
			durable(p, raft.HardState{Term: 1}, ents(1, 1), 1)
			p.ObserveApply(1, 2, 1, 2)
		}, "applied entry 2 (term 1) that its durable log does not hold"},
		{"acknowledged entries replaced in the same term", func(p *Promises) {
			durable(p, raft.HardState{Term: 2}, ents(1, 1, 2, 2), 1)
			send(p, raft.Message{Type: raft.MsgAppResp, To: 2, Term: 2, Index: 3}, 2)
			durable(p, raft.HardState{Term: 2}, ents(2, 2), 3)
		}, "replaced its durable entries from 3 in term 2 although it acknowledged entries up to 3"},
		{"applied entries replaced", func(p *Promises) {
			durable(p, raft.HardState{Term: 2}, ents(1, 1, 2), 1)
			p.ObserveApply(1, 2, 2, 2)
			durable(p, raft.HardState{Term: 5}, ents(2, 5), 3)
		}, "replaced its durable entries from 2 although it applied entries up to 2"},
		{"an applied entry replaced by a conflicting snapshot", func(p *Promises) {
			durable(p, raft.HardState{Term: 2}, ents(1, 1, 2, 2), 1)
			p.ObserveApply(1, 3, 2, 2)
			p.ObserveSave(1, raft.HardState{Term: 5}, nil, raft.SnapshotMetadata{Index: 3, Term: 4}, 3)
			p.ObserveSync(1, 3)
		}, "replaced its durable entries from 3 although it applied entries up to 3"},
		{"vote changed on disk", func(p *Promises) {
			durable(p, raft.HardState{Term: 2, Vote: 2}, nil, 1)
			durable(p, raft.HardState{Term: 2, Vote: 3}, nil, 2)
		}, "changed its durable vote in term 2 from n2 to n3"},
		{"recovered a lower term than it sent", func(p *Promises) {
			durable(p, raft.HardState{Term: 4}, nil, 1)
			send(p, raft.Message{Type: raft.MsgHeartbeatResp, To: 2, Term: 4}, 2)
			p.ObserveRecover(1, raft.HardState{Term: 3}, raft.SnapshotMetadata{}, nil, false, 3)
		}, "recovered term 3, below term 4 it sent to n2"},
		{"recovered another vote than it granted", func(p *Promises) {
			durable(p, raft.HardState{Term: 4, Vote: 2}, nil, 1)
			send(p, raft.Message{Type: raft.MsgVoteResp, To: 2, Term: 4}, 2)
			p.ObserveRecover(1, raft.HardState{Term: 4, Vote: 3}, raft.SnapshotMetadata{}, nil, false, 3)
		}, "recovered vote n3 in term 4, but it granted its vote in that term to n2"},
		{"lost an acknowledged entry", func(p *Promises) {
			durable(p, raft.HardState{Term: 1}, ents(1, 1, 1, 1), 1)
			send(p, raft.Message{Type: raft.MsgAppResp, To: 2, Term: 1, Index: 3}, 2)
			p.ObserveRecover(1, raft.HardState{Term: 1}, raft.SnapshotMetadata{}, ents(1, 1, 1), false, 3)
		}, "recovered a log ending at 2, but it acknowledged entries up to 3 to n2 in term 1"},
		{"lost an entry it announced committed", func(p *Promises) {
			durable(p, raft.HardState{Term: 1, Vote: 1}, ents(1, 1, 1), 1)
			send(p, raft.Message{Type: raft.MsgHeartbeat, To: 2, Term: 1, Commit: 2}, 2)
			p.ObserveRecover(1, raft.HardState{Term: 1, Vote: 1}, raft.SnapshotMetadata{}, ents(1, 1), false, 3)
		}, "recovered a log ending at 1, but it announced commit index 2 to n2 in term 1"},
		{"lost a durable entry nobody acknowledged", func(p *Promises) {
			durable(p, raft.HardState{Term: 1}, ents(1, 1, 1, 1), 1)
			p.ObserveRecover(1, raft.HardState{Term: 1}, raft.SnapshotMetadata{}, ents(1, 1, 1), false, 3)
		}, "recovered a log ending at 2, but entries up to 3 were durable"},
		{"recovered a durable entry with another term", func(p *Promises) {
			durable(p, raft.HardState{Term: 3}, ents(1, 1, 3, 3), 1)
			p.ObserveRecover(1, raft.HardState{Term: 3}, raft.SnapshotMetadata{}, ents(1, 1, 2, 2), false, 3)
		}, "recovered entry 2 with term 2, but the durable entry there had term 3"},
		{"recovered nothing at all", func(p *Promises) {
			durable(p, raft.HardState{Term: 1, Vote: 1}, ents(1, 1), 1)
			p.ObserveRecover(1, raft.HardState{}, raft.SnapshotMetadata{}, nil, true, 3)
		}, "recovered term 0, below its durable term 1"},
		{"acknowledged entries lost in memory within the term", func(p *Promises) {
			durable(p, raft.HardState{Term: 2}, ents(1, 2, 2, 2), 1)
			send(p, raft.Message{Type: raft.MsgAppResp, To: 3, Term: 2, Index: 3}, 2)
			send(p, raft.Message{Type: raft.MsgAppResp, To: 3, Term: 2, Index: 3, Reject: true}, 3)
		}, "n1 rejected an append after entry 3 from n3 in term 2, but it had acknowledged entries up to 3 in that term"},
		{"failed to restart on a healthy disk", func(p *Promises) {
			p.ObserveBootFail(1, errors.New("wal: corrupt"), false, 3)
		}, "n1 failed to restart on a healthy disk: wal: corrupt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := NewPromises()
			tt.run(p)
			v := p.Violations()
			require.NotEmpty(t, v)
			assert.Contains(t, strings.Join(v, "\n"), tt.want)
		})
	}
}

func TestPromisesAllowWhatAnUnsyncedWriteExplains(t *testing.T) {
	t.Run("a torn write kept the start of a replacing append", func(t *testing.T) {
		p := NewPromises()
		durable(p, raft.HardState{Term: 2}, ents(1, 1, 1, 1, 1), 1)
		p.ObserveSave(1, raft.HardState{Term: 3}, ents(2, 3, 3, 3, 3, 3), raft.SnapshotMetadata{}, 2)
		p.ObserveRecover(1, raft.HardState{Term: 2}, raft.SnapshotMetadata{}, ents(1, 1, 3), false, 3)
		assert.Empty(t, p.Violations())
	})
	t.Run("a failed fsync keeps nothing promised", func(t *testing.T) {
		p := NewPromises()
		durable(p, raft.HardState{Term: 2}, ents(1, 1), 1)
		p.ObserveSave(1, raft.HardState{Term: 2}, ents(2, 2), raft.SnapshotMetadata{}, 2)
		p.ObserveBootFail(1, errors.New("fsync: EIO"), true, 3)
		p.ObserveRecover(1, raft.HardState{Term: 2}, raft.SnapshotMetadata{}, ents(1, 1), false, 4)
		assert.Empty(t, p.Violations())
	})
	t.Run("an unsynced snapshot that replaced a conflicting log was kept", func(t *testing.T) {
		// A deposed leader's own entries 2..5 of term 2 are durable; a later leader's snapshot at
		// 3 of term 5 conflicts with them and replaces the whole log, and the crash keeps it.
		p := NewPromises()
		durable(p, raft.HardState{Term: 2}, ents(1, 1, 2, 2, 2, 2), 1)
		p.ObserveSave(1, raft.HardState{Term: 6, Commit: 3}, nil, raft.SnapshotMetadata{Index: 3, Term: 5}, 2)
		p.ObserveRecover(1, raft.HardState{Term: 6, Commit: 3}, raft.SnapshotMetadata{Index: 3, Term: 5}, nil, false, 3)
		assert.Empty(t, p.Violations())
	})
	t.Run("a newer snapshot covers durable entries", func(t *testing.T) {
		p := NewPromises()
		durable(p, raft.HardState{Term: 2}, ents(1, 1, 2, 2), 1)
		p.ObserveRecover(1, raft.HardState{Term: 2}, raft.SnapshotMetadata{Index: 3, Term: 2}, nil, false, 2)
		assert.Empty(t, p.Violations())
	})
}

func TestPromisesFindARecoveredSnapshotThatNoWriteExplains(t *testing.T) {
	tests := []struct {
		name    string
		pending *raft.SnapshotMetadata
	}{
		{"no snapshot was written", nil},
		{"the written snapshot had another term", &raft.SnapshotMetadata{Index: 3, Term: 4}},
		{"the written snapshot was at another index", &raft.SnapshotMetadata{Index: 2, Term: 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := NewPromises()
			durable(p, raft.HardState{Term: 2}, ents(1, 1, 2, 2, 2, 2), 1)
			if tt.pending != nil {
				p.ObserveSave(1, raft.HardState{Term: 6}, nil, *tt.pending, 2)
			}
			p.ObserveRecover(1, raft.HardState{Term: 6}, raft.SnapshotMetadata{Index: 3, Term: 5}, ents(4, 5, 5), false, 3)
			assert.Contains(t, strings.Join(p.Violations(), "\n"), "n1 recovered entry 3 with term 5, but the durable entry there had term 2")
		})
	}
}

func TestPromisesFindALeaderCommitAheadOfItsDisk(t *testing.T) {
	p := NewPromises()
	durable(p, raft.HardState{Term: 2, Vote: 1}, ents(1, 2), 1)
	send(p, raft.Message{Type: raft.MsgApp, To: 2, Term: 2, Commit: 1}, 2)
	assert.Empty(t, p.Violations())
	send(p, raft.Message{Type: raft.MsgApp, To: 2, Term: 2, Commit: 2}, 3)
	assert.Equal(t, 1, p.Stats().LeaderCommitAhead)
	require.Len(t, p.Violations(), 1)
	assert.Contains(t, p.Violations()[0], "n1 announced commit index 2 to n2 in term 2 while its durable log ended at 1")
}

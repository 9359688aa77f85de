package nodehost

import (
	"math/rand/v2"
	"testing"

	"github.com/raftlab/raftlab/netsim"
	"github.com/stretchr/testify/require"
)

// TestReadyReusesItsBatchAndReplies drives a one-node process through an election and a few
// writes: every Output's Persist is the process's one reused batch holding that Ready's content,
// and the replies come in the one reused slice.
func TestReadyReusesItsBatchAndReplies(t *testing.T) {
	const tick = int64(10e6)
	proc, err := NewProcess(Options{})(netsim.ProcessSpec{ID: 1, Name: "n1",
		Members: []netsim.MemberSpec{{ID: 1, Name: "n1"}}, Rand: rand.New(rand.NewPCG(1, 1)), TickInterval: tick})
	require.NoError(t, err)
	p := proc.(*Process)

	var batches []*netsim.PersistBatch
	var seqs []uint64
	var replies []uint64
	drain := func() {
		for range 100 {
			out := p.Ready()
			if out.Persist == nil && len(out.Messages) == 0 && len(out.Replies) == 0 {
				return
			}
			for _, r := range out.Replies {
				require.Same(t, &p.replies[0], &out.Replies[0])
				replies = append(replies, r.ID)
			}
			if out.Persist != nil {
				batches = append(batches, out.Persist)
				seqs = append(seqs, out.Persist.Seq)
				p.Persisted(out.Persist.Seq, nil)
			}
		}
	}
	now := int64(0)
	for range 100 {
		now += tick
		p.Tick(now)
		drain()
		if p.Status().Lead == 1 {
			break
		}
	}
	require.Equal(t, uint64(1), p.Status().Lead, "the single node elects itself")
	for id := uint64(1); id <= 3; id++ {
		p.Submit(netsim.Request{ID: id, Kind: netsim.ReqSet, Key: "/k", Value: "much", Now: now})
		drain()
	}
	require.Equal(t, []uint64{1, 2, 3}, replies)
	require.Greater(t, len(batches), 3)
	for i, b := range batches {
		require.Same(t, &p.batch, b, "batch %d", i)
	}
	for i := 1; i < len(seqs); i++ {
		require.Greater(t, seqs[i], seqs[i-1], "each Ready's batch carries its own content")
	}
}

package node

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/core/store"
)

// benchCluster is a lean in-memory 3-node host for benchmarks: persist batches are
// acknowledged at once (no I/O, nothing kept), messages are delivered in order, replies are only
// counted. It measures the CPU of the node's own path: proposal, replication, commit, apply.
type benchCluster struct {
	ids      []uint64
	nodes    map[uint64]*Node
	queue    []raft.Message
	spare    []raft.Message
	now      int64
	replies  int
	failed   int
	messages int
	persists int
}

func newBenchCluster(b *testing.B, size int, tweak func(*Config)) *benchCluster {
	b.Helper()
	c := &benchCluster{nodes: map[uint64]*Node{}, now: 1_700_000_000_000_000_000}
	var members []Member
	for i := 1; i <= size; i++ {
		id := uint64(i)
		c.ids = append(c.ids, id)
		members = append(members, Member{ID: id, Name: "n" + strconv.Itoa(i), PeerURLs: []string{"http://p" + strconv.Itoa(i)}, ClientURLs: []string{"http://c" + strconv.Itoa(i)}})
	}
	for _, id := range c.ids {
		cfg := Config{ID: id, ClusterID: 7, InitialMembers: members, Rand: seededRand{rand.New(rand.NewPCG(id, 42))}}
		if tweak != nil {
			tweak(&cfg)
		}
		n, err := New(cfg, nil)
		if err != nil {
			b.Fatal(err)
		}
		c.nodes[id] = n
	}
	c.pump()
	for i := 0; i < 100 && c.leader() == 0; i++ {
		c.now += int64(100e6)
		for _, id := range c.ids {
			c.nodes[id].Tick(c.now)
		}
		c.pump()
	}
	if c.leader() == 0 {
		b.Fatal("no leader elected")
	}
	return c
}

// leader is the leader's ID, or 0.
func (c *benchCluster) leader() uint64 {
	for _, id := range c.ids {
		if c.nodes[id].Brief().Role == raft.RoleLeader {
			return id
		}
	}
	return 0
}

// pump moves outputs until every node is idle.
func (c *benchCluster) pump() {
	for progress := true; progress; {
		progress = false
		for _, id := range c.ids {
			n := c.nodes[id]
			out := n.Ready()
			if out.Persist != nil {
				progress = true
				c.persists++
				n.Persisted(out.Persist.Seq, nil)
			}
			if len(out.Messages) > 0 {
				progress = true
				c.queue = append(c.queue, out.Messages...)
			}
			for _, r := range out.Replies {
				progress = true
				c.replies++
				if r.Err != nil {
					c.failed++
				}
			}
		}
		q := c.queue
		c.queue = c.spare[:0]
		for _, m := range q {
			progress = true
			c.messages++
			c.nodes[m.To].Step(m)
		}
		c.spare = q[:0]
	}
}

// BenchmarkProposeCommitApply submits writes of 256-byte values to the leader of an in-memory
// 3-node cluster and pumps until they are committed, applied on every replica and answered.
// batch is how many writes are submitted before pumping (concurrent clients on one leader):
// batching amortises messages, persist batches and fsync-equivalents over the writes.
func BenchmarkProposeCommitApply(b *testing.B) {
	value := strings.Repeat("v", 256)
	for _, batch := range []int{1, 16, 256} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			c := newBenchCluster(b, 3, func(cfg *Config) { cfg.SnapshotCount = 10000; cfg.SnapshotCatchUpEntries = 1000 })
			lead := c.nodes[c.leader()]
			keys := make([]string, 10000)
			for i := range keys {
				keys[i] = "/bench/" + strconv.Itoa(i)
			}
			c.replies, c.messages, c.persists = 0, 0, 0
			id := uint64(1 << 32)
			b.ReportAllocs()
			b.ResetTimer()
			for done := 0; done < b.N; {
				n := min(batch, b.N-done)
				for i := 0; i < n; i++ {
					id++
					lead.Submit(Request{ID: id, Kind: KindWrite, Write: store.Request{Op: store.OpSet, Key: keys[(done+i)%len(keys)], Value: value}})
				}
				c.pump()
				done += n
			}
			b.StopTimer()
			if c.replies != b.N || c.failed != 0 {
				b.Fatalf("%d replies (%d failed) for %d writes", c.replies, c.failed, b.N)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "writes/s")
			b.ReportMetric(float64(c.messages)/float64(b.N), "msgs/write")
			b.ReportMetric(float64(c.persists)/float64(b.N), "persists/write")
		})
	}
}

// BenchmarkQuorumGet answers quorum reads of one key on the leader of an in-memory 3-node
// cluster: each batch of reads shares read-index rounds.
func BenchmarkQuorumGet(b *testing.B) {
	for _, batch := range []int{1, 64} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			c := newBenchCluster(b, 3, nil)
			lead := c.nodes[c.leader()]
			lead.Submit(Request{ID: 1, Kind: KindWrite, Write: store.Request{Op: store.OpSet, Key: "/k", Value: strings.Repeat("v", 256)}})
			c.pump()
			c.replies, c.messages = 0, 0
			id := uint64(1 << 32)
			b.ReportAllocs()
			b.ResetTimer()
			for done := 0; done < b.N; {
				n := min(batch, b.N-done)
				for i := 0; i < n; i++ {
					id++
					lead.Submit(Request{ID: id, Kind: KindQuorumGet, Key: "/k", Now: c.now})
				}
				c.pump()
				done += n
			}
			b.StopTimer()
			if c.replies != b.N || c.failed != 0 {
				b.Fatalf("%d replies (%d failed) for %d reads", c.replies, c.failed, b.N)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reads/s")
			b.ReportMetric(float64(c.messages)/float64(b.N), "msgs/read")
		})
	}
}

package node

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/stretchr/testify/require"
)

// seededRand adapts math/rand/v2 to raft.Rand.
type seededRand struct{ r *rand.Rand }

func (s seededRand) Intn(n int) int { return s.r.IntN(n) }

// memDisk is a test host's durable storage: what a node persisted survives a restart.
type memDisk struct {
	hard    raft.HardState
	snap    raft.Snapshot
	entries []raft.Entry
	batches int
}

func (d *memDisk) write(b *PersistBatch) {
	d.batches++
	if !b.Snapshot.IsEmpty() {
		d.snap = b.Snapshot
		kept := d.entries[:0]
		for _, e := range d.entries {
			if e.Index > b.Snapshot.Metadata.Index {
				kept = append(kept, e)
			}
		}
		d.entries = kept
	}
	if !b.HardState.IsEmpty() {
		d.hard = b.HardState
	}
	for _, e := range b.Entries {
		for len(d.entries) > 0 && d.entries[len(d.entries)-1].Index >= e.Index {
			d.entries = d.entries[:len(d.entries)-1]
		}
		d.entries = append(d.entries, e)
	}
}

func (d *memDisk) durable() *DurableState {
	return &DurableState{HardState: d.hard, Snapshot: d.snap, Entries: slices.Clone(d.entries)}
}

// testCluster is a tiny deterministic host for node tests: instant disks, instant network with
// cuttable links, ticks on demand. The real simulator lives in netsim.
type testCluster struct {
	t       testing.TB
	ids     []uint64
	cfgs    map[uint64]Config
	nodes   map[uint64]*Node
	disks   map[uint64]*memDisk
	replies map[uint64]Reply
	// replyCount counts every reply per request ID (a request must be answered once).
	replyCount map[uint64]int
	cut        map[[2]uint64]bool
	// delay puts a link's messages aside in delayed until deliverDelayed.
	delay   map[[2]uint64]bool
	delayed []raft.Message
	// holdPersist keeps a node's persist batches unanswered (to test ordering).
	holdPersist map[uint64]bool
	held        map[uint64]*PersistBatch
	// holdEncode keeps a node's snapshot jobs (Config.HostEncodesSnapshots) in jobs instead of
	// encoding them at once.
	holdEncode map[uint64]bool
	jobs       map[uint64][]*SnapshotJob
	queue      []raft.Message
	now        int64
	nextID     uint64
}

func newTestCluster(t testing.TB, size int, tweak func(*Config)) *testCluster {
	t.Helper()
	c := &testCluster{
		t: t, cfgs: map[uint64]Config{}, nodes: map[uint64]*Node{}, disks: map[uint64]*memDisk{},
		replies: map[uint64]Reply{}, replyCount: map[uint64]int{}, cut: map[[2]uint64]bool{}, delay: map[[2]uint64]bool{}, holdPersist: map[uint64]bool{},
		held: map[uint64]*PersistBatch{}, holdEncode: map[uint64]bool{}, jobs: map[uint64][]*SnapshotJob{}, now: 1_700_000_000_000_000_000, nextID: 1000,
	}
	var members []Member
	for i := 1; i <= size; i++ {
		id := uint64(i)
		c.ids = append(c.ids, id)
		members = append(members, Member{ID: id, Name: "n" + string(rune('0'+i)), PeerURLs: []string{"http://p" + string(rune('0'+i))}, ClientURLs: []string{"http://c" + string(rune('0'+i))}})
	}
	for _, id := range c.ids {
		cfg := Config{ID: id, ClusterID: 7, InitialMembers: members, Rand: seededRand{rand.New(rand.NewPCG(id, 42))}, SnapshotCount: 1000, SnapshotCatchUpEntries: 10}
		if tweak != nil {
			tweak(&cfg)
		}
		c.cfgs[id] = cfg
		c.disks[id] = &memDisk{}
		n, err := New(cfg, nil)
		require.NoError(t, err)
		c.nodes[id] = n
	}
	c.pump()
	return c
}

// pump moves outputs around until nothing is left to do.
func (c *testCluster) pump() {
	for progress := true; progress; {
		progress = false
		for _, id := range c.ids {
			n := c.nodes[id]
			if n == nil {
				continue
			}
			out := n.Ready()
			if out.Encode != nil {
				progress = true
				if c.holdEncode[id] {
					c.jobs[id] = append(c.jobs[id], out.Encode)
				} else {
					data, err := out.Encode.Encode()
					n.SnapshotEncoded(out.Encode, data, err)
				}
			}
			if out.Persist != nil {
				progress = true
				if c.holdPersist[id] {
					c.held[id] = out.Persist
				} else {
					c.disks[id].write(out.Persist)
					n.Persisted(out.Persist.Seq, nil)
				}
			}
			for _, m := range out.Messages {
				progress = true
				c.queue = append(c.queue, m)
			}
			for _, r := range out.Replies {
				progress = true
				c.replies[r.ID] = r
				c.replyCount[r.ID]++
			}
		}
		q := c.queue
		c.queue = nil
		for _, m := range q {
			progress = true
			if c.cut[[2]uint64{m.From, m.To}] {
				continue
			}
			if c.delay[[2]uint64{m.From, m.To}] {
				c.delayed = append(c.delayed, m)
				continue
			}
			if to := c.nodes[m.To]; to != nil {
				to.Step(m)
			}
		}
	}
}

func (c *testCluster) tick(n int) {
	for i := 0; i < n; i++ {
		c.now += int64(100e6)
		for _, id := range c.ids {
			if nd := c.nodes[id]; nd != nil {
				nd.Tick(c.now)
			}
		}
		c.pump()
	}
}

// deliverDelayed delivers the messages put aside (delay) in their order and lifts the delays.
func (c *testCluster) deliverDelayed() {
	ms := c.delayed
	c.delayed, c.delay = nil, map[[2]uint64]bool{}
	for _, m := range ms {
		if to := c.nodes[m.To]; to != nil {
			to.Step(m)
		}
	}
	c.pump()
}

// releasePersist finishes a held batch.
func (c *testCluster) releasePersist(id uint64, err error) {
	b := c.held[id]
	require.NotNil(c.t, b, "no held persist batch on %d", id)
	delete(c.held, id)
	if err == nil {
		c.disks[id].write(b)
	}
	c.nodes[id].Persisted(b.Seq, err)
	c.pump()
}

func (c *testCluster) leader() uint64 {
	for _, id := range c.ids {
		if n := c.nodes[id]; n != nil && n.Status().Role == raft.RoleLeader {
			return id
		}
	}
	return 0
}

func (c *testCluster) waitLeader() uint64 {
	c.t.Helper()
	for i := 0; i < 200; i++ {
		if l := c.leader(); l != 0 {
			return l
		}
		c.tick(1)
	}
	c.t.Fatal("no leader elected")
	return 0
}

func (c *testCluster) isolate(id uint64) {
	for _, o := range c.ids {
		if o != id {
			c.cut[[2]uint64{id, o}] = true
			c.cut[[2]uint64{o, id}] = true
		}
	}
}

func (c *testCluster) heal() { c.cut = map[[2]uint64]bool{} }

func (c *testCluster) newID() uint64 { c.nextID++; return c.nextID }

// submit hands req to node id and ticks until its reply arrives or maxTicks pass.
func (c *testCluster) submit(id uint64, req Request, maxTicks int) (Reply, bool) {
	if req.ID == 0 {
		req.ID = c.newID()
	}
	c.nodes[id].Submit(req)
	c.pump()
	for i := 0; i <= maxTicks; i++ {
		if r, ok := c.replies[req.ID]; ok {
			delete(c.replies, req.ID)
			return r, true
		}
		c.tick(1)
	}
	return Reply{}, false
}

func (c *testCluster) crash(id uint64) { c.nodes[id] = nil }

func (c *testCluster) restart(id uint64) {
	n, err := New(c.cfgs[id], c.disks[id].durable())
	require.NoError(c.t, err)
	c.nodes[id] = n
	c.pump()
}

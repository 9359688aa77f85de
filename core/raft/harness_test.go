package raft

import (
	"fmt"
	"math/rand"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"
)

// seededRand is the test's deterministic Rand.
type seededRand struct{ r *rand.Rand }

func (s seededRand) Intn(n int) int { return s.r.Intn(n) }

func newRand(seed int64) Rand { return seededRand{rand.New(rand.NewSource(seed))} }

// snapshotMarker is the type of the pseudo-entry the harness records when a node applies a snapshot.
const snapshotMarker EntryType = 100

const (
	testElection  = 10
	testHeartbeat = 1
)

func testConfig(id uint64, peers []uint64, s Storage) Config {
	return Config{
		ID:              id,
		Peers:           peers,
		ElectionTick:    testElection,
		HeartbeatTick:   testHeartbeat,
		Storage:         s,
		MaxSizePerMsg:   noLimit,
		MaxInflightMsgs: 256,
		Rand:            newRand(int64(id)),
	}
}

// network is an in-memory cluster: each node's Ready is persisted into its MemoryStorage,
// committed entries are recorded (and conf changes applied), and messages are delivered in order
// unless the link is cut.
type network struct {
	t       testing.TB
	ids     []uint64
	nodes   map[uint64]*Node
	storage map[uint64]*MemoryStorage
	applied map[uint64][]Entry
	reads   map[uint64][]ReadState
	cut     map[[2]uint64]bool
	// boot is each node's first config: a restart reuses it, as a host reuses its bootstrap settings.
	boot map[uint64]Config
	// drop filters messages (true = drop) in addition to cut links.
	drop  func(Message) bool
	queue []Message
	// trace records every delivered message unless noTrace.
	trace   []string
	noTrace bool
}

type configOpt func(*Config)

func withPreVote(c *Config)     { c.PreVote = true }
func withCheckQuorum(c *Config) { c.CheckQuorum = true }

func newNetwork(t testing.TB, n int, opts ...configOpt) *network {
	ids := make([]uint64, n)
	for i := range ids {
		ids[i] = uint64(i + 1)
	}
	nw := &network{
		t: t, nodes: map[uint64]*Node{}, storage: map[uint64]*MemoryStorage{},
		applied: map[uint64][]Entry{}, reads: map[uint64][]ReadState{}, cut: map[[2]uint64]bool{},
		boot: map[uint64]Config{},
	}
	for _, id := range ids {
		nw.addNode(id, ids, nil, opts...)
	}
	return nw
}

// addNode starts a node with a fresh storage.
func (nw *network) addNode(id uint64, peers, learners []uint64, opts ...configOpt) {
	s := NewMemoryStorage()
	c := testConfig(id, peers, s)
	c.Learners = learners
	for _, o := range opts {
		o(&c)
	}
	n, err := NewNode(c)
	require.NoError(nw.t, err)
	nw.nodes[id] = n
	nw.storage[id] = s
	nw.boot[id] = c
	nw.ids = append(nw.ids, id)
	sort.Slice(nw.ids, func(i, j int) bool { return nw.ids[i] < nw.ids[j] })
}

func (nw *network) node(id uint64) *raft { return nw.nodes[id].r }

// handleReady processes one node's pending Ready as a host would.
func (nw *network) handleReady(id uint64) bool {
	n := nw.nodes[id]
	if n == nil || !n.HasReady() {
		return false
	}
	rd := n.Ready()
	s := nw.storage[id]
	if !rd.Snapshot.IsEmpty() {
		require.NoError(nw.t, s.ApplySnapshot(rd.Snapshot))
		nw.applied[id] = append(nw.applied[id], Entry{Type: snapshotMarker, Index: rd.Snapshot.Metadata.Index, Term: rd.Snapshot.Metadata.Term, Data: rd.Snapshot.Data})
	}
	require.NoError(nw.t, s.Append(rd.Entries))
	if !rd.HardState.IsEmpty() {
		require.NoError(nw.t, s.SetHardState(rd.HardState))
	}
	nw.queue = append(nw.queue, rd.Messages...)
	for _, e := range rd.CommittedEntries {
		nw.applied[id] = append(nw.applied[id], e)
		if e.Type == EntryConfChange {
			cc, err := DecodeConfChange(e.Data)
			require.NoError(nw.t, err)
			n.ApplyConfChange(cc)
		}
	}
	nw.reads[id] = append(nw.reads[id], rd.ReadStates...)
	n.Advance(rd)
	return true
}

// stabilize runs Ready handling and message delivery until nothing is left.
func (nw *network) stabilize() {
	for round := 0; ; round++ {
		if round >= 2000 {
			n := len(nw.trace)
			nw.t.Fatalf("network did not stabilize: %v", nw.trace[max(0, n-12):])
		}
		progress := false
		for _, id := range nw.ids {
			if nw.handleReady(id) {
				progress = true
			}
		}
		if len(nw.queue) > 0 {
			progress = true
			msgs := nw.queue
			nw.queue = nil
			for _, m := range msgs {
				nw.deliver(m)
			}
		}
		if !progress {
			return
		}
	}
}

func (nw *network) deliver(m Message) {
	if nw.cut[[2]uint64{m.From, m.To}] || (nw.drop != nil && nw.drop(m)) {
		return
	}
	n := nw.nodes[m.To]
	if n == nil {
		return
	}
	if !nw.noTrace {
		nw.trace = append(nw.trace, m.String())
	}
	_ = n.Step(m)
	if m.Type == MsgSnap {
		if lead := nw.nodes[m.From]; lead != nil {
			lead.ReportSnapshot(m.To, false)
		}
	}
}

// tick advances every node's clock once and stabilizes.
func (nw *network) tick(k int) {
	for i := 0; i < k; i++ {
		for _, id := range nw.ids {
			nw.nodes[id].Tick()
		}
		nw.stabilize()
	}
}

// tickNode ticks one node k times, stabilizing after each tick.
func (nw *network) tickNode(id uint64, k int) {
	for i := 0; i < k; i++ {
		nw.nodes[id].Tick()
		nw.stabilize()
	}
}

func (nw *network) campaign(id uint64) {
	require.NoError(nw.t, nw.nodes[id].Campaign())
	nw.stabilize()
}

func (nw *network) propose(id uint64, data string) error {
	err := nw.nodes[id].Propose([]byte(data))
	nw.stabilize()
	return err
}

// isolate cuts every link to and from id.
func (nw *network) isolate(id uint64) {
	for _, o := range nw.ids {
		if o != id {
			nw.cut[[2]uint64{id, o}] = true
			nw.cut[[2]uint64{o, id}] = true
		}
	}
}

// partition cuts every link between the two groups.
func (nw *network) partition(a, b []uint64) {
	for _, x := range a {
		for _, y := range b {
			nw.cut[[2]uint64{x, y}] = true
			nw.cut[[2]uint64{y, x}] = true
		}
	}
}

// heal restores every link.
func (nw *network) heal() { nw.cut = map[[2]uint64]bool{} }

// leaders returns the nodes that believe they lead, sorted.
func (nw *network) leaders() []uint64 {
	var ls []uint64
	for _, id := range nw.ids {
		if nw.node(id).state == RoleLeader {
			ls = append(ls, id)
		}
	}
	return ls
}

// data returns the normal entries' payloads a node applied, in order.
func (nw *network) data(id uint64) []string {
	var out []string
	for _, e := range nw.applied[id] {
		if (e.Type == EntryNormal || e.Type == snapshotMarker) && len(e.Data) > 0 {
			out = append(out, string(e.Data))
		}
	}
	return out
}

// logOf renders a node's whole log (storage plus unstable) as "term:data" for normal entries.
func (nw *network) logOf(id uint64) []string {
	l := nw.node(id).log
	ents, err := l.slice(l.firstIndex(), l.lastIndex()+1, noLimit)
	require.NoError(nw.t, err)
	var out []string
	for _, e := range ents {
		if e.Type == EntryNormal {
			out = append(out, fmt.Sprintf("%d:%s", e.Term, e.Data))
		}
	}
	return out
}

// logData returns the payloads of the normal entries in a node's log.
func (nw *network) logData(id uint64) []string {
	l := nw.node(id).log
	ents, err := l.slice(l.firstIndex(), l.lastIndex()+1, noLimit)
	require.NoError(nw.t, err)
	var out []string
	for _, e := range ents {
		if e.Type == EntryNormal && len(e.Data) > 0 {
			out = append(out, string(e.Data))
		}
	}
	return out
}

// restart simulates a crash and restart: the node loses its volatile state, including its
// state machine, and is rebuilt from its storage: the state machine from the snapshot, then the
// committed entries after it are applied again.
func (nw *network) restart(id uint64, opts ...configOpt) {
	c := nw.boot[id]
	snap, err := nw.storage[id].Snapshot()
	require.NoError(nw.t, err)
	c.Applied = snap.Metadata.Index
	c.Rand = newRand(int64(id) + 1000)
	for _, o := range opts {
		o(&c)
	}
	n, err := NewNode(c)
	require.NoError(nw.t, err)
	nw.nodes[id] = n
	nw.applied[id] = nil
	if !snap.IsEmpty() {
		nw.applied[id] = []Entry{{Type: snapshotMarker, Index: snap.Metadata.Index, Term: snap.Metadata.Term, Data: snap.Data}}
	}
}

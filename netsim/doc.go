// Package netsim is raftlab's deterministic discrete-event simulator. It runs real nodes over a
// simulated network, clock and disk, drives simulated clients that record histories for the
// checker, and reports what the nodes do to observers.
//
// The engine drives nodes through the small Process and Disk seams; netsim/nodehost supplies the
// production ones (core/node.Node, and core/wal on a crashable memfs disk):
//
//	sim, err := netsim.New(nodehost.Configure(netsim.Config{Seed: 7, Nodes: 5,
//		Clients: netsim.ClientConfig{Count: 10, Workload: netsim.KeysWorkload(10)}}, nodehost.Options{}))
//	sim.Run(60e9)                      // one virtual minute
//	ops := sim.History()               // for checker.Check
//	fmt.Printf("%016x\n", sim.TraceHash())
//
// # Determinism
//
// A run is a pure function of (Config, Seed, code). There is one virtual clock (int64 ns since the
// start of the run) and one event queue ordered by (time, sequence number); the clock jumps from one
// event to the next, so idle time costs nothing. One PCG generator is seeded from Config.Seed and
// every other generator (network, each disk, each node, each client) is derived from it at creation.
// Nothing here reads the wall clock, starts a goroutine, or lets map iteration order reach an output.
//
// # Trace
//
// Every event is one line of the trace. TraceHash is a running 64-bit hash of every event's facts:
// its time, kind and node, then its fields as words (hot events: messages, ticks, persists, client
// calls) or the bytes of its detail text (cold events: faults, notes, role changes). Hot events are
// formatted as text only when a trace writer is attached, and the hash does not depend on it; equal
// seeds give equal hashes. A line has fixed columns:
//
//	SSSSSS.NNNNNNNNN KIND     NODE DETAIL
//	     1.503129871 send     n1   n1->n3 MsgApp t2 log=2/7 c7 e1 at=1504100000
//
// SSSSSS.NNNNNNNNN is virtual time (seconds, nanoseconds); KIND is at most 8 characters, left
// aligned in 8; NODE is the node concerned ("n3") or "-", left aligned in 4; DETAIL is free text.
// Kinds: boot (a process started on its recovered disk), start (its first outputs handled), crash,
// pause, resume, hold (input queued on a paused node), skew, tick (with the node's own clock), recv
// (message handed to a node), send, lose, dup, drop (cut or receiver down), persist, synced, diskerr,
// role, request, call, return, retry, timeout, late (reply nobody waits for), watch, watchend,
// watcherr, cut, connect, part, isolate, heal, net, note (scenario and nemesis annotations), member
// (membership changes confirmed or not), bootfail (a restart the node's disk did not allow), failure
// (a simulator-level error such as a process factory refusing a new node), fault (an armed fault
// point fired), and whatever kind an adapter passes to Invoke (nodehost uses campaign and
// transfer).
//
// # Network
//
// Each directed link has a latency (minimum plus a uniform or exponential spread), a loss, a
// duplication and a reordering probability. Messages that are not reordered keep FIFO order per
// link, like a TCP stream; a reordered message gets an extra random delay and may overtake. Cut links
// drop messages at send time and in flight. Partitions of any shape are sets of cut directed links.
// A script may set an intercept rule (Network.Intercept) that drops, parks or holds back chosen
// messages, to open a narrow window on purpose.
//
// # Promises and fault points
//
// Observers that also implement PromiseObserver hear every message a node sends, every batch
// written to its disk, every fsync and what each boot recovered, so a checker can hold each node to
// what it promised (checker.Promises). Config.FaultPoints arms core's named fault points
// (core/faultpoint): a crash there is a panic recovered at the top of the event loop, which
// crashes the node and restarts it later; a delay holds the node; an I/O error stops it until an
// operator restart.
//
// # Nodes
//
// Each node ticks every TickInterval of its own clock (offset and drift are per node), receives
// messages, and has its persist batches written to its Disk at once; a batch that must be synced is
// completed (fsync, then Persisted) after the disk latency, and a crash in between drops what was not
// synced; a batch without fsync (a commit index alone) completes at once, as a write to the OS's
// cache does. Crash drops the
// process and every unsynced write; Restart recovers from the disk; Pause holds every input until
// Resume.
//
// # Clients
//
// Workload clients issue one operation at a time with exponential think times, retry on another node
// after a timeout or an indefinite error with the same request ID (the node dedups it), and record
// each operation as a history.Op with call and return in virtual time and outcome ok, fail (a
// definite etcd error such as 100, 101 or 105) or unknown (every attempt timed out, lost its node or
// was refused: a write that no node ever received is recorded unknown too, since fail asserts a
// failed precondition). Clients stop choosing a member once its removal is confirmed. Watchers keep
// a stream open and record history.WatchRecord, reconnecting from the next index after their stream
// breaks. Clients sit next to the nodes: partitions do not cut them off, crashes and pauses do.
package netsim

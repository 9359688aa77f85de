package netsim

import (
	"errors"
	"fmt"
	"sort"
	"strconv"

	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/core/rng"
)

// ClientConfig configures the simulated clients.
type ClientConfig struct {
	// Count is how many workload clients run; each has one operation outstanding at a time.
	Count int
	// Workload is what they ask for (default RegisterWorkload).
	Workload Workload
	// Interval is the mean think time between a client's operations, exponentially distributed
	// (default 100ms).
	Interval int64
	// Latency is the one-way client<->node delay (default 1ms + 1ms uniform). Clients sit next to
	// the nodes: partitions do not cut them off, a crashed or paused node does.
	Latency Latency
	// Timeout is how long a client waits for one attempt (default 1s).
	Timeout int64
	// Attempts is how many nodes a client tries before giving up on an operation (default 3). A
	// retried write reuses its request ID, so the cluster applies it at most once.
	Attempts int
	// Random makes clients pick a random node for every attempt; otherwise each client sticks to a
	// node (client i starts on node i mod N) and fails over to the next one on an error.
	Random bool
	// Start is when the clients issue their first operations; Stop (if positive) is when they stop
	// issuing new ones.
	Start, Stop int64
}

func (c ClientConfig) withDefaults() (ClientConfig, error) {
	if c.Count < 0 {
		return c, fmt.Errorf("netsim: config: %d clients", c.Count)
	}
	if c.Workload.Name == "" && len(c.Workload.Keys) == 0 {
		c.Workload = RegisterWorkload()
	}
	if c.Count > 0 {
		if err := c.Workload.Validate(); err != nil {
			return c, fmt.Errorf("netsim: config: %w", err)
		}
	}
	if c.Interval <= 0 {
		c.Interval = 100e6
	}
	if c.Latency == (Latency{}) {
		c.Latency = Latency{Min: 1e6, Spread: 1e6}
	}
	if c.Timeout <= 0 {
		c.Timeout = 1e9
	}
	if c.Attempts <= 0 {
		c.Attempts = 3
	}
	return c, nil
}

// CodeError is an error with an etcd error code (100 key not found, 101 compare failed, 401 event
// index cleared, ...). Process adapters return it from Watch.
type CodeError struct {
	Code int
	Err  error
}

// Error renders the code and the underlying error.
func (e *CodeError) Error() string { return fmt.Sprintf("code %d: %v", e.Code, e.Err) }

// Unwrap returns the underlying error.
func (e *CodeError) Unwrap() error { return e.Err }

// The errors a simulated client sees besides the node's own replies (Call.Reply().Err of an
// operation whose last attempt ended so).
var (
	// ErrRefused: the attempt reached no running node.
	ErrRefused = errors.New("netsim: connection refused (node down)")
	// ErrConnectionLost: the node crashed before answering.
	ErrConnectionLost = errors.New("netsim: connection lost (node crashed)")
	// ErrClientTimeout: no answer within the client's timeout.
	ErrClientTimeout = errors.New("netsim: client timeout")
)

// client is one simulated client: a history.Op client number, its own generator and the operation
// it has outstanding.
type client struct {
	id       int
	rng      *rng.Rand
	seq      uint64
	node     int // index into sim.order for sticky clients
	seen     map[string]lastSeen
	created  []string // keys this client's POSTs created
	workload bool
	call     *call
}

// call is one operation in progress, possibly over several attempts.
type call struct {
	c        *client
	req      Request
	op       history.Op
	attempt  int
	attempts int
	timeout  int64
	target   uint64
	fixed    bool // scripted call pinned to one node
	awaiting bool // the current attempt may still be answered
	done     bool
	reply    Reply
	onDone   func(history.Op)
}

// clientSet runs every simulated client and watcher and keeps the recorded history.
type clientSet struct {
	sim      *Sim
	cfg      ClientConfig
	clients  []*client
	pending  map[uint64]*call
	history  opLog
	watchers []*watcher
	nextID   int
	// replyBoxes are recycled holders of replies on their way to clients.
	replyBoxes []*replyBox
}

func newClientSet(s *Sim) *clientSet {
	return &clientSet{sim: s, cfg: s.cfg.Clients, pending: make(map[uint64]*call)}
}

func (cs *clientSet) newClient(workload bool) *client {
	c := &client{id: cs.nextID, rng: cs.sim.childRand(), seen: make(map[string]lastSeen), workload: workload}
	c.node = c.id
	cs.nextID++
	cs.clients = append(cs.clients, c)
	return c
}

func (cs *clientSet) start() error {
	for range cs.cfg.Count {
		c := cs.newClient(true)
		first := cs.cfg.Start + int64(c.rng.ExpFloat64()*float64(cs.cfg.Interval))
		cs.sim.scheduleAction(first, eventAction{kind: evIssue, ref: c})
	}
	for _, spec := range cs.sim.cfg.Watches {
		if err := cs.startWatch(spec); err != nil {
			return err
		}
	}
	return nil
}

// requestID makes request IDs unique per run: client number in the high bits, sequence below.
func (c *client) requestID() uint64 {
	c.seq++
	return uint64(c.id+1)<<40 | c.seq
}

// issue starts the client's next workload operation.
func (cs *clientSet) issue(c *client) {
	if cs.cfg.Stop > 0 && cs.sim.now >= cs.cfg.Stop {
		return
	}
	id := c.requestID()
	req := cs.cfg.Workload.next(c.rng, c.id, c.seq, c.seen, c.created)
	req.ID = id
	cs.begin(c, req, 0, cs.cfg.Attempts, cs.cfg.Timeout, nil)
}

func (cs *clientSet) begin(c *client, req Request, target uint64, attempts int, timeout int64, onDone func(history.Op)) *call {
	k := history.Kind(req.Kind.String())
	if req.Kind == ReqCreateInOrder {
		k = history.KindCreate // recorded as the create of the key it made (see finish)
	}
	cl := &call{
		c: c, req: req, attempts: attempts, timeout: timeout, target: target, fixed: target != 0, onDone: onDone,
		op: history.Op{Client: c.id, Kind: k, Key: req.Key, Value: req.Value, PrevValue: req.PrevValue,
			PrevIndex: req.PrevIndex, Call: cs.sim.now, Dir: req.Dir, Recursive: req.Recursive,
			InOrder: req.Kind == ReqCreateInOrder, Refresh: req.Refresh},
	}
	if !req.Kind.IsWrite() {
		cl.op.Value = ""
	}
	if req.Kind == ReqSet || req.Kind == ReqCreate || req.Kind == ReqUpdate || req.Kind == ReqCompareAndSwap {
		cl.op.TTL = req.TTL // the expiration the cluster gives it is recorded from the applied event
	}
	c.call = cl
	cs.pending[req.ID] = cl
	cs.traceCall(c.id, &req)
	cs.attempt(cl)
	return cl
}

// pickTarget chooses the node for the next attempt.
func (cs *clientSet) pickTarget(cl *call) uint64 {
	if cl.fixed {
		return cl.target
	}
	order := cs.sim.endpoints()
	if cs.cfg.Random {
		return order[cl.c.rng.IntN(len(order))]
	}
	return order[cl.c.node%len(order)]
}

func (cs *clientSet) attempt(cl *call) {
	cl.attempt++
	cl.target = cs.pickTarget(cl)
	cl.awaiting = true
	arrive := cs.sim.now + cs.cfg.Latency.draw(cl.c.rng)
	a := uint64(cl.attempt)
	cs.sim.scheduleAction(arrive, eventAction{kind: evArrive, ref: cl, n1: a, n2: cl.target})
	cs.sim.scheduleAction(cs.sim.now+cl.timeout, eventAction{kind: evTimeout, ref: cl, n1: a, n2: cl.target})
}

// timeout ends attempt a of cl, sent to target, if it is still waiting for an answer.
func (cs *clientSet) timeout(cl *call, a int, target uint64) {
	if cl.attempt == a && cl.awaiting && !cl.done {
		cs.sim.tracef("timeout", cs.sim.name(target), "c%d id=%d attempt=%d", cl.c.id, cl.req.ID, a)
		cs.abandon(target, cl.req.ID)
		cs.failAttempt(cl, ErrClientTimeout)
	}
}

// arrive hands attempt a of cl to node target.
func (cs *clientSet) arrive(cl *call, a int, target uint64) {
	if cl.attempt != a || cl.done {
		return
	}
	h := cs.sim.hostByID(target)
	if h == nil || !h.alive {
		cs.respond(cl, a, Reply{ID: cl.req.ID, Err: ErrRefused})
		return
	}
	if h.paused {
		h.input("request", string(appendCallHead(nil, cl.c.id, cl.req.ID, cl.req.Kind.String(), cl.req.Key)),
			func() { cs.serve(h, cl, a) })
		return
	}
	cs.traceRequest(h, cl)
	cs.serve(h, cl, a)
	h.afterInput()
}

// serve hands the request of attempt a to the live process on h: a local read is answered at once,
// everything else is submitted.
func (cs *clientSet) serve(h *host, cl *call, a int) {
	if !h.serving() {
		h.holdUntilServing(cl.req.ID, "request", string(appendCallHead(nil, cl.c.id, cl.req.ID, cl.req.Kind.String(), cl.req.Key)),
			func() { cs.serve(h, cl, a) })
		return
	}
	req := cl.req
	req.Now = h.localNow()
	if req.Kind == ReqGet {
		r := h.proc.Read(req)
		r.ID = req.ID
		if cl.attempt == a && !cl.done {
			cs.respond(cl, a, r)
		}
		return
	}
	h.proc.Submit(req)
}

// reply routes a node's reply back to the client waiting for it, if any.
func (cs *clientSet) reply(from uint64, r Reply) {
	cl := cs.pending[r.ID]
	if cl == nil || cl.done || !cl.awaiting || cl.target != from {
		cs.sim.tracef("late", cs.sim.name(from), "id=%d", r.ID)
		return
	}
	cs.respond(cl, cl.attempt, r)
}

// respond delivers r to the client after the client latency.
func (cs *clientSet) respond(cl *call, a int, r Reply) {
	at := cs.sim.now + cs.cfg.Latency.draw(cl.c.rng)
	var box *replyBox
	if k := len(cs.replyBoxes); k > 0 {
		box = cs.replyBoxes[k-1]
		cs.replyBoxes = cs.replyBoxes[:k-1]
	} else {
		box = new(replyBox)
	}
	*box = replyBox{call: cl, reply: r}
	cs.sim.scheduleAction(at, eventAction{kind: evRespond, ref: box, n1: uint64(a)})
}

// replyBox carries a reply to its call through the event queue; boxes are recycled.
type replyBox struct {
	call  *call
	reply Reply
}

// respondNow hands the boxed reply to attempt a of its call, if the client still waits for it, and
// recycles the box.
func (cs *clientSet) respondNow(a int, box *replyBox) {
	cl, r := box.call, box.reply
	*box = replyBox{}
	cs.replyBoxes = append(cs.replyBoxes, box)
	if cl.attempt != a || cl.done || !cl.awaiting {
		return
	}
	cs.handle(cl, r)
}

// nodeDown fails every attempt outstanding at a node that just crashed.
func (cs *clientSet) nodeDown(id uint64) {
	for _, c := range cs.clients {
		cl := c.call
		if cl != nil && !cl.done && cl.awaiting && cl.target == id {
			cs.respond(cl, cl.attempt, Reply{ID: cl.req.ID, Err: ErrConnectionLost})
		}
	}
}

// handle interprets one answer to the current attempt.
func (cs *clientSet) handle(cl *call, r Reply) {
	if r.Wire.Status != 0 {
		r = decodeWire(r)
	}
	name := cs.sim.name(cl.target)
	switch {
	case r.Err == nil:
		cs.finish(cl, history.OutcomeOK, r, name)
	case cl.req.Kind.IsRead() && r.ErrorCode == history.ErrCodeKeyNotFound:
		r.Found = false
		cs.finish(cl, history.OutcomeOK, r, name)
	case r.ErrorCode != 0:
		cs.finish(cl, history.OutcomeFail, r, name)
	default:
		cs.sim.tracef("retry", name, "c%d id=%d attempt=%d err=%v", cl.c.id, cl.req.ID, cl.attempt, r.Err)
		cs.failAttempt(cl, r.Err)
	}
}

// failAttempt moves on after an indefinite failure: retry elsewhere or give up.
func (cs *clientSet) failAttempt(cl *call, err error) {
	cl.awaiting = false
	if !cl.fixed {
		cl.c.node++
	}
	if cl.attempt >= cl.attempts {
		// Even a write that never reached a running node is recorded as unknown, not fail: in the
		// history format a fail (with or without a code) asserts that the write's precondition did
		// not hold, and "never sent" is no such statement. Unknown is always sound.
		cs.finish(cl, history.OutcomeUnknown, Reply{ID: cl.req.ID, Err: err}, "")
		return
	}
	backoff := 10e6 + cl.c.rng.Int64N(40e6)
	cs.sim.scheduleAction(cs.sim.now+int64(backoff), eventAction{kind: evRetry, ref: cl})
}

// retry makes the next attempt of cl unless it ended meanwhile.
func (cs *clientSet) retry(cl *call) {
	if !cl.done {
		cs.attempt(cl)
	}
}

// finish records the operation and lets the client go on.
func (cs *clientSet) finish(cl *call, outcome history.Outcome, r Reply, node string) {
	cl.done, cl.awaiting = true, false
	delete(cs.pending, cl.req.ID)
	op := cl.op
	op.Return = cs.sim.now
	op.Outcome = outcome
	op.Node = node
	switch outcome {
	case history.OutcomeOK:
		op.Index, op.EtcdIndex = r.Index, r.EtcdIndex
		if cl.req.Kind.IsRead() {
			op.Found = r.Found
			if r.Found {
				op.Result, op.Dir = r.Value, r.Dir
			}
			if r.Dir {
				op.Index = 0 // a directory's index is not modelled (setting a child does not change it)
			}
		}
		if op.InOrder {
			op.Key = r.Key // until now the POST's directory
		}
		if !r.Dir && (op.Kind.WritesValue() || op.Found) {
			op.Created = r.Created
		}
		cl.c.learn(cl.req, r)
	case history.OutcomeFail:
		op.ErrorCode = r.ErrorCode
	}
	cl.op, cl.reply = op, r
	if cl.req.Kind.IsRead() || cl.req.Kind.IsWrite() {
		cs.history.add(op)
	}
	cs.traceReturn(node, cl.c.id, cl.req.ID, &op)
	if cl.onDone != nil {
		cl.onDone(op)
	}
	if cl.c.workload {
		c := cl.c
		think := int64(c.rng.ExpFloat64() * float64(cs.cfg.Interval))
		cs.sim.scheduleAction(cs.sim.now+think, eventAction{kind: evIssue, ref: c})
	}
}

// learn remembers what an ok operation showed of its key, for later compare-and-swap operations.
func (c *client) learn(req Request, r Reply) {
	switch req.Kind {
	case ReqGet, ReqQuorumGet:
		c.seen[req.Key] = lastSeen{value: r.Value, index: r.Index, found: r.Found}
	case ReqSet, ReqCreate, ReqUpdate, ReqCompareAndSwap:
		c.seen[req.Key] = lastSeen{value: req.Value, index: r.Index, found: true}
	case ReqDelete, ReqCompareAndDelete:
		c.seen[req.Key] = lastSeen{}
	case ReqCreateInOrder:
		c.seen[r.Key] = lastSeen{value: req.Value, index: r.Index, found: true}
		c.created = append(c.created, r.Key)
	}
}

// History returns every completed client operation, in completion order.
func (s *Sim) History() []history.Op { return s.clients.history.all() }

// Pending returns the key-space operations still in progress, as operations of unknown outcome
// that return now (in call order): they may have taken effect already, or may still.
func (s *Sim) Pending() []history.Op {
	var out []history.Op
	for _, cl := range s.clients.pending {
		if cl.done || !(cl.req.Kind.IsRead() || cl.req.Kind.IsWrite()) {
			continue
		}
		op := cl.op
		op.Outcome, op.Return = history.OutcomeUnknown, s.now
		out = append(out, op)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Call != out[j].Call {
			return out[i].Call < out[j].Call
		}
		return out[i].Client < out[j].Client
	})
	return out
}

// opLog keeps the recorded history in fixed-size chunks: appending never copies what is already
// recorded (a growing slice of these large records copied them about twice over).
type opLog struct {
	chunks [][]history.Op
	n      int
}

// opChunk is how many operations one chunk holds.
const opChunk = 256

func (l *opLog) add(op history.Op) {
	if k := len(l.chunks); k == 0 || len(l.chunks[k-1]) == opChunk {
		l.chunks = append(l.chunks, make([]history.Op, 0, opChunk))
	}
	last := &l.chunks[len(l.chunks)-1]
	*last = append(*last, op)
	l.n++
}

// all returns a copy of every operation, in completion order.
func (l *opLog) all() []history.Op {
	out := make([]history.Op, 0, l.n)
	for _, c := range l.chunks {
		out = append(out, c...)
	}
	return out
}

// appendCallHead appends "c<client> id=<id> <word> <rest>", the start of the call, request and return
// trace lines (what fmt's "c%d id=%d %s %s" gives, without fmt: these lines come once per operation).
func appendCallHead(b []byte, client int, id uint64, word, rest string) []byte {
	b = strconv.AppendInt(append(b, 'c'), int64(client), 10)
	b = strconv.AppendUint(append(b, " id="...), id, 10)
	b = append(append(b, ' '), word...)
	return append(append(b, ' '), rest...)
}

// traceCall records the start of an operation: "c<client> id=<id> <kind> <key> value=%q prev=%q".
func (cs *clientSet) traceCall(client int, req *Request) {
	t := cs.sim.tracer
	text := t.open(cs.sim.now, kindCall, noNode)
	h := mix(mix(t.hash, uint64(client)), req.ID)
	h = mixString(mixString(mix(h, uint64(req.Kind)), req.Key), req.Value)
	t.hash = mixString(h, req.PrevValue)
	if !text {
		return
	}
	b := appendCallHead(t.header(cs.sim.now, kindCall.text, noNode.text), client, req.ID, req.Kind.String(), req.Key)
	b = strconv.AppendQuote(append(b, " value="...), req.Value)
	t.write(strconv.AppendQuote(append(b, " prev="...), req.PrevValue))
}

// traceRequest records an attempt reaching its node: "c<client> id=<id> <kind> <key>".
func (cs *clientSet) traceRequest(h *host, cl *call) {
	t := cs.sim.tracer
	text := t.open(cs.sim.now, kindRequest, h.tname)
	x := mix(mix(t.hash, uint64(cl.c.id)), cl.req.ID)
	t.hash = mixString(mix(x, uint64(cl.req.Kind)), cl.req.Key)
	if text {
		t.write(appendCallHead(t.header(cs.sim.now, kindRequest.text, h.name), cl.c.id, cl.req.ID, cl.req.Kind.String(), cl.req.Key))
	}
}

// traceReturn records the end of an operation: "c<client> id=<id> <outcome> <result>".
func (cs *clientSet) traceReturn(node string, client int, id uint64, op *history.Op) {
	t := cs.sim.tracer
	text := t.open(cs.sim.now, kindReturn, newTraceName(node))
	x := mix(mix(t.hash, uint64(client)), id)
	x = mixString(mixString(x, string(op.Outcome)), string(op.Kind))
	x = mixString(mixBool(x, op.Found), op.Result)
	t.hash = mix(mix(x, op.Index), uint64(op.ErrorCode))
	if text {
		t.write(appendCallHead(t.header(cs.sim.now, kindReturn.text, node), client, id, string(op.Outcome), op.ResultString()))
	}
}

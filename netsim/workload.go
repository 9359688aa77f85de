package netsim

import (
	"fmt"
	"strconv"

	"github.com/raftlab/raftlab/core/rng"
)

// KindWeight is one operation kind and its relative frequency in a workload, with the variant of
// the operation (see the fields); the zero variant is the plain operation on the workload's keys.
type KindWeight struct {
	Kind   RequestKind
	Weight int
	// Dir and Recursive are the request's dir=true and recursive=true.
	Dir, Recursive bool
	// Compare is what a cas or cad compares (default the value).
	Compare Compare
	// Keys, when set, are the keys this operation picks from instead of the workload's.
	Keys []string
	// Created makes the operation pick one of the keys the client's POSTs created (the workload's
	// or Keys when it created none yet).
	Created bool
	// Permanent writes without the workload's TTL; Refresh renews the TTL of an update without
	// changing the value (refresh=true).
	Permanent, Refresh bool
}

// Compare is the precondition of a compare-and-swap or compare-and-delete.
type Compare uint8

const (
	// CompareValue compares prevValue with the value the client last saw.
	CompareValue Compare = iota
	// CompareIndex compares prevIndex with the modifiedIndex the client last saw.
	CompareIndex
	// CompareBoth compares both.
	CompareBoth
	// CompareBothStaleIndex compares the value it saw and an index it did not (the one after it):
	// it must fail, since the index does not match, whatever the value.
	CompareBothStaleIndex
	// CompareBothWrongValue compares the index it saw and a value nobody writes: it must fail too.
	CompareBothWrongValue
)

// Workload says what the simulated clients ask for. It is a plain value: every random choice is
// drawn from the client's own generator when the operation is generated.
type Workload struct {
	// Name labels the workload in traces and reports.
	Name string
	// Keys are the keys operated on, chosen uniformly.
	Keys []string
	// Mix is the operation mix; cas and cad compare against the last value the client saw of the key.
	Mix []KindWeight
	// TTL, when positive, gives every value-writing operation that time to live (ns).
	TTL int64
}

// RegisterWorkload is the single-register workload: one key, reads (local and quorum), writes and
// compare-and-swap.
func RegisterWorkload() Workload {
	return Workload{
		Name: "register",
		Keys: []string{"/register"},
		Mix: []KindWeight{
			{Kind: ReqQuorumGet, Weight: 3}, {Kind: ReqGet, Weight: 1}, {Kind: ReqSet, Weight: 2}, {Kind: ReqCompareAndSwap, Weight: 3}, {Kind: ReqCreate, Weight: 1},
		},
	}
}

// KeysWorkload spreads every v2 operation over n keys /keys/k0 .. /keys/k<n-1>.
func KeysWorkload(n int) Workload {
	w := Workload{
		Name: fmt.Sprintf("keys-%d", n),
		Mix: []KindWeight{
			{Kind: ReqQuorumGet, Weight: 4}, {Kind: ReqGet, Weight: 2}, {Kind: ReqSet, Weight: 4}, {Kind: ReqCreate, Weight: 1}, {Kind: ReqUpdate, Weight: 1},
			{Kind: ReqCompareAndSwap, Weight: 2}, {Kind: ReqDelete, Weight: 1}, {Kind: ReqCompareAndDelete, Weight: 1},
		},
	}
	for i := range n {
		w.Keys = append(w.Keys, fmt.Sprintf("/keys/k%d", i))
	}
	return w
}

// TTLWorkload writes keys under /ttl that expire after ttl ns, and reads them back. Its histories
// are not plain registers (keys vanish without an operation), so keep them out of the
// linearizability check or check them with a TTL-aware model.
func TTLWorkload(n int, ttl int64) Workload {
	w := Workload{
		Name: fmt.Sprintf("ttl-%d", n),
		Mix:  []KindWeight{{Kind: ReqQuorumGet, Weight: 2}, {Kind: ReqGet, Weight: 1}, {Kind: ReqSet, Weight: 3}},
		TTL:  ttl,
	}
	for i := range n {
		w.Keys = append(w.Keys, fmt.Sprintf("/ttl/k%d", i))
	}
	return w
}

// WorkloadFromSeed picks a workload and its parameters from seed, for randomized suites.
func WorkloadFromSeed(seed uint64) Workload {
	rng := rng.New(seed, seed^0x5bd1e995)
	switch rng.IntN(3) {
	case 0:
		return RegisterWorkload()
	case 1:
		return KeysWorkload(2 + rng.IntN(30))
	default:
		return KeysWorkload(1 + rng.IntN(4))
	}
}

// Validate reports a clear error for an unusable workload.
func (w Workload) Validate() error {
	if len(w.Keys) == 0 {
		return fmt.Errorf("netsim: workload %q has no keys", w.Name)
	}
	total := 0
	for _, kw := range w.Mix {
		if kw.Weight < 0 {
			return fmt.Errorf("netsim: workload %q: negative weight for %s", w.Name, kw.Kind)
		}
		if !kw.Kind.IsRead() && !kw.Kind.IsWrite() {
			return fmt.Errorf("netsim: workload %q: kind %d is not a key-space operation", w.Name, kw.Kind)
		}
		total += kw.Weight
	}
	if total == 0 {
		return fmt.Errorf("netsim: workload %q: empty operation mix", w.Name)
	}
	return nil
}

// lastSeen is what a client last saw of one key.
type lastSeen struct {
	value string
	index uint64
	found bool
}

// next generates one operation; seen holds what the client last saw of each key, created the keys its
// POSTs created.
func (w Workload) next(rng *rng.Rand, client int, seq uint64, seen map[string]lastSeen, created []string) Request {
	total := 0
	for _, kw := range w.Mix {
		total += kw.Weight
	}
	pick := rng.IntN(total)
	op := w.Mix[0]
	for _, kw := range w.Mix {
		if pick < kw.Weight {
			op = kw
			break
		}
		pick -= kw.Weight
	}
	kind := op.Kind
	keys := w.Keys
	if len(op.Keys) > 0 {
		keys = op.Keys
	}
	if op.Created && len(created) > 0 {
		keys = created
	}
	key := keys[rng.IntN(len(keys))]
	req := Request{Kind: kind, Key: key, Dir: op.Dir, Recursive: op.Recursive, Refresh: op.Refresh}
	last := seen[key]
	switch kind {
	case ReqSet, ReqCreate, ReqUpdate, ReqCreateInOrder:
		if !op.Dir && !op.Refresh {
			req.Value = writtenValue(client, seq)
		}
	case ReqCompareAndSwap:
		req.Value = writtenValue(client, seq)
		req.PrevValue, req.PrevIndex = precondition(op.Compare, last)
	case ReqCompareAndDelete:
		req.PrevValue, req.PrevIndex = precondition(op.Compare, last)
	}
	if (kind == ReqSet || kind == ReqCreate || kind == ReqUpdate || kind == ReqCompareAndSwap) && !op.Dir && !op.Permanent {
		req.TTL = w.TTL
	}
	return req
}

// precondition is the prevValue and prevIndex of a compare against what the client last saw of the
// key. With nothing seen it compares against a value no client writes and an index no write of the
// key has had (index 1 belongs to the bootstrap): an honest fail 101 (or 100).
func precondition(c Compare, last lastSeen) (string, uint64) {
	value, index := last.value, last.index
	if !last.found || last.value == "" {
		value = "none"
	}
	if !last.found || index == 0 {
		index = 1
	}
	switch c {
	case CompareIndex:
		return "", index
	case CompareBoth:
		return value, index
	case CompareBothStaleIndex:
		return value, index + 1
	case CompareBothWrongValue:
		return "none", index
	}
	return value, 0
}

// writtenValue is the unique value client writes in its operation seq: "c<client>-<seq>".
func writtenValue(client int, seq uint64) string {
	var b [48]byte
	v := strconv.AppendInt(append(b[:0], 'c'), int64(client), 10)
	return string(strconv.AppendUint(append(v, '-'), seq, 10))
}

// APIWorkload is KeysWorkload with every precondition of the v2 API: n keys /api/k0.. and two hidden
// keys /api/_h0, /api/_h1 (a segment starting with "_"); compare-and-swap and -delete on the value,
// on the modifiedIndex and on both; create (prevExist=false) and update (prevExist=true); and POSTs
// that create in-order keys under /queue, which their client reads, compares and deletes later.
func APIWorkload(n int) Workload {
	w := Workload{Name: fmt.Sprintf("api-%d", n)}
	for i := range n {
		w.Keys = append(w.Keys, fmt.Sprintf("/api/k%d", i))
	}
	w.Keys = append(w.Keys, "/api/_h0", "/api/_h1")
	queue := []string{"/queue"}
	created := []string{w.Keys[0]} // a client that created nothing yet works on a plain key
	w.Mix = []KindWeight{
		{Kind: ReqQuorumGet, Weight: 4}, {Kind: ReqGet, Weight: 2}, {Kind: ReqSet, Weight: 3},
		{Kind: ReqCreate, Weight: 1}, {Kind: ReqUpdate, Weight: 1},
		{Kind: ReqCompareAndSwap, Weight: 1}, {Kind: ReqCompareAndSwap, Weight: 2, Compare: CompareIndex},
		{Kind: ReqCompareAndSwap, Weight: 1, Compare: CompareBoth},
		{Kind: ReqCompareAndSwap, Weight: 1, Compare: CompareBothStaleIndex},
		{Kind: ReqCompareAndSwap, Weight: 1, Compare: CompareBothWrongValue},
		{Kind: ReqDelete, Weight: 1}, {Kind: ReqCompareAndDelete, Weight: 1, Compare: CompareIndex},
		{Kind: ReqCompareAndDelete, Weight: 1, Compare: CompareBoth},
		{Kind: ReqCompareAndDelete, Weight: 1, Compare: CompareBothStaleIndex},
		{Kind: ReqCreateInOrder, Weight: 1, Keys: queue},
		{Kind: ReqQuorumGet, Weight: 1, Created: true, Keys: created},
		{Kind: ReqCompareAndSwap, Weight: 1, Created: true, Keys: created, Compare: CompareIndex},
		{Kind: ReqCompareAndDelete, Weight: 1, Created: true, Keys: created, Compare: CompareIndex},
	}
	return w
}

// TreeWorkload works on a small directory tree under /tree: files set and created (their parents
// made on the way), directories made (dir=true), removed when empty (dir=true) and removed with
// everything below them (recursive=true), files deleted, and every path read, directories as
// listings. Paths overlap on purpose: a file where a directory is expected and the other way round
// give errors 102, 104, 105 and 108. Directories are also read recursively (every level listed).
// Compares on the value (swap and delete) go to files and directories alike (a directory has no
// value: 102), and a hidden directory (/tree/a/_d) holds a file, under the suite's recursive watch.
// One set in five gives its file a TTL of 2 s: files expire inside directories, and recursive
// deletes remove directories holding expiring files.
// Check it with the tree model (checker/tree.go).
func TreeWorkload() Workload {
	// /tree/ab shares its first letters with /tree/a: a path test that forgets the separator ("/tree/ab"
	// is not below "/tree/a") shows up in its listings, recursive deletes and watchers.
	dirs := []string{"/tree/a", "/tree/b", "/tree/a/c", "/tree/f", "/tree/ab"}
	files := []string{"/tree/a/x", "/tree/a/y", "/tree/a/_h", "/tree/a/_d/x", "/tree/b/x", "/tree/a/c/z", "/tree/f", "/tree/f/x",
		"/tree/ab/x"}
	// Nothing names /tree itself, so that the checker can take /tree/a, /tree/b and /tree/f apart.
	all := append(append([]string(nil), dirs...), files...)
	return Workload{
		Name: "tree",
		Keys: files,
		TTL:  2 * 1e9,
		Mix: []KindWeight{
			{Kind: ReqSet, Weight: 3, Permanent: true}, {Kind: ReqSet, Weight: 1}, {Kind: ReqCreate, Weight: 1, Permanent: true},
			{Kind: ReqCreate, Weight: 2, Dir: true, Keys: dirs},
			{Kind: ReqDelete, Weight: 1, Dir: true, Keys: dirs},
			{Kind: ReqDelete, Weight: 1, Recursive: true, Keys: dirs},
			{Kind: ReqDelete, Weight: 1},
			{Kind: ReqCompareAndSwap, Weight: 1, Keys: all, Permanent: true}, {Kind: ReqCompareAndDelete, Weight: 1, Keys: all},
			{Kind: ReqQuorumGet, Weight: 4, Keys: all}, {Kind: ReqGet, Weight: 1, Keys: all},
			{Kind: ReqQuorumGet, Weight: 2, Recursive: true, Keys: dirs},
			{Kind: ReqGet, Weight: 1, Recursive: true, Keys: dirs},
		},
	}
}

// TTLMixWorkload is TTLWorkload with TTL keys mixed with permanent writes on the same keys: sets
// and creates with and without a TTL, updates that refresh a TTL (refresh=true, no value), compares
// and deletes. A permanent write makes an expiring key permanent; a refresh keeps a key alive.
func TTLMixWorkload(n int, ttl int64) Workload {
	w := TTLWorkload(n, ttl)
	w.Name = fmt.Sprintf("ttl-mix-%d", n)
	w.Mix = []KindWeight{
		{Kind: ReqQuorumGet, Weight: 3}, {Kind: ReqGet, Weight: 1}, {Kind: ReqSet, Weight: 2},
		{Kind: ReqSet, Weight: 2, Permanent: true}, {Kind: ReqCreate, Weight: 1},
		{Kind: ReqUpdate, Weight: 2, Refresh: true}, {Kind: ReqUpdate, Weight: 1, Permanent: true},
		{Kind: ReqCompareAndSwap, Weight: 1, Compare: CompareIndex}, {Kind: ReqDelete, Weight: 1},
	}
	return w
}

package netsim

import (
	"fmt"
	"strconv"

	"github.com/raftlab/raftlab/core/rng"
)

// KindWeight is one operation kind and its relative frequency in a workload.
type KindWeight struct {
	Kind   RequestKind
	Weight int
}

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
			{ReqQuorumGet, 3}, {ReqGet, 1}, {ReqSet, 2}, {ReqCompareAndSwap, 3}, {ReqCreate, 1},
		},
	}
}

// KeysWorkload spreads every v2 operation over n keys /keys/k0 .. /keys/k<n-1>.
func KeysWorkload(n int) Workload {
	w := Workload{
		Name: fmt.Sprintf("keys-%d", n),
		Mix: []KindWeight{
			{ReqQuorumGet, 4}, {ReqGet, 2}, {ReqSet, 4}, {ReqCreate, 1}, {ReqUpdate, 1},
			{ReqCompareAndSwap, 2}, {ReqDelete, 1}, {ReqCompareAndDelete, 1},
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
		Mix:  []KindWeight{{ReqQuorumGet, 2}, {ReqGet, 1}, {ReqSet, 3}},
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
		if kw.Kind < ReqGet || kw.Kind > ReqCompareAndDelete {
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

// next generates one operation; seen holds what the client last saw of each key.
func (w Workload) next(rng *rng.Rand, client int, seq uint64, seen map[string]lastSeen) Request {
	total := 0
	for _, kw := range w.Mix {
		total += kw.Weight
	}
	pick := rng.IntN(total)
	kind := w.Mix[0].Kind
	for _, kw := range w.Mix {
		if pick < kw.Weight {
			kind = kw.Kind
			break
		}
		pick -= kw.Weight
	}
	key := w.Keys[rng.IntN(len(w.Keys))]
	req := Request{Kind: kind, Key: key}
	last := seen[key]
	switch kind {
	case ReqSet, ReqCreate, ReqUpdate:
		req.Value = writtenValue(client, seq)
	case ReqCompareAndSwap:
		req.Value = writtenValue(client, seq)
		req.PrevValue = last.value
		if !last.found || last.value == "" {
			// Nothing seen yet: compare against a value no client writes, an honest fail 101 (or 100).
			req.PrevValue = "none"
		}
	case ReqCompareAndDelete:
		req.PrevValue = last.value
		if !last.found || last.value == "" {
			req.PrevValue = "none"
		}
	}
	if kind == ReqSet || kind == ReqCreate || kind == ReqUpdate || kind == ReqCompareAndSwap {
		req.TTL = w.TTL
	}
	return req
}

// writtenValue is the unique value client writes in its operation seq: "c<client>-<seq>".
func writtenValue(client int, seq uint64) string {
	var b [48]byte
	v := strconv.AppendInt(append(b[:0], 'c'), int64(client), 10)
	return string(strconv.AppendUint(append(v, '-'), seq, 10))
}

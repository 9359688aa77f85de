package checker

import (
	"fmt"
	"math"
	"sort"

	"github.com/anishathalye/porcupine"
	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/internal/human"
)

// keyOps is the porcupine history of one key: ops as recorded (for the visualisation), reduced (the
// equivalent history of fewer and shorter ops, see reduceKey) and search, the reduced history as the
// search model takes it (see searchHistory).
type keyOps struct {
	name    string
	ops     []porcupine.Operation
	reduced []porcupine.Operation
	search  []porcupine.Operation
}

// classify splits valid ops into the porcupine histories (quorum reads and writes, with unknown writes
// stretched to +inf and unknown reads and meaningless failures dropped) and the local reads. An unknown
// write gets a row of its own in the visualisation (after the clients' rows), so that its endless box
// does not hide its client's later operations.
func classify(ops []history.Op) ([]porcupine.Operation, []*history.Op) {
	var lin []porcupine.Operation
	var local []*history.Op
	clients := 0
	for i := range ops {
		if ops[i].Client >= clients {
			clients = ops[i].Client + 1
		}
	}
	extraRow := clients
	clusterRow := -1
	for i := range ops {
		op := &ops[i]
		if op.Kind == history.KindGet {
			if answered(op) {
				local = append(local, op)
			}
			continue
		}
		if !modelled(op) {
			continue
		}
		row, ret := op.Client, op.Return
		note := fmt.Sprintf("client %d", op.Client)
		if op.Node != "" {
			note += ", answered by " + op.Node
		}
		switch {
		case op.Kind.IsExpiry():
			if clusterRow < 0 {
				clusterRow = extraRow
				extraRow++
			}
			row, note = clusterRow, "the cluster's TTL expiry"
		case op.Outcome == history.OutcomeUnknown:
			row, ret = extraRow, math.MaxInt64
			extraRow++
			note += ", outcome unknown (gave up at " + human.Seconds(op.Return) + ")"
		}
		lin = append(lin, porcupine.Operation{ClientId: row, Input: op, Call: op.Call, Return: ret, Metadata: note})
	}
	return spreadSyncs(lin), local
}

// spreadSyncs gives every key that ever has a TTL its own copy of each sync record (a sync concerns
// the whole key space, the per-key search sees one key), and drops the syncs when no key has a TTL.
func spreadSyncs(lin []porcupine.Operation) []porcupine.Operation {
	ttlKeys := map[string]bool{}
	var syncs []porcupine.Operation
	out := lin[:0:0]
	for _, o := range lin {
		op := o.Input.(*history.Op)
		switch {
		case op.Kind == history.KindSync:
			syncs = append(syncs, o)
			continue
		case op.HasTTL() || op.Kind == history.KindExpire:
			ttlKeys[op.Key] = true
		}
		out = append(out, o)
	}
	if len(syncs) == 0 || len(ttlKeys) == 0 {
		return out
	}
	keys := make([]string, 0, len(ttlKeys))
	for k := range ttlKeys {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		for _, o := range syncs {
			c := *o.Input.(*history.Op)
			c.Key = key
			o.Input = &c
			out = append(out, o)
		}
	}
	return out
}

// PorcupineHistory converts a history into the porcupine operations V2Model checks: quorum reads and
// writes, with unknown-outcome writes given Return = +inf, and unknown reads, local reads and failures
// that say nothing about the state left out. Invalid ops are left out too.
func PorcupineHistory(ops []history.Op) []porcupine.Operation {
	valid := make([]history.Op, 0, len(ops))
	for _, op := range ops {
		if op.Validate() == nil {
			valid = append(valid, op)
		}
	}
	lin, _ := classify(valid)
	return lin
}

// answered reports whether a read got a usable answer: a value, or "not found".
func answered(op *history.Op) bool {
	switch op.Outcome {
	case history.OutcomeOK:
		return true
	case history.OutcomeFail:
		return op.ErrorCode == history.ErrCodeKeyNotFound || op.ErrorCode == 0
	}
	return false
}

// modelled reports whether op constrains the key's state: reads that got an answer, writes that
// succeeded or may have, and failures whose error code says something about the state.
func modelled(op *history.Op) bool {
	if op.Kind.IsExpiry() {
		return true
	}
	if op.Kind.IsRead() {
		return answered(op)
	}
	if op.Outcome != history.OutcomeFail {
		return true
	}
	switch op.ErrorCode {
	case 0:
		return op.Kind != history.KindSet
	case history.ErrCodeKeyNotFound:
		return op.Kind != history.KindSet && op.Kind != history.KindCreate
	case history.ErrCodeTestFailed:
		return op.Kind == history.KindCAS || op.Kind == history.KindCAD
	case history.ErrCodeNodeExist:
		return op.Kind == history.KindCreate
	}
	return false
}

// keyOrder groups the porcupine operations by key, keys sorted by name.
func keyOrder(lin []porcupine.Operation) []keyOps {
	byKey := map[string][]porcupine.Operation{}
	for _, o := range lin {
		key := o.Input.(*history.Op).Key
		byKey[key] = append(byKey[key], o)
	}
	keys := make([]keyOps, 0, len(byKey))
	for name, ops := range byKey {
		reduced := reduceKey(ops)
		keys = append(keys, keyOps{name: name, ops: ops, reduced: reduced, search: searchHistory(reduced)})
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].name < keys[j].name })
	return keys
}

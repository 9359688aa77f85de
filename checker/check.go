package checker

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/anishathalye/porcupine"

	"github.com/raftlab/raftlab/checker/history"
)

// maxProblemsPerRule caps how many facts of one kind a verdict lists; the rest are summarised.
const maxProblemsPerRule = 20

// VisualizationFile is the name of the porcupine HTML Check writes into Options.VisualizeDir.
const VisualizationFile = "history.html"

// Check checks a history: quorum reads and writes for linearizability per key with porcupine, all
// returned indexes in a global pass, and local reads for invented and stale values. The store is
// assumed empty when the history starts.
func Check(ops []history.Op, opts Options) Verdict {
	var v Verdict
	valid := make([]history.Op, 0, len(ops))
	var invalid problemList
	for i, op := range ops {
		if err := op.Validate(); err != nil {
			invalid.add(fmt.Sprintf("op %d (%s) skipped: %v", i, op.String(), err))
			continue
		}
		valid = append(valid, op)
	}
	invalid.flush(&v.Problems, "invalid ops")

	lin, local := classify(valid)
	for _, op := range valid {
		if op.Outcome == history.OutcomeUnknown {
			v.Unknown++
		}
	}
	keys := keyOrder(lin)
	v.OpsChecked, v.KeysChecked = len(lin), len(keys)

	results := checkKeys(keys, opts.Timeout)
	linearizable := true
	var failed []string
	for i, key := range keys {
		switch results[i] {
		case porcupine.Illegal:
			linearizable = false
			failed = append(failed, key.name)
			v.Problems = append(v.Problems, explainKey(key, opts.Timeout))
		case porcupine.Unknown:
			v.TimedOut = true
		}
	}
	if v.TimedOut {
		v.Problems = append(v.Problems, fmt.Sprintf("porcupine timed out after %v on some keys: result inconclusive there", opts.Timeout))
	}

	indexProblems := checkIndexes(valid)
	readProblems, stale, staleCount := checkLocalReads(valid, local)
	v.StaleReads = staleCount
	v.Problems = append(v.Problems, indexProblems...)
	v.Problems = append(v.Problems, readProblems...)
	v.Problems = append(v.Problems, stale...)
	v.Linearizable = linearizable && invalid.total == 0 && len(indexProblems) == 0 && len(readProblems) == 0

	if opts.VisualizeDir != "" && (opts.VisualizeAlways || len(failed) > 0) {
		show := keys
		if !opts.VisualizeAlways {
			show = selectKeys(keys, failed)
		}
		path, err := visualize(show, opts)
		if err != nil {
			v.Problems = append(v.Problems, fmt.Sprintf("visualisation not written: %v", err))
		}
		v.VisualizationPath = path
	}
	return v
}

// keyOps is the porcupine history of one key.
type keyOps struct {
	name string
	ops  []porcupine.Operation
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
		if op.Outcome == history.OutcomeUnknown {
			row, ret = extraRow, math.MaxInt64
			extraRow++
			note += fmt.Sprintf(", outcome unknown (gave up at %d)", op.Return)
		}
		lin = append(lin, porcupine.Operation{ClientId: row, Input: op, Call: op.Call, Return: ret, Metadata: note})
	}
	return lin, local
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
		keys = append(keys, keyOps{name: name, ops: ops})
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].name < keys[j].name })
	return keys
}

// checkKeys runs porcupine on every key, a few keys at a time, all within one overall timeout.
func checkKeys(keys []keyOps, timeout time.Duration) []porcupine.CheckResult {
	results := make([]porcupine.CheckResult, len(keys))
	ctx := context.Background()
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	model := V2Model()
	model.Partition = nil
	work := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				results[i] = checkOneKey(ctx, model, keys[i].ops)
			}
		}()
	}
	for i := range keys {
		work <- i
	}
	close(work)
	wg.Wait()
	return results
}

func checkOneKey(ctx context.Context, model porcupine.Model, ops []porcupine.Operation) porcupine.CheckResult {
	if timeout := remaining(ctx); timeout >= 0 {
		if timeout == 0 {
			return porcupine.Unknown
		}
		return porcupine.CheckOperationsTimeout(model, ops, timeout)
	}
	return porcupine.CheckOperationsTimeout(model, ops, 0)
}

// remaining is the time left before ctx's deadline: -1 without a deadline, 0 when it has passed.
func remaining(ctx context.Context) time.Duration {
	deadline, ok := ctx.Deadline()
	if !ok {
		return -1
	}
	left := time.Until(deadline)
	if left <= 0 {
		return 0
	}
	return left
}

func selectKeys(keys []keyOps, names []string) []keyOps {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	var out []keyOps
	for _, k := range keys {
		if want[k.name] {
			out = append(out, k)
		}
	}
	return out
}

// visualize writes porcupine's HTML for the given keys (one partition each) into opts.VisualizeDir.
func visualize(keys []keyOps, opts Options) (string, error) {
	var all []porcupine.Operation
	for _, k := range keys {
		all = append(all, k.ops...)
	}
	model := V2Model()
	_, info := porcupine.CheckOperationsVerbose(model, all, opts.Timeout)
	if err := os.MkdirAll(opts.VisualizeDir, 0o755); err != nil {
		return "", fmt.Errorf("create %s: %w", opts.VisualizeDir, err)
	}
	path := filepath.Join(opts.VisualizeDir, VisualizationFile)
	if err := porcupine.VisualizePath(model, info, path); err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	return path, nil
}

// problemList collects facts of one kind, keeping the first few.
type problemList struct {
	items []string
	total int
}

func (p *problemList) add(s string) {
	p.total++
	if len(p.items) < maxProblemsPerRule {
		p.items = append(p.items, s)
	}
}

// flush appends the kept facts to out, with a line saying how many were left out.
func (p *problemList) flush(out *[]string, what string) {
	*out = append(*out, p.items...)
	if p.total > len(p.items) {
		*out = append(*out, fmt.Sprintf("... and %d more %s", p.total-len(p.items), what))
	}
}

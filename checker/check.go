package checker

import (
	"fmt"

	"github.com/anishathalye/porcupine"

	"github.com/raftlab/raftlab/checker/history"
)

// Check checks a history: quorum reads, writes and the cluster's TTL expiries for linearizability per
// key with porcupine, all returned indexes in a global pass, and local reads for invented and stale
// values. The store is assumed empty when the history starts. The verdict depends on the history
// alone, so a history written to a file checks to the same verdict as the run that recorded it.
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

	perKey, dirProblems, dirTimedOut, treeOps := checkDirectories(valid, opts)
	lin, local := classify(perKey)
	for _, op := range valid {
		if op.Outcome == history.OutcomeUnknown {
			v.Unknown++
		}
	}
	keys := keyOrder(lin)
	v.OpsChecked, v.KeysChecked = len(lin)+treeOps, len(keys)

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
	v.TimedOut = v.TimedOut || dirTimedOut
	linearizable = linearizable && len(dirProblems) == 0
	v.Problems = append(v.Problems, dirProblems...)
	if v.TimedOut {
		v.Problems = append(v.Problems, fmt.Sprintf("porcupine timed out after %v on some keys: result inconclusive there", opts.Timeout))
	}

	indexProblems := append(append(checkIndexes(valid), checkCreated(valid)...), checkEtcdIndex(valid)...)
	readProblems, stale, staleCount := checkLocalReads(valid, local)
	v.StaleReads, v.Stale = staleCount, stale
	v.Problems = append(v.Problems, indexProblems...)
	v.Problems = append(v.Problems, readProblems...)
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

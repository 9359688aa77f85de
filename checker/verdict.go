package checker

import "time"

// Options tunes Check.
type Options struct {
	// Timeout bounds the porcupine search over all keys; zero means no limit. When it runs out the
	// verdict has TimedOut set and only the keys already decided count.
	Timeout time.Duration
	// VisualizeDir, when set, is where porcupine's HTML visualisation is written if there is a
	// linearizability violation (file history.html).
	VisualizeDir string
	// VisualizeAlways writes the visualisation of every key to VisualizeDir even without a violation.
	VisualizeAlways bool
}

// Verdict is the result of checking one history.
type Verdict struct {
	// Linearizable is true when porcupine linearized every key, the index pass found nothing, no read
	// returned a value nobody wrote and every op was well formed. Stale local reads do not clear it
	// (etcd allows them); they are counted in StaleReads.
	Linearizable bool
	// TimedOut says the porcupine search ran out of time on some key: no violation was found there, but
	// none was ruled out either.
	TimedOut bool
	// OpsChecked is the number of operations given to porcupine; KeysChecked the number of keys.
	OpsChecked  int
	KeysChecked int
	// Unknown is the number of operations with an unknown outcome.
	Unknown int
	// StaleReads counts local reads that returned an older value than linearizability allows; Stale
	// describes the first few. etcd allows them (a local read may be served by a lagging member), so
	// they are facts about the run, never problems, wherever a verdict is shown.
	StaleReads int
	Stale      []string
	// Problems lists the violations, as minimal facts: per-key failures, index-pass violations,
	// invented local reads, invalid operations, and a search that timed out.
	Problems []string
	// VisualizationPath is the porcupine HTML written, if any.
	VisualizationPath string
}

package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/raftlab/raftlab/checker"
	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/internal/human"
)

// defaultCheckTimeout bounds the porcupine search of `labd check`.
const defaultCheckTimeout = time.Minute

// cmdCheck checks a recorded history for linearizability and draws it.
func cmdCheck(args []string, stdout, stderr io.Writer) int {
	const synopsis = "labd check HISTORY_FILE [--jepsen] [--out DIR] [--timeout D]"
	fs := newFlagSet("check", synopsis, stderr)
	jepsen := fs.Bool("jepsen", false, "read a Jepsen etcd register log (default: detect by content)")
	out := fs.String("out", "", "where to write porcupine's "+checker.VisualizationFile+" (default "+defaultRunsDir+"/check-NAME, NAME from the file's name)")
	timeout := fs.Duration("timeout", defaultCheckTimeout, "bound on the linearizability search (0: none)")
	pos, err := parseArgs(fs, args, 1, 1)
	if err != nil {
		fmt.Fprintf(stderr, "labd check: %v\n", err)
		return exitUsage
	}
	file := pos[0]
	data, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintf(stderr, "labd check: %v\n", err)
		return exitUsage
	}
	format, ops, err := readAnyHistory(data, *jepsen)
	if err != nil {
		fmt.Fprintf(stderr, "labd check: %s: %v\n", file, err)
		return exitUsage
	}
	dir := *out
	if dir == "" {
		dir = checkOutputDir(file)
	}
	v := checker.Check(ops, checker.Options{Timeout: *timeout, VisualizeDir: dir, VisualizeAlways: true})
	fmt.Fprintf(stdout, "%s: %s history, %s\n", file, format, human.Count(len(ops), "operation"))
	printVerdict(stdout, v)
	if v.VisualizationPath != "" {
		fmt.Fprintf(stdout, "visualisation: %s\n", v.VisualizationPath)
	}
	if !v.Linearizable {
		return exitFailed
	}
	return exitOK
}

// checkOutputDir is where `labd check FILE` draws its visualisation without --out: a folder of the
// runs directory named after FILE (after its folder when FILE is a run's history.jsonl), never
// beside FILE.
func checkOutputDir(file string) string {
	base := filepath.Base(file)
	name := strings.TrimSuffix(base, filepath.Ext(base))
	if base == historyFile {
		if parent := filepath.Base(filepath.Dir(file)); parent != "." && parent != string(filepath.Separator) {
			name = parent
		}
	}
	return filepath.Join(defaultRunsDir, "check-"+name)
}

// History formats labd check reads.
const (
	formatLab    = "lab (JSON lines)"
	formatJepsen = "Jepsen register log"
)

// readAnyHistory reads a lab history or, when forced or when the content looks like one, a Jepsen
// register log. A file that is neither, or holds no operation, is an error.
func readAnyHistory(data []byte, forceJepsen bool) (string, []history.Op, error) {
	if forceJepsen || looksLikeJepsen(data) {
		ops, err := history.ReadJepsen(bytes.NewReader(data))
		if err != nil {
			return formatJepsen, nil, fmt.Errorf("read Jepsen log: %w", err)
		}
		if len(ops) == 0 {
			return formatJepsen, nil, fmt.Errorf("no Jepsen register operations found (lines like `INFO  jepsen.util - 3\t:invoke\t:read\tnil`)")
		}
		return formatJepsen, ops, nil
	}
	first := strings.TrimSpace(string(data))
	if !strings.HasPrefix(first, "{") {
		return "", nil, fmt.Errorf("neither a lab history (JSON lines of operations) nor a Jepsen register log")
	}
	ops, err := history.ReadHistory(bytes.NewReader(data))
	if err != nil {
		return formatLab, nil, fmt.Errorf("read lab history: %w", err)
	}
	if len(ops) == 0 {
		return formatLab, nil, fmt.Errorf("the history holds no operation")
	}
	return formatLab, ops, nil
}

// looksLikeJepsen says whether data has Jepsen's operation lines.
func looksLikeJepsen(data []byte) bool {
	return bytes.Contains(data, []byte(":invoke")) && bytes.Contains(data, []byte("jepsen."))
}

// printVerdict prints a checker verdict: one headline, then every problem.
func printVerdict(w io.Writer, v checker.Verdict) {
	switch {
	case v.Linearizable && v.TimedOut:
		fmt.Fprintf(w, "linearizable as far as checked: the search timed out on some key (%s, %s)\n",
			human.Count(v.OpsChecked, "operation"), human.Count(v.KeysChecked, "key"))
	case v.Linearizable:
		fmt.Fprintf(w, "linearizable: %s on %s checked\n", human.Count(v.OpsChecked, "operation"), human.Count(v.KeysChecked, "key"))
	default:
		fmt.Fprintf(w, "NOT linearizable: %s on %s checked\n", human.Count(v.OpsChecked, "operation"), human.Count(v.KeysChecked, "key"))
	}
	if v.Unknown > 0 {
		fmt.Fprintf(w, "  %s with an unknown outcome\n", human.Count(v.Unknown, "operation"))
	}
	for _, p := range v.Problems {
		fmt.Fprintf(w, "  - %s\n", p)
	}
	if v.StaleReads > 0 {
		fmt.Fprintf(w, "  %d stale local reads (allowed for non-quorum reads, not a violation):\n", v.StaleReads)
		for _, s := range v.Stale {
			fmt.Fprintf(w, "    %s\n", s)
		}
	}
}

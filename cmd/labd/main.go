// Command labd is raftlab's laboratory: it lists, runs and replays stories in the deterministic
// simulator, sweeps randomized chaos suites over many seeds, checks recorded histories for
// linearizability, and serves the reports on a small web page.
//
//	labd list
//	labd run STORY [--seed N] [--out DIR] [--bug NAME]
//	labd replay REPORT_DIR | labd replay STORY|SUITE --seed N [--bug NAME] [--trace HASH]
//	labd sweep SUITE|STORY --seeds A..B [--parallel N] [--out DIR] [--bug NAME]
//	labd check HISTORY_FILE [--jepsen] [--out DIR]
//	labd serve [--addr 127.0.0.1:8080] [--dir labd-runs]
//	labd real STORY
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// Exit codes shared by every command.
const (
	exitOK       = 0 // the run passed, the history is linearizable, ...
	exitFailed   = 1 // a failed assertion or a violation
	exitUsage    = 2 // bad flags, bad input
	exitNotReady = 3 // a command that is not implemented yet
)

func main() {
	tuneGC()
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// command is one labd sub-command.
type command struct {
	summary string
	usage   string
	run     func(args []string, stdout, stderr io.Writer) int
}

// commands maps every sub-command name to its implementation.
func commands() map[string]command {
	return map[string]command{
		"list":    {"list the stories and suites", "labd list", cmdList},
		"run":     {"run a story in simulation and write its report", "labd run STORY [--seed N] [--out DIR] [--bug NAME]", cmdRun},
		"replay":  {"re-run a recorded run and compare trace hashes", "labd replay REPORT_DIR | labd replay STORY|SUITE --seed N [--bug NAME] [--trace HASH]", cmdReplay},
		"sweep":   {"run a suite or a story over many seeds", "labd sweep SUITE|STORY --seeds A..B [--parallel N] [--out DIR] [--bug NAME]", cmdSweep},
		"check":   {"check a history file for linearizability", "labd check HISTORY_FILE [--jepsen] [--out DIR]", cmdCheck},
		"serve":   {"serve a web page to run stories and browse reports", "labd serve [--addr 127.0.0.1:8080] [--dir labd-runs]", cmdServe},
		"real":    {"run a story against real kvd processes", "labd real STORY [--out DIR] [--kvd BINARY] [--data DIR] [--client-timeout D]", cmdReal},
		"hunt":    {"run every correct-code suite seed by seed until the first failure", "labd hunt [--seeds N] [--budget 60s] [--suites A,B] [--json]", cmdHunt},
		"mutants": {"the mutation test: build labd with each catalogued bug and hunt for it", "labd mutants [--only A,B] [--budget 60s] [--control] [--json FILE] [--list]", cmdMutants},
	}
}

// run is labd with its arguments (without the program name); it returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	name := args[0]
	if name == "help" || name == "-h" || name == "--help" || name == "-help" {
		usage(stdout)
		return exitOK
	}
	cmd, ok := commands()[name]
	if !ok {
		fmt.Fprintf(stderr, "labd: unknown command %q\n", name)
		usage(stderr)
		return exitUsage
	}
	return cmd.run(args[1:], stdout, stderr)
}

// usage prints every command with its synopsis.
func usage(w io.Writer) {
	cmds := commands()
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("usage: labd COMMAND [ARGS]\n\ncommands:\n")
	for _, n := range names {
		fmt.Fprintf(&b, "  %-7s %s\n          %s\n", n, cmds[n].summary, cmds[n].usage)
	}
	io.WriteString(w, b.String())
}

// Command labd is raftlab's laboratory: it lists, runs and replays stories in the deterministic
// simulator, sweeps randomized chaos suites over many seeds, checks recorded histories for
// linearizability, and serves the reports on a small web page.
//
//	labd list
//	labd run STORY [--seed N] [--out DIR] [--bug NAME]
//	labd replay REPORT_DIR | labd replay STORY|SUITE --seed N [--bug NAME] [--trace HASH]
//	labd sweep SUITE|STORY --seeds A..B [--shard I/N] [--parallel N] [--out DIR] [--bug NAME]
//	labd merge SHARD_DIR... [--out DIR]
//	labd check HISTORY_FILE [--jepsen] [--out DIR]
//	labd serve [--addr 127.0.0.1:8080] [--dir labd-runs]
//	labd real STORY [--server kvd|etcd] [--server-bin BINARY]
package main

import (
	"bytes"
	"flag"
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
		"sweep":   {"run a suite or a story over many seeds", "labd sweep SUITE|STORY --seeds A..B [--shard I/N] [--parallel N] [--out DIR] [--bug NAME]", cmdSweep},
		"merge":   {"merge the shards of a sweep into one result", "labd merge SHARD_DIR... [--out DIR]", cmdMerge},
		"check":   {"check a history file for linearizability", "labd check HISTORY_FILE [--jepsen] [--out DIR]", cmdCheck},
		"serve":   {"serve a web page to run stories and browse reports", "labd serve [--addr 127.0.0.1:8080] [--dir labd-runs]", cmdServe},
		"real":    {"run a story on real server processes (kvd, or the real etcd)", realSynopsis, cmdReal},
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
	name, rest := args[0], args[1:]
	if isHelpFlag(name) || name == "help" && len(rest) == 0 {
		usage(stdout)
		return exitOK
	}
	if name == "help" {
		name, rest = rest[0], []string{"-h"}
	}
	cmd, ok := commands()[name]
	if !ok {
		fmt.Fprintf(stderr, "labd: unknown command %q%s\n", name, didYouMean(name, commandNames()))
		usage(stderr)
		return exitUsage
	}
	if asksForHelp(rest) {
		return commandHelp(cmd, stdout)
	}
	return cmd.run(rest, stdout, stderr)
}

// isHelpFlag says whether arg asks for help.
func isHelpFlag(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help"
}

// asksForHelp says whether a command's arguments ask for help: a help flag before any "--".
func asksForHelp(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		if isHelpFlag(a) {
			return true
		}
	}
	return false
}

// commandHelp prints a command's usage, its synopsis and its flags, on stdout. The command's own
// flag set prints them when it parses -h; the error the command then reports about the help
// request is left out, and the command runs nothing.
func commandHelp(cmd command, stdout io.Writer) int {
	cmd.run([]string{"-h"}, io.Discard, &helpOnly{w: stdout})
	return exitOK
}

// helpOnly passes on what a command writes while printing its help, but the line that reports the
// help request as an error.
type helpOnly struct {
	w       io.Writer
	partial []byte
}

// Write implements io.Writer, line by line.
func (h *helpOnly) Write(p []byte) (int, error) {
	h.partial = append(h.partial, p...)
	for {
		i := bytes.IndexByte(h.partial, '\n')
		if i < 0 {
			return len(p), nil
		}
		line := h.partial[:i+1]
		if !bytes.Contains(line, []byte(flag.ErrHelp.Error())) {
			if _, err := h.w.Write(line); err != nil {
				return 0, err
			}
		}
		h.partial = h.partial[i+1:]
	}
}

// commandNames lists the commands, sorted.
func commandNames() []string {
	cmds := commands()
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// usage prints every command with its synopsis.
func usage(w io.Writer) {
	cmds := commands()
	names := commandNames()
	var b strings.Builder
	b.WriteString("usage: labd COMMAND [ARGS]\n\ncommands:\n")
	for _, n := range names {
		fmt.Fprintf(&b, "  %-7s %s\n          %s\n", n, cmds[n].summary, cmds[n].usage)
	}
	io.WriteString(w, b.String())
}

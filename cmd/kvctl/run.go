package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"
)

// Exit codes, as etcdctl v2 uses them.
const (
	exitSuccess           = 0
	exitError             = 1
	exitBadConnection     = 2
	exitServerError       = 4
	exitClusterNotHealthy = 5
	exitBadArgs           = 128
	// exitNoHelpTopic is etcdctl's exit code for an unknown command (its CLI library's).
	exitNoHelpTopic = 3
)

// version is what --version reports, matching the etcdctl kvctl stands in for.
const version = "3.5.33"

// defaultHealthInterval is how long cluster-health --forever waits between rounds.
const defaultHealthInterval = 10 * time.Second

// run executes one kvctl invocation and returns its exit code. args excludes the program name.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer, env func(string) string) int {
	return runContext(context.Background(), args, stdin, stdout, stderr, env)
}

// runContext is run with a context whose cancellation (Ctrl+C) ends watches quietly.
func runContext(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, env func(string) string) int {
	return newApp(ctx, stdin, stdout, stderr, env).run(args)
}

// newApp is an invocation's environment; env nil is an empty environment.
func newApp(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer, env func(string) string) *app {
	if env == nil {
		env = func(string) string { return "" }
	}
	return &app{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr, getenv: env, healthInterval: defaultHealthInterval}
}

// app is one invocation's environment.
type app struct {
	ctx            context.Context
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	healthInterval time.Duration
	global         globalOptions
	// setEcho turns the terminal's echo of stdin on or off around a password prompt; nil when
	// stdin is no terminal of the process (tests).
	setEcho func(on bool)
}

// run parses the global flags, then dispatches to the command.
func (a *app) run(args []string) int {
	fs := newFlagSet("kvctl")
	showVersion, showHelp := a.global.register(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			a.printHelp()
			return exitSuccess
		}
		return a.usageError(err, ".", a.printHelp)
	}
	if *showVersion {
		fmt.Fprintf(a.stdout, "etcdctl version: %s\nAPI version: 2\n", version)
		return exitSuccess
	}
	rest := fs.Args()
	if *showHelp || len(rest) == 0 {
		a.printHelp()
		return exitSuccess
	}
	if rest[0] == "help" || rest[0] == "h" {
		return a.help(rest[1:])
	}
	cmd := findCommand(commands(), rest[0])
	if cmd == nil {
		return a.noHelpTopic(rest[0])
	}
	return a.runCommand(cmd, rest[1:], cmd.name)
}

// runCommand parses a command's flags and runs it, descending into subcommands.
func (a *app) runCommand(cmd *command, args []string, fullName string) int {
	if len(cmd.subcommands) > 0 {
		if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
			a.printCommandHelp(cmd, fullName)
			return exitSuccess
		}
		sub := findCommand(cmd.subcommands, args[0])
		if sub == nil {
			return a.noHelpTopic(args[0])
		}
		return a.runCommand(sub, args[1:], fullName+" "+sub.name)
	}
	fs := newFlagSet(fullName)
	action := cmd.setup(fs)
	parse := parseInterspersed
	if cmd.parse != nil {
		parse = cmd.parse
	}
	positional, err := parse(fs.FlagSet, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			a.printCommandHelp(cmd, fullName)
			return exitSuccess
		}
		return a.usageError(err, ":", func() { a.printCommandHelp(cmd, fullName) })
	}
	return action(&cmdContext{app: a, args: positional})
}

// noHelpTopic is etcdctl's answer to an unknown command or subcommand.
func (a *app) noHelpTopic(name string) int {
	fmt.Fprintf(a.stderr, "No help topic for '%s'\n", name)
	return exitNoHelpTopic
}

// fail prints an error the way etcdctl does ("Error: " and the error through Println, hence
// two spaces; a cluster error adds its per-endpoint detail) and returns code.
func (a *app) fail(code int, err error) int {
	fmt.Fprintln(a.stderr, "Error: ", err)
	if detail := clusterDetail(err); detail != "" {
		fmt.Fprintln(a.stderr, detail)
	}
	return code
}

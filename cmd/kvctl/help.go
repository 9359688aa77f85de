package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Help is printed as etcdctl's CLI library (urfave/cli v1) prints it, so that kvctl's help and
// usage errors read like etcdctl's, line for line. Only what is kvctl's own differs: its name,
// its one-line description and its bench command.

const (
	appDescription = "a simple command line client for raftlab and etcd (v2 API)"
	helpUsage      = "Shows a list of commands or help for one command"
)

// printHelp shows the application's help.
func (a *app) printHelp() {
	var b strings.Builder
	fmt.Fprintf(&b, "NAME:\n   kvctl - %s\n\n", appDescription)
	b.WriteString("USAGE:\n   kvctl [global options] command [command options] [arguments...]\n\n")
	fmt.Fprintf(&b, "VERSION:\n   %s\n\n", version)
	b.WriteString("COMMANDS:")
	for _, c := range commands() {
		fmt.Fprintf(&b, "\n   %s\t%s", c.name, c.usage)
	}
	fmt.Fprintf(&b, "\n   help, h\t%s\n\nGLOBAL OPTIONS:", helpUsage)
	fs := newFlagSet("kvctl")
	var g globalOptions
	g.register(fs)
	for _, spec := range fs.specs {
		b.WriteString("\n   " + spec.line())
	}
	b.WriteString("\n")
	writeAligned(a.stdout, b.String())
}

// printCommandHelp shows one command's help: a group's (member, user, ...) lists its
// subcommands, a command's its flags.
func (a *app) printCommandHelp(cmd *command, fullName string) {
	var b strings.Builder
	fmt.Fprintf(&b, "NAME:\n   kvctl %s - %s\n\nUSAGE:\n   kvctl %s", fullName, cmd.usage, fullName)
	if len(cmd.subcommands) > 0 {
		b.WriteString(" command [command options] [arguments...]\n\nCOMMANDS:")
		for _, s := range cmd.subcommands {
			fmt.Fprintf(&b, "\n   %s\t%s", s.name, s.usage)
		}
		b.WriteString("\n\nOPTIONS:\n   --help, -h\tshow help\n   \n")
		writeAligned(a.stdout, b.String())
		return
	}
	fs := newFlagSet(fullName)
	cmd.setup(fs)
	if len(fs.specs) > 0 {
		b.WriteString(" [command options]")
	}
	args := cmd.argsUsage
	if args == "" {
		args = "[arguments...]"
	}
	b.WriteString(" " + args + "\n")
	if cmd.description != "" {
		b.WriteString("\nDESCRIPTION:\n   " + cmd.description + "\n")
	}
	if len(fs.specs) > 0 {
		b.WriteString("\nOPTIONS:\n   ")
		for _, spec := range fs.specs {
			b.WriteString(spec.line() + "\n   ")
		}
		b.WriteString("\n")
	}
	writeAligned(a.stdout, b.String())
}

// usageError answers a flag that does not parse as etcdctl does: "Incorrect Usage" and the help
// on stdout, the error on stderr, exit 1. sep is ":" for a command and "." for the global flags.
func (a *app) usageError(err error, sep string, help func()) int {
	fmt.Fprintf(a.stdout, "Incorrect Usage%s %v\n\n", sep, err)
	help()
	fmt.Fprintln(a.stderr, err)
	return exitError
}

// writeAligned writes text with its tab-separated columns aligned, as etcdctl's help is.
func writeAligned(w io.Writer, text string) {
	tw := tabwriter.NewWriter(w, 1, 8, 2, ' ', 0)
	_, _ = io.WriteString(tw, text)
	_ = tw.Flush()
}

// line is the flag's help line: its names (a one-letter name takes one dash), each followed by
// a placeholder when the flag takes a value, then a tab, its usage and its default.
func (s *flagSpec) line() string {
	placeholder, usage := unquoteUsage(s.usage)
	if !s.value {
		placeholder = ""
	} else if placeholder == "" {
		placeholder = "value"
	}
	names := make([]string, len(s.names))
	for i, n := range s.names {
		dash := "--"
		if len(n) == 1 {
			dash = "-"
		}
		names[i] = dash + n
		if placeholder != "" {
			names[i] += " " + placeholder
		}
	}
	out := strings.Join(names, ", ") + "\t" + usage
	if s.def != "" {
		out += " (default: " + s.def + ")"
	}
	return out
}

// unquoteUsage takes the first `quoted` word of a usage as the flag's placeholder, and drops
// its back quotes from the usage.
func unquoteUsage(usage string) (placeholder, unquoted string) {
	start := strings.IndexByte(usage, '`')
	if start < 0 {
		return "", usage
	}
	end := strings.IndexByte(usage[start+1:], '`')
	if end < 0 {
		return "", usage
	}
	end += start + 1
	return usage[start+1 : end], usage[:start] + usage[start+1:end] + usage[end+1:]
}

package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// action runs a command after its flags are parsed and returns the exit code.
type action func(cx *cmdContext) int

// command is one entry of the command table.
type command struct {
	name      string
	usage     string
	argsUsage string
	// setup defines the command's flags on fs and returns the action that reads them.
	setup func(fs *flag.FlagSet) action
	// subcommands, when present, make this a group such as "member".
	subcommands []*command
	// flagsFirst stops flag parsing at the first positional argument (exec-watch, whose
	// trailing arguments are a command line of their own).
	flagsFirst bool
}

// cmdContext is what an action gets: the invocation and its positional arguments.
type cmdContext struct {
	app  *app
	args []string
}

// commands is the command table, in the order help lists it. A new command is one more
// entry here.
func commands() []*command {
	return []*command{
		clusterHealthCommand(),
		mkCommand(),
		mkdirCommand(),
		rmCommand(),
		rmdirCommand(),
		getCommand(),
		lsCommand(),
		setCommand(),
		setdirCommand(),
		updateCommand(),
		updatedirCommand(),
		watchCommand(),
		execWatchCommand(),
		memberCommand(),
		userCommand(),
		roleCommand(),
		authCommand(),
		benchCommand(),
		backupCommand(),
	}
}

// findCommand looks a command up by name.
func findCommand(table []*command, name string) *command {
	for _, c := range table {
		if c.name == name {
			return c
		}
	}
	return nil
}

// printHelp lists the global usage and the commands.
func (a *app) printHelp() {
	w := a.stdout
	fmt.Fprintln(w, "NAME:\n   kvctl - a simple command line client for raftlab and etcd (v2 API)")
	fmt.Fprintln(w, "\nUSAGE:\n   kvctl [global options] command [command options] [arguments...]")
	fmt.Fprintf(w, "\nVERSION:\n   %s\n", version)
	fmt.Fprintln(w, "\nCOMMANDS:")
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	for _, c := range commands() {
		fmt.Fprintf(tw, "   %s\t%s\n", c.name, c.usage)
	}
	fmt.Fprintf(tw, "   %s\t%s\n", "help", "shows a list of commands or help for one command")
	_ = tw.Flush()
	fmt.Fprintln(w, "\nGLOBAL OPTIONS:")
	fs := flag.NewFlagSet("kvctl", flag.ContinueOnError)
	var g globalOptions
	g.register(fs)
	printFlags(w, fs)
}

// help answers `kvctl help [command [subcommand]]`.
func (a *app) help(args []string) int {
	if len(args) == 0 {
		a.printHelp()
		return exitSuccess
	}
	cmd := findCommand(commands(), args[0])
	if cmd == nil {
		fmt.Fprintf(a.stderr, "No help topic for '%s'\n", args[0])
		return exitBadArgs
	}
	name := cmd.name
	if len(args) > 1 && len(cmd.subcommands) > 0 {
		if sub := findCommand(cmd.subcommands, args[1]); sub != nil {
			cmd, name = sub, name+" "+sub.name
		}
	}
	a.printCommandHelp(cmd, name)
	return exitSuccess
}

// printCommandHelp shows one command's usage and flags.
func (a *app) printCommandHelp(cmd *command, fullName string) {
	w := a.stdout
	fmt.Fprintf(w, "NAME:\n   kvctl %s - %s\n\nUSAGE:\n   kvctl %s", fullName, cmd.usage, fullName)
	if len(cmd.subcommands) > 0 {
		fmt.Fprintln(w, " command [arguments...]\n\nCOMMANDS:")
		tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
		for _, s := range cmd.subcommands {
			fmt.Fprintf(tw, "   %s\t%s\n", s.name, s.usage)
		}
		_ = tw.Flush()
		return
	}
	fmt.Fprintf(w, " [command options] %s\n", cmd.argsUsage)
	fs := flag.NewFlagSet(fullName, flag.ContinueOnError)
	cmd.setup(fs)
	if hasFlags(fs) {
		fmt.Fprintln(w, "\nOPTIONS:")
		printFlags(w, fs)
	}
}

// hasFlags tells whether fs defines any flag.
func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// printFlags lists flags, sharing one line between aliases (names bound to the same variable).
func printFlags(w io.Writer, fs *flag.FlagSet) {
	type line struct {
		names []string
		usage string
		def   string
	}
	var lines []*line
	byTarget := map[string]*line{}
	fs.VisitAll(func(f *flag.Flag) {
		target := fmt.Sprintf("%p", f.Value)
		if l, ok := byTarget[target]; ok {
			l.names = append(l.names, f.Name)
			return
		}
		l := &line{names: []string{f.Name}, usage: f.Usage, def: f.DefValue}
		byTarget[target] = l
		lines = append(lines, l)
	})
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	for _, l := range lines {
		var names []string
		for _, n := range l.names {
			if len(n) == 1 {
				names = append(names, "-"+n)
			} else {
				names = append(names, "--"+n)
			}
		}
		def := ""
		if l.def != "" && l.def != "false" && l.def != "0" {
			def = fmt.Sprintf(" (default: %s)", l.def)
		}
		fmt.Fprintf(tw, "   %s\t%s%s\n", strings.Join(names, ", "), l.usage, def)
	}
	_ = tw.Flush()
}

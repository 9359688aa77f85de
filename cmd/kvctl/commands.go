package main

import (
	"flag"
	"fmt"
)

// action runs a command after its flags are parsed and returns the exit code.
type action func(cx *cmdContext) int

// command is one entry of the command table.
type command struct {
	name      string
	usage     string
	argsUsage string
	// description is the longer text help shows under DESCRIPTION, if any.
	description string
	// setup defines the command's flags on fs and returns the action that reads them.
	setup func(fs *flagSet) action
	// subcommands, when present, make this a group such as "member".
	subcommands []*command
	// parse parses the command's flags and returns its positional arguments; nil is etcdctl's
	// way (parseInterspersed).
	parse func(fs *flag.FlagSet, args []string) ([]string, error)
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
		backupCommand(),
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

// help answers `kvctl help [command]` (and `kvctl h`).
func (a *app) help(args []string) int {
	if len(args) == 0 {
		a.printHelp()
		return exitSuccess
	}
	cmd := findCommand(commands(), args[0])
	if cmd == nil {
		return a.noHelpTopic(args[0])
	}
	if len(cmd.subcommands) > 0 {
		// etcdctl shows a group (member, user, ...) here as a command without flags, and
		// ignores the words after it.
		writeAligned(a.stdout, fmt.Sprintf("NAME:\n   kvctl %s - %s\n\nUSAGE:\n   kvctl %s [arguments...]\n", cmd.name, cmd.usage, cmd.name))
		return exitSuccess
	}
	a.printCommandHelp(cmd, cmd.name)
	return exitSuccess
}

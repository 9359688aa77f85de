package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/raftlab/raftlab/cmd/internal/v2client"
)

func authCommand() *command {
	return &command{
		name: "auth", usage: "overall auth controls",
		subcommands: []*command{
			{name: "enable", usage: "enable auth access controls", argsUsage: " ", setup: noFlags(authEnable)},
			{name: "disable", usage: "disable auth access controls", argsUsage: " ", setup: noFlags(authDisable)},
		},
	}
}

func authEnable(cx *cmdContext) int {
	return cx.authCall(func(ctx context.Context, c *v2client.Client) error {
		if err := c.EnableAuth(ctx); err != nil {
			return err
		}
		fmt.Fprintln(cx.app.stdout, "Authentication Enabled")
		return nil
	})
}

func authDisable(cx *cmdContext) int {
	return cx.authCall(func(ctx context.Context, c *v2client.Client) error {
		if err := c.DisableAuth(ctx); err != nil {
			return err
		}
		fmt.Fprintln(cx.app.stdout, "Authentication Disabled")
		return nil
	})
}

// authCall runs f with a synced client under the total timeout; an error is printed as etcdctl
// prints it (the server's message alone) with exit status 1.
func (cx *cmdContext) authCall(f func(ctx context.Context, c *v2client.Client) error) int {
	c, code, ok := cx.newClient(true)
	if !ok {
		return code
	}
	ctx, cancel := cx.totalTimeoutContext()
	defer cancel()
	if err := f(ctx, c); err != nil {
		fmt.Fprintln(cx.app.stderr, err.Error())
		return exitError
	}
	return exitSuccess
}

// oneName checks that the command got exactly one positional argument, else prints what.
func (cx *cmdContext) oneName(what string) (string, bool) {
	if len(cx.args) != 1 {
		fmt.Fprintf(cx.app.stderr, "Please provide a %s\n", what)
		return "", false
	}
	return cx.args[0], true
}

// listFlag collects a flag given several times, each value as it is: etcdctl's StringSlice
// does not split at commas, so `--roles a,b` names one role "a,b".
type listFlag []string

// String shows the values joined by commas.
func (l *listFlag) String() string { return strings.Join(*l, ",") }

// Set adds the value of one occurrence.
func (l *listFlag) Set(v string) error {
	*l = append(*l, v)
	return nil
}

package main

import (
	"fmt"

	"github.com/raftlab/raftlab/cmd/internal/v2client"
)

func getCommand() *command {
	return &command{
		name: "get", usage: "retrieve the value of a key", argsUsage: "<key>",
		setup: func(fs *flagSet) action {
			var sorted, quorum bool
			fs.BoolVar(&sorted, "sort", false, "returns result in sorted order")
			fs.boolAliases(&quorum, "require quorum for get request", "quorum", "q")
			return func(cx *cmdContext) int {
				key, ok := cx.key()
				if !ok {
					return cx.app.fail(exitBadArgs, errKeyRequired)
				}
				c, code, ok := cx.newClient(true)
				if !ok {
					return code
				}
				ctx, cancel := cx.totalTimeoutContext()
				resp, err := c.Get(ctx, key, v2client.GetOptions{Sorted: sorted, Quorum: quorum})
				cancel()
				if err != nil {
					return cx.app.fail(exitServerError, err)
				}
				if resp.Node != nil && resp.Node.Dir {
					fmt.Fprintf(cx.app.stderr, "%s: is a directory\n", resp.Node.Key)
					return exitError
				}
				cx.printResponse(resp)
				return exitSuccess
			}
		},
	}
}

func lsCommand() *command {
	return &command{
		name: "ls", usage: "retrieve a directory", argsUsage: "[key]",
		setup: func(fs *flagSet) action {
			var sorted, recursive, slash, quorum bool
			fs.BoolVar(&sorted, "sort", false, "returns result in sorted order")
			fs.boolAliases(&recursive, "returns all key names recursively for the given path", "recursive", "r")
			fs.BoolVar(&slash, "p", false, "append slash (/) to directories")
			fs.boolAliases(&quorum, "require quorum for get request", "quorum", "q")
			return func(cx *cmdContext) int {
				key := "/"
				if len(cx.args) > 0 {
					key = cx.args[0]
				}
				c, code, ok := cx.newClient(true)
				if !ok {
					return code
				}
				ctx, cancel := cx.totalTimeoutContext()
				resp, err := c.Get(ctx, key, v2client.GetOptions{Sorted: sorted, Recursive: recursive, Quorum: quorum})
				cancel()
				if err != nil {
					return cx.app.fail(exitServerError, err)
				}
				if !cx.isSimple() {
					cx.printResponse(resp)
					return exitSuccess
				}
				if resp.Node == nil {
					return exitSuccess
				}
				if !resp.Node.Dir {
					fmt.Fprintln(cx.app.stdout, resp.Node.Key)
				}
				for _, n := range resp.Node.Nodes {
					cx.printTree(n, slash)
				}
				return exitSuccess
			}
		},
	}
}

// printTree prints a node's key and then its children's, depth first; with slash directories
// get a trailing "/".
func (cx *cmdContext) printTree(n *v2client.Node, slash bool) {
	if n.Dir && slash {
		fmt.Fprintf(cx.app.stdout, "%s/\n", n.Key)
	} else {
		fmt.Fprintln(cx.app.stdout, n.Key)
	}
	for _, child := range n.Nodes {
		cx.printTree(child, slash)
	}
}

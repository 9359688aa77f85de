package main

import (
	"github.com/raftlab/raftlab/cmd/internal/v2client"
)

func rmCommand() *command {
	return &command{
		name: "rm", usage: "remove a key or a directory", argsUsage: "<key>",
		setup: func(fs *flagSet) action {
			var dir, recursive bool
			fs.BoolVar(&dir, "dir", false, "removes the key if it is an empty directory or a key-value pair")
			fs.boolAliases(&recursive, "removes the key and all child keys(if it is a directory)", "recursive", "r")
			withValue := fs.String("with-value", "", "previous value")
			withIndex := fs.Int("with-index", 0, "previous index")
			return func(cx *cmdContext) int {
				return cx.remove(v2client.DeleteOptions{Dir: dir, Recursive: recursive, PrevValue: *withValue, PrevIndex: nonNegative(*withIndex)})
			}
		},
	}
}

func rmdirCommand() *command {
	return &command{
		name: "rmdir", usage: "removes the key if it is an empty directory or a key-value pair", argsUsage: "<key>",
		setup: func(fs *flagSet) action {
			return func(cx *cmdContext) int {
				return cx.remove(v2client.DeleteOptions{Dir: true})
			}
		},
	}
}

// remove runs a DELETE and prints the answer, except for directories in simple mode.
func (cx *cmdContext) remove(opts v2client.DeleteOptions) int {
	key, ok := cx.key()
	if !ok {
		return cx.app.fail(exitBadArgs, errKeyRequired)
	}
	c, code, ok := cx.newClient(true)
	if !ok {
		return code
	}
	ctx, cancel := cx.totalTimeoutContext()
	resp, err := c.Delete(ctx, key, opts)
	cancel()
	if err != nil {
		return cx.app.fail(exitServerError, err)
	}
	if resp.Node == nil || !resp.Node.Dir || !cx.isSimple() {
		cx.printResponse(resp)
	}
	return exitSuccess
}

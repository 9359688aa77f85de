package main

import (
	"context"

	"time"

	"github.com/raftlab/raftlab/cmd/internal/v2client"
)

func setCommand() *command {
	return &command{
		name: "set", usage: "set the value of a key", argsUsage: "<key> <value>",
		description: "Set sets the value of a key.\n\n   When <value> begins with '-', <value> is interpreted as a flag.\n   Insert '--' for workaround:\n\n   $ set -- <key> <value>",
		setup: func(fs *flagSet) action {
			ttl := fs.Int("ttl", 0, "key time-to-live in seconds")
			swapValue := fs.String("swap-with-value", "", "previous value")
			swapIndex := fs.Int("swap-with-index", 0, "previous index")
			return func(cx *cmdContext) int {
				return cx.writeValue(v2client.SetOptions{TTL: seconds(*ttl), PrevValue: *swapValue, PrevIndex: nonNegative(*swapIndex)})
			}
		},
	}
}

func mkCommand() *command {
	return &command{
		name: "mk", usage: "make a new key with a given value", argsUsage: "<key> <value>",
		setup: func(fs *flagSet) action {
			inOrder := fs.Bool("in-order", false, "create in-order key under directory <key>")
			ttl := fs.Int("ttl", 0, "key time-to-live in seconds")
			return func(cx *cmdContext) int {
				if *inOrder {
					return cx.createInOrder(seconds(*ttl))
				}
				return cx.writeValue(v2client.SetOptions{TTL: seconds(*ttl), PrevExist: v2client.PrevNoExist})
			}
		},
	}
}

func updateCommand() *command {
	return &command{
		name: "update", usage: "update an existing key with a given value", argsUsage: "<key> <value>",
		setup: func(fs *flagSet) action {
			ttl := fs.Int("ttl", 0, "key time-to-live in seconds")
			return func(cx *cmdContext) int {
				return cx.writeValue(v2client.SetOptions{TTL: seconds(*ttl), PrevExist: v2client.PrevExist})
			}
		},
	}
}

func mkdirCommand() *command {
	return dirCommand("mkdir", "make a new directory", v2client.PrevNoExist)
}

func setdirCommand() *command {
	return dirCommand("setdir", "create a new directory or update an existing directory TTL", v2client.PrevIgnore)
}

func updatedirCommand() *command {
	c := dirCommand("updatedir", "update an existing directory", v2client.PrevExist)
	c.argsUsage = "<key> <value>" // etcdctl's help says so, though updatedir takes no value
	return c
}

// dirCommand builds mkdir, setdir and updatedir, which differ only in prevExist.
func dirCommand(name, usage, prevExist string) *command {
	return &command{
		name: name, usage: usage, argsUsage: "<key>",
		setup: func(fs *flagSet) action {
			ttl := fs.Int("ttl", 0, "key time-to-live in seconds")
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
				resp, err := c.Set(ctx, key, "", v2client.SetOptions{TTL: seconds(*ttl), Dir: true, PrevExist: prevExist})
				cancel()
				if err != nil {
					return cx.app.fail(exitServerError, err)
				}
				if !cx.isSimple() {
					cx.printResponse(resp)
				}
				return exitSuccess
			}
		},
	}
}

// writeValue runs a PUT of <key> <value> (value from stdin when missing) and prints the answer.
func (cx *cmdContext) writeValue(opts v2client.SetOptions) int {
	return cx.sendKeyValue(func(ctx context.Context, c *v2client.Client, key, value string) (*v2client.Response, error) {
		return c.Set(ctx, key, value, opts)
	})
}

// createInOrder runs mk --in-order: a POST under the directory <key>.
func (cx *cmdContext) createInOrder(ttl time.Duration) int {
	return cx.sendKeyValue(func(ctx context.Context, c *v2client.Client, dir, value string) (*v2client.Response, error) {
		return c.CreateInOrder(ctx, dir, value, ttl)
	})
}

// sendKeyValue reads <key> and <value> (value from stdin when missing), sends them with send and
// prints the answer, with etcdctl's exit codes.
func (cx *cmdContext) sendKeyValue(send func(ctx context.Context, c *v2client.Client, key, value string) (*v2client.Response, error)) int {
	key, ok := cx.key()
	if !ok {
		return cx.app.fail(exitBadArgs, errKeyRequired)
	}
	value, err := cx.value()
	if err != nil {
		return cx.app.fail(exitBadArgs, err)
	}
	c, code, ok := cx.newClient(true)
	if !ok {
		return code
	}
	ctx, cancel := cx.totalTimeoutContext()
	resp, err := send(ctx, c, key, value)
	cancel()
	if err != nil {
		return cx.app.fail(exitServerError, err)
	}
	cx.printResponse(resp)
	return exitSuccess
}

// nonNegative converts an int flag to an index; negative values mean "not given".
func nonNegative(n int) uint64 {
	if n < 0 {
		return 0
	}
	return uint64(n)
}

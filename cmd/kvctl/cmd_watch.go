package main

import (
	"errors"

	"fmt"
	"os"
	"os/exec"

	"github.com/raftlab/raftlab/cmd/internal/v2client"
)

func watchCommand() *command {
	return &command{
		name: "watch", usage: "watch a key for changes", argsUsage: "<key>",
		setup: func(fs *flagSet) action {
			var forever, recursive bool
			fs.boolAliases(&forever, "forever watch a key until CTRL+C", "forever", "f")
			afterIndex := fs.Int("after-index", 0, "watch after the given index")
			fs.boolAliases(&recursive, "returns all values for key and child keys", "recursive", "r")
			return func(cx *cmdContext) int {
				key, ok := cx.key()
				if !ok {
					return cx.app.fail(exitBadArgs, errKeyRequired)
				}
				c, code, ok := cx.newClient(true)
				if !ok {
					return code
				}
				w := c.Watch(key, v2client.WatchOptions{AfterIndex: nonNegative(*afterIndex), Recursive: recursive})
				for {
					resp, err := w.Next(cx.app.ctx)
					if err != nil {
						if cx.app.ctx.Err() != nil {
							return exitSuccess // interrupted, as etcdctl exits 0 on Ctrl+C
						}
						return cx.app.fail(exitServerError, err)
					}
					if resp.Node == nil || resp.Node.Dir {
						continue
					}
					if recursive {
						fmt.Fprintf(cx.app.stdout, "[%s] %s\n", resp.Action, resp.Node.Key)
					}
					cx.printResponse(resp)
					if !forever {
						return exitSuccess
					}
				}
			}
		},
	}
}

func execWatchCommand() *command {
	return &command{
		name: "exec-watch", usage: "watch a key for changes and exec an executable", argsUsage: "<key> <command> [args...]",
		parse: parseLeading,
		setup: func(fs *flagSet) action {
			var recursive bool
			afterIndex := fs.Int("after-index", 0, "watch after the given index")
			fs.boolAliases(&recursive, "watch all values for key and child keys", "recursive", "r")
			return func(cx *cmdContext) int {
				key, argv, err := splitExecWatchArgs(cx.args)
				if err != nil {
					return cx.app.fail(exitBadArgs, err)
				}
				// The watcher asks for waitIndex = after-index+1, as etcdctl 3.5's exec-watch does.
				var index uint64
				if *afterIndex > 0 {
					index = uint64(*afterIndex)
				}
				c, code, ok := cx.newClient(true)
				if !ok {
					return code
				}
				w := c.Watch(key, v2client.WatchOptions{AfterIndex: index, Recursive: recursive})
				for {
					resp, err := w.Next(cx.app.ctx)
					if err != nil {
						if cx.app.ctx.Err() != nil {
							return exitSuccess
						}
						return cx.app.fail(exitServerError, err)
					}
					if resp.Node == nil || resp.Node.Dir {
						if resp.Node != nil {
							fmt.Fprintf(cx.app.stderr, "Ignored dir %s change\n", resp.Node.Key)
						}
						continue
					}
					if code, ok := cx.execFor(resp, argv); !ok {
						return code
					}
				}
			}
		},
	}
}

// splitExecWatchArgs accepts `<key> -- <cmd> [args]` and `<cmd> [args] <key>`.
func splitExecWatchArgs(args []string) (string, []string, error) {
	if len(args) < 2 {
		return "", nil, errors.New("key and command to exec required")
	}
	for i := 1; i < len(args); i++ {
		if args[i] == "--" {
			if i+1 >= len(args) {
				return "", nil, errors.New("key and command to exec required")
			}
			return args[0], args[i+1:], nil
		}
	}
	return args[len(args)-1], args[:len(args)-1], nil
}

// execFor runs the command for one event with ETCD_WATCH_* in its environment and waits for
// it. Its exit status is ignored, as in etcdctl; failing to start it ends kvctl with 1.
func (cx *cmdContext) execFor(resp *v2client.Response, argv []string) (int, bool) {
	cmd := exec.CommandContext(cx.app.ctx, argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(),
		"ETCD_WATCH_ACTION="+resp.Action,
		fmt.Sprintf("ETCD_WATCH_MODIFIED_INDEX=%d", resp.Node.ModifiedIndex),
		"ETCD_WATCH_KEY="+resp.Node.Key,
		"ETCD_WATCH_VALUE="+resp.Node.Value,
	)
	cmd.Stdin = nil
	cmd.Stdout = cx.app.stdout
	cmd.Stderr = cx.app.stderr
	if err := cmd.Start(); err != nil {
		fmt.Fprint(cx.app.stderr, err.Error())
		return exitError, false
	}
	_ = cmd.Wait()
	return exitSuccess, true
}

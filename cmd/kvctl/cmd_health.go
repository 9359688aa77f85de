package main

import (
	"fmt"
	"time"
)

func clusterHealthCommand() *command {
	return &command{
		name: "cluster-health", usage: "check the health of the etcd cluster", argsUsage: " ",
		setup: func(fs *flagSet) action {
			var forever bool
			fs.boolAliases(&forever, "forever check the health every 10 second until CTRL+C", "forever", "f")
			return func(cx *cmdContext) int {
				return cx.clusterHealth(forever)
			}
		},
	}
}

// clusterHealth lists the members (without syncing first) and asks each one's /health, one
// client URL after another until one answers.
func (cx *cmdContext) clusterHealth(forever bool) int {
	c, code, ok := cx.newClient(false)
	if !ok {
		return code
	}
	ctx, cancel := cx.totalTimeoutContext()
	members, err := c.Members(ctx)
	cancel()
	if err != nil {
		fmt.Fprintln(cx.app.stdout, "cluster may be unhealthy: failed to list members")
		return cx.app.fail(exitServerError, err)
	}
	out := cx.app.stdout
	for {
		healthy := 0
		for _, m := range members {
			if len(m.ClientURLs) == 0 {
				fmt.Fprintf(out, "member %s is unreachable: no available published client urls\n", m.ID)
				continue
			}
			checked := false
			for _, u := range m.ClientURLs {
				ctx, cancel := cx.totalTimeoutContext()
				ok, err := c.Health(ctx, u)
				cancel()
				if err != nil {
					fmt.Fprintf(out, "failed to check the health of member %s on %s: %v\n", m.ID, u, err)
					continue
				}
				checked = true
				if ok {
					fmt.Fprintf(out, "member %s is healthy: got healthy result from %s\n", m.ID, u)
					healthy++
				} else {
					fmt.Fprintf(out, "member %s is unhealthy: got unhealthy result from %s\n", m.ID, u)
				}
				break
			}
			if !checked {
				fmt.Fprintf(out, "member %s is unreachable: %v are all unreachable\n", m.ID, m.ClientURLs)
			}
		}
		switch healthy {
		case len(members):
			fmt.Fprintln(out, "cluster is healthy")
		case 0:
			fmt.Fprintln(out, "cluster is unavailable")
		default:
			fmt.Fprintln(out, "cluster is degraded")
		}
		if !forever {
			if healthy == len(members) {
				return exitSuccess
			}
			return exitClusterNotHealthy
		}
		fmt.Fprintf(out, "\nnext check after 10 second...\n\n")
		timer := time.NewTimer(cx.app.healthInterval)
		select {
		case <-cx.app.ctx.Done():
			timer.Stop()
			return exitSuccess
		case <-timer.C:
		}
	}
}

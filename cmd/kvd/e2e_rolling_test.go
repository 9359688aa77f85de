package main

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/scenarios/etcdref"
)

// rollTiming is etcd's default timing: the figures compare with a default etcd.
var rollTiming = []string{"--heartbeat-interval", "100", "--election-timeout", "1000"}

const rollElectionTimeout = time.Second

// rollingRestart restarts every member of c once with SIGTERM, one after the other, always taking
// the current leader first while it has not been restarted yet, under rollLoad. It returns the
// figures and how many of the stops were of the leader.
func rollingRestart(t *testing.T, c *cluster) (rollFigures, *rollLoad, int) {
	load := newRollLoad(c.endpoints(), "/roll")
	stop := load.run(t, 6)
	defer stop()
	time.Sleep(time.Second) // the load runs before anything happens
	leaderStops := 0
	var restarted []*member
	for range c.members {
		next := c.members[c.leaderIndex(t, nil)]
		if slices.Contains(restarted, next) {
			for _, m := range c.members {
				if !slices.Contains(restarted, m) {
					next = m
					break
				}
			}
		} else {
			leaderStops++
		}
		t.Logf("%s stopping %s", time.Now().Format("15:04:05.000"), next.name)
		next.terminate(t)
		t.Logf("%s stopped %s", time.Now().Format("15:04:05.000"), next.name)
		if next.bin == "" {
			require.NoError(t, next.exitErr, "a graceful stop exits with status 0")
		} // etcd ends by raising SIGTERM again once it has cleaned up
		next.start(t, append(c.staticArgs(), rollTiming...)...)
		next.waitHealthy(t)
		t.Logf("%s healthy %s", time.Now().Format("15:04:05.000"), next.name)
		restarted = append(restarted, next)
		time.Sleep(2 * rollElectionTimeout) // the restarted member catches up before the next stop
	}
	stop()
	return load.figures(), load, leaderStops
}

// TestRollingRestartUnderLoad restarts all three members of a kvd cluster under load from clients
// that use every endpoint and every kind of request: no request fails, no acknowledged write is
// missed by the watch, and no write waits an election timeout (the leader hands off its leadership
// when it receives SIGTERM instead of leaving the cluster to time out).
func TestRollingRestartUnderLoad(t *testing.T) {
	c := startClusterOf(t, 3, "", rollTiming...)
	f, load, leaderStops := rollingRestart(t, c)
	t.Logf("kvd rolling restart (%d leader stops): %s", leaderStops, f)
	t.Logf("worst: %s", load.worstWhat)
	for _, f := range load.failures {
		t.Logf("failure: %s", f)
	}
	if os.Getenv("KVD_ROLL_LOGS") != "" {
		for _, m := range c.members {
			t.Logf("--- %s ---\n%s", m.name, m.stderr.String())
		}
	}
	assert.GreaterOrEqual(t, leaderStops, 1)
	assert.Empty(t, load.failures, "failed client requests")
	assert.Empty(t, load.missedByWatch(), "acknowledged writes the watch never saw")
	assert.Greater(t, f.writes, 100)
	assert.Less(t, f.worst, rollElectionTimeout, "the worst write latency during the roll")
}

// TestRollingRestartEtcdReference runs the same roll against the real etcd v3.5.33 (KVD_ROLL_ETCD=1):
// the figures for the README's comparison.
func TestRollingRestartEtcdReference(t *testing.T) {
	if os.Getenv("KVD_ROLL_ETCD") == "" {
		t.Skip("set KVD_ROLL_ETCD=1 to run the rolling restart against the real etcd")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	bins, err := etcdref.Build(ctx)
	require.NoError(t, err)
	c := startClusterOf(t, 3, bins.Etcd, rollTiming...)
	f, load, leaderStops := rollingRestart(t, c)
	t.Logf("etcd %s rolling restart (%d leader stops): %s", etcdref.Version, leaderStops, f)
	for _, failure := range load.failures[:min(len(load.failures), 10)] {
		t.Logf("etcd failure: %s", failure)
	}
}

package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	client "go.etcd.io/etcd/client/v2"

	"github.com/raftlab/raftlab/checker"
	"github.com/raftlab/raftlab/checker/history"
)

// crashCycles is how many kill -9 / restart cycles TestCrashLoop runs: KVD_CRASH_CYCLES if set,
// fewer under -short.
func crashCycles(t *testing.T) int {
	if s := os.Getenv("KVD_CRASH_CYCLES"); s != "" {
		n, err := strconv.Atoi(s)
		require.NoError(t, err, "KVD_CRASH_CYCLES")
		require.Positive(t, n, "KVD_CRASH_CYCLES")
		return n
	}
	if testing.Short() {
		return 6
	}
	return 25
}

// TestCrashLoop runs a 3-node cluster under concurrent writes, compare-and-swaps and quorum reads
// from several clients while a killer repeatedly kills a member with kill -9 (the leader half of
// the time) and restarts it from its data dir. The real client history, including the final
// quorum reads of every key, must be linearizable, and every acknowledged write must survive.
func TestCrashLoop(t *testing.T) {
	cycles := crashCycles(t)
	c := startCluster(t, 3)
	keys := []string{"/crash/a", "/crash/b", "/crash/c", "/crash/d", "/crash/e", "/crash/f"}
	rec := newRecorder()
	ctx, stopClients := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	const clients = 4
	for id := range clients {
		lc := newLoadClient(t, id, c, keys, rec)
		wg.Go(func() { lc.run(ctx) })
	}
	defer func() { stopClients(); wg.Wait() }()

	seed := uint64(time.Now().UnixNano())
	t.Logf("killer seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 9))
	leaderKills := 0
	for cycle := range cycles {
		for _, m := range c.members {
			m.waitHealthy(t)
		}
		time.Sleep(time.Duration(150+rng.IntN(350)) * time.Millisecond) // let load build up
		victim := c.members[rng.IntN(len(c.members))]
		if rng.IntN(2) == 0 {
			victim = c.members[c.leaderIndex(t, nil)]
			leaderKills++
		}
		victim.kill()
		t.Logf("cycle %d: killed %s", cycle+1, victim.Name)
		time.Sleep(time.Duration(100+rng.IntN(400)) * time.Millisecond) // run without it for a while
		victim.start(t, c.staticArgs()...)
	}
	for _, m := range c.members {
		m.waitHealthy(t)
	}
	time.Sleep(300 * time.Millisecond)
	stopClients()
	wg.Wait()

	ops := rec.history()
	final := finalReads(t, c, keys, rec, clients)
	ops = append(ops, final...)
	lost := lostWrites(ops, final)
	verdict := checker.Check(ops, checker.Options{Timeout: 30 * time.Second})
	acked, unknown := countOutcomes(ops)
	t.Logf("crash loop: %d cycles (%d leader kills), %d ops recorded, %d checked on %d keys, %d acknowledged writes, %d unknown outcomes, %d writes lost",
		cycles, leaderKills, len(ops), verdict.OpsChecked, verdict.KeysChecked, acked, unknown, len(lost))
	assert.Empty(t, lost, "acknowledged writes lost")
	require.False(t, verdict.TimedOut, "the checker timed out: %v", verdict.Problems)
	require.True(t, verdict.Linearizable, "history not linearizable: %v", verdict.Problems)
	require.Positive(t, acked, "no write was acknowledged: the run tested nothing")
}

// finalReads reads every key with quorum=true once the cluster has settled; they join the
// history as one more client, after every other operation.
func finalReads(t *testing.T, c *cluster, keys []string, rec *recorder, clientID int) []history.Op {
	t.Helper()
	kapi := newKeysAPI(t, c.endpoints())
	var out []history.Op
	for _, key := range keys {
		op := history.Op{Client: clientID, Kind: history.KindQGet, Key: key}
		require.Eventually(t, func() bool {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			defer cancel()
			op.Call = rec.now()
			resp, err := kapi.Get(ctx, key, &client.GetOptions{Quorum: true})
			op.Return = rec.now()
			switch {
			case err == nil:
				op.Outcome, op.Found, op.Result, op.Index = history.OutcomeOK, true, resp.Node.Value, resp.Node.ModifiedIndex
				return true
			case client.IsKeyNotFound(err):
				op.Outcome = history.OutcomeOK
				return true
			}
			return false
		}, 20*time.Second, 50*time.Millisecond, "final quorum read of %s", key)
		out = append(out, op)
	}
	return out
}

// lostWrites compares each key's final value with the writes that could have produced it: an
// acknowledged write that no later acknowledged write (one called after it returned) overwrote,
// or any write with an unknown outcome. An acknowledged key whose final value is none of those
// lost its last acknowledged write.
func lostWrites(ops, final []history.Op) []string {
	var lost []string
	for _, fin := range final {
		var writes []history.Op
		for _, op := range ops {
			if op.Key == fin.Key && op.Kind.WritesValue() && op.Outcome != history.OutcomeFail {
				writes = append(writes, op)
			}
		}
		possible := map[string]bool{}
		acked := false
		for _, w := range writes {
			if w.Outcome == history.OutcomeUnknown {
				possible[w.Value] = true
				continue
			}
			acked = true
			overwritten := false
			for _, later := range writes {
				if later.Outcome == history.OutcomeOK && later.Call > w.Return {
					overwritten = true
					break
				}
			}
			if !overwritten {
				possible[w.Value] = true
			}
		}
		if acked && (!fin.Found || !possible[fin.Result]) {
			lost = append(lost, fmt.Sprintf("%s: final value %q (found %v) is no acknowledged or possible write", fin.Key, fin.Result, fin.Found))
		}
	}
	return lost
}

func countOutcomes(ops []history.Op) (ackedWrites, unknown int) {
	for _, op := range ops {
		switch {
		case op.Outcome == history.OutcomeUnknown:
			unknown++
		case op.Kind.IsWrite() && op.Outcome == history.OutcomeOK:
			ackedWrites++
		}
	}
	return ackedWrites, unknown
}

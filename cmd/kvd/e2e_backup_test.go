package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.etcd.io/etcd/client/v2"
)

// writeLoad writes distinct keys through every endpoint and records each acknowledged write with
// the time of its acknowledgement.
type writeLoad struct {
	mu    sync.Mutex
	acked map[string]time.Time
}

func (l *writeLoad) run(ctx context.Context, t *testing.T, endpoints []string, writers, perWriter int) *sync.WaitGroup {
	var wg sync.WaitGroup
	for w := range writers {
		kapi := newKeysAPI(t, []string{endpoints[w%len(endpoints)]})
		wg.Go(func() {
			for i := range perWriter {
				if ctx.Err() != nil {
					return
				}
				key := fmt.Sprintf("/load/w%d-%05d", w, i)
				wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
				_, err := kapi.Set(wctx, key, strconv.Itoa(i), nil)
				cancel()
				if err == nil {
					l.mu.Lock()
					l.acked[key] = time.Now()
					l.mu.Unlock()
				}
			}
		})
	}
	return &wg
}

// ackedBefore lists the writes acknowledged before at.
func (l *writeLoad) ackedBefore(at time.Time) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var keys []string
	for k, ackAt := range l.acked {
		if ackAt.Before(at) {
			keys = append(keys, k)
		}
	}
	return keys
}

var commitIndexRE = regexp.MustCompile(`commit index (\d+)\)`)

// TestBackupRestoreAndGrow is etcd v2's disaster recovery on real processes: every member of a
// three-member cluster is backed up with kvctl backup while clients write through every endpoint,
// the cluster is destroyed, the backup with the highest commit index is started with
// --force-new-cluster on the peer URL of a destroyed member, and the cluster is grown back to three
// with member add. Every write acknowledged before the backups started is on every new member, and
// an old member that comes back is refused by the new cluster (new cluster ID).
func TestBackupRestoreAndGrow(t *testing.T) {
	kvctl := buildKvctl(t)
	c := startCluster(t, 3)
	load := &writeLoad{acked: map[string]time.Time{}}
	ctx, stopLoad := context.WithTimeout(context.Background(), 60*time.Second)
	defer stopLoad()
	wg := load.run(ctx, t, c.endpoints(), 6, 3000)
	require.Eventually(t, func() bool { return len(load.ackedBefore(time.Now())) >= 200 }, 30*time.Second, 10*time.Millisecond)

	backupStart := time.Now()
	mustHave := load.ackedBefore(backupStart)
	backups := make([]string, len(c.members))
	best, bestCommit := -1, -1
	for i, m := range c.members {
		backups[i] = filepath.Join(c.dir, "backup-"+m.Name)
		res := runKvctl(t, kvctl, "backup", "--data-dir", m.DataDir, "--backup-dir", backups[i])
		require.Equal(t, 0, res.code, res.stderr)
		match := commitIndexRE.FindStringSubmatch(res.stdout)
		require.NotNil(t, match, res.stdout)
		commit, _ := strconv.Atoi(match[1])
		if commit > bestCommit {
			best, bestCommit = i, commit
		}
	}
	// A little more load after the backups, then the disaster.
	require.Eventually(t, func() bool { return len(load.ackedBefore(time.Now())) >= len(mustHave)+50 }, 30*time.Second, 10*time.Millisecond)
	stopLoad()
	wg.Wait()
	survivor := c.members[2] // its data dir is kept to show that the old cluster cannot come back in
	for _, m := range c.members {
		m.kill()
		if m != survivor {
			require.NoError(t, os.RemoveAll(m.DataDir))
		}
	}
	t.Logf("%d writes acknowledged before the backups; restoring %s (commit index %d)", len(mustHave), backups[best], bestCommit)

	restored := newMember(t, "restored1", c.dir)
	restored.DataDir = backups[best]
	restored.PeerURL = c.members[0].PeerURL // reuse a destroyed member's peer address
	restored.PeerListen = restored.PeerURL
	restored.start(t, "--force-new-cluster")
	restored.waitHealthy(t)
	assert.Contains(t, restored.RunLog(), "forced a new one-member cluster")

	members := kvctlMemberList(t, kvctl, restored.ClientURL)
	require.Len(t, members, 1, "one member after --force-new-cluster")
	initial := "restored1=" + restored.PeerURL
	grown := []*member{restored}
	for _, name := range []string{"restored2", "restored3"} {
		m := newMember(t, name, c.dir)
		// Strict reconfiguration waits for the previous member to publish its name.
		var res kvctlResult
		require.Eventually(t, func() bool {
			res = runKvctl(t, kvctl, "--endpoints", restored.ClientURL, "member", "add", name, m.PeerURL)
			return res.code == 0
		}, 20*time.Second, 100*time.Millisecond, "member add %s: %s", name, res.stderr)
		initial += "," + name + "=" + m.PeerURL
		m.start(t, "--initial-cluster", initial, "--initial-cluster-state", "existing")
		m.waitHealthy(t)
		grown = append(grown, m)
	}
	require.Len(t, kvctlMemberList(t, kvctl, restored.ClientURL), 3)

	for _, m := range grown {
		kapi := newKeysAPI(t, []string{m.ClientURL})
		var missing []string
		require.Eventually(t, func() bool {
			resp, err := kapi.Get(ctxTimeout(t, 10*time.Second), "/load", &client.GetOptions{Recursive: true})
			if err != nil {
				return false
			}
			have := map[string]bool{}
			for _, n := range resp.Node.Nodes {
				have[n.Key] = true
			}
			missing = missing[:0]
			for _, k := range mustHave {
				if !have[k] {
					missing = append(missing, k)
				}
			}
			return len(missing) == 0
		}, 20*time.Second, 50*time.Millisecond, "%s misses acknowledged writes: %v", m.Name, missing)
	}
	_, err := newKeysAPI(t, []string{grown[2].ClientURL}).Set(ctxTimeout(t, 10*time.Second), "/after-restore", "ok", nil)
	require.NoError(t, err)

	// The old member restarts from its data dir: its peers' addresses now belong to the new
	// cluster, which refuses its streams.
	survivor.start(t, c.staticArgs()...)
	require.Eventually(t, func() bool {
		return strings.Contains(restored.RunLog()+grown[1].RunLog(), "cluster ID mismatch")
	}, 20*time.Second, 50*time.Millisecond, "the new cluster never refused the old member")
	require.Len(t, kvctlMemberList(t, kvctl, restored.ClientURL), 3, "the old member did not get in")
	_, err = newKeysAPI(t, []string{restored.ClientURL}).Set(ctxTimeout(t, 10*time.Second), "/still-serving", "ok", nil)
	require.NoError(t, err)
}

// kvctlMemberList runs kvctl member list (once the members published their client URLs) and returns
// its lines.
func kvctlMemberList(t *testing.T, kvctl, endpoint string) []string {
	t.Helper()
	var res kvctlResult
	require.Eventually(t, func() bool {
		res = runKvctl(t, kvctl, "--endpoints", endpoint, "member", "list")
		return res.code == 0
	}, 20*time.Second, 100*time.Millisecond, "member list: %s", res.stderr)
	return strings.Split(strings.TrimSpace(res.stdout), "\n")
}

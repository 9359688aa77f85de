package main

import (
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// snapshotValueBytes is the size of each value TestLargeSnapshotCatchesUpANewMember writes.
const snapshotValueBytes = 1 << 20

// bigSnapshotPlan is what TestLargeSnapshotCatchesUpANewMember writes and the limits it runs under.
type bigSnapshotPlan struct {
	values     int   // values of snapshotValueBytes
	frameBytes int   // --peer-max-frame-bytes
	goMemLimit int64 // GOMEMLIMIT of every member
	rssKill    int64 // the watchdog kills a member past this RSS
	// timing overrides the e2e members' fast elections (with hundreds of MiB, etcd's defaults: a
	// busy machine otherwise delays heartbeats past 200 ms and the members elect one leader after
	// another).
	timing []string
}

// bigSnapshotPlanFromEnv is the CI plan (12 MiB of values, so a snapshot of several times the 2 MiB
// frame limit), or, with KVD_BIG_SNAPSHOT_MIB=N, N MiB of values under the default frame limit and
// etcd's default timing.
func bigSnapshotPlanFromEnv(t *testing.T) bigSnapshotPlan {
	p := bigSnapshotPlan{values: 12, frameBytes: 2 << 20}
	if v := os.Getenv("KVD_BIG_SNAPSHOT_MIB"); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(t, err, "KVD_BIG_SNAPSHOT_MIB")
		p = bigSnapshotPlan{values: n, frameBytes: 64 << 20,
			timing: []string{"--heartbeat-interval", "100", "--election-timeout", "1000"}}
	}
	live := int64(p.values) * snapshotValueBytes
	p.goMemLimit = 3*live + 256<<20
	p.rssKill = 6*live + 768<<20
	return p
}

// snapshotValue is the value of key i: its size is snapshotValueBytes and it names its key.
func snapshotValue(i int) string {
	head := fmt.Sprintf("value-%05d-", i)
	return head + strings.Repeat(string(rune('a'+i%26)), snapshotValueBytes-len(head))
}

var snapshotSentLine = regexp.MustCompile(`msg="snapshot sent".* bytes=(\d+) took=(\S+)`)

// TestLargeSnapshotCatchesUpANewMember fills a 3-member cluster with 1 MiB values until its snapshot
// is several times the peer frame limit, adds a member, and checks that the new member catches up
// (the snapshot is streamed in chunks; framed, it was dropped as oversized every second and the
// member never caught up) while every member stays under its memory limits. KVD_BIG_SNAPSHOT_MIB=N
// runs it with N MiB of values under the default frame limit and logs the figures.
func TestLargeSnapshotCatchesUpANewMember(t *testing.T) {
	if testing.Short() {
		t.Skip("e2e test with large values: runs without -short")
	}
	plan := bigSnapshotPlanFromEnv(t)
	watch := watchRSS(t, plan.rssKill)
	env := []string{"GOMEMLIMIT=" + strconv.FormatInt(plan.goMemLimit, 10)}
	extra := append([]string{"--peer-max-frame-bytes", strconv.Itoa(plan.frameBytes)}, plan.timing...)
	c := &cluster{dir: t.TempDir()}
	var pairs []string
	for i := range 3 {
		m := newMember(t, fmt.Sprintf("infra%d", i+1), c.dir)
		m.env = env
		c.members = append(c.members, m)
		pairs = append(pairs, m.Name+"="+m.PeerURL)
	}
	c.initial = strings.Join(pairs, ",")
	for _, m := range c.members {
		m.start(t, append(c.staticArgs(), extra...)...)
		watch.track(m)
	}
	for _, m := range c.members {
		m.waitHealthy(t)
	}
	waitNamesPublished(t, c.members[0].ClientURL)

	begin := time.Now()
	writeKeys(t, c.members[0].ClientURL, plan.values, 4, func(i int) (string, string) {
		return fmt.Sprintf("/big/%05d", i), snapshotValue(i)
	})
	wrote := time.Since(begin)

	joiner := newMember(t, "infra4", c.dir)
	joiner.env = env
	code, body, err := authDo(http.MethodPost, c.members[0].ClientURL+"/v2/members", "", "", "application/json",
		`{"peerURLs":["`+joiner.PeerURL+`"]}`)
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, code, body)
	begin = time.Now()
	joiner.start(t, append([]string{"--initial-cluster", c.initial + "," + joiner.Name + "=" + joiner.PeerURL,
		"--initial-cluster-state", "existing"}, extra...)...)
	watch.track(joiner)
	last := fmt.Sprintf("/big/%05d", plan.values-1)
	require.Eventually(t, func() bool {
		var ev struct{ Node struct{ Value string } }
		return getJSON(joiner.ClientURL+"/v2/keys"+last, &ev) == nil && ev.Node.Value == snapshotValue(plan.values-1)
	}, time.Minute+time.Duration(plan.values)*time.Second, 100*time.Millisecond, "the new member never caught up")
	caughtUp := time.Since(begin)
	for _, i := range []int{0, plan.values / 2} {
		requireServes(t, joiner, fmt.Sprintf("/big/%05d", i), snapshotValue(i))
	}

	var sent []string
	for _, m := range c.members {
		assert.NotContains(t, m.Log(), "dropping oversized message", m.Name)
		for _, match := range snapshotSentLine.FindAllStringSubmatch(m.Log(), -1) {
			sent = append(sent, fmt.Sprintf("%s sent %s bytes in %s", m.Name, match[1], match[2]))
		}
	}
	require.NotEmpty(t, sent, "the new member was caught up by a snapshot")
	peak, killed := watch.report()
	require.Empty(t, killed)
	t.Logf("%d MiB of values written in %v; new member caught up in %v; frame limit %d MiB, GOMEMLIMIT %d MiB",
		plan.values, wrote.Round(time.Millisecond), caughtUp.Round(time.Millisecond), plan.frameBytes>>20, plan.goMemLimit>>20)
	for _, s := range sent {
		t.Log("snapshot: " + s)
	}
	for name, rss := range peak {
		t.Logf("%s: peak RSS %d MiB", name, rss>>20)
	}
}

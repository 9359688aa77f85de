package main

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"net"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/node"
)

// addUnstarted adds a member with these peer URLs that never starts, and returns its ID.
func (h *harness) addUnstarted(t *testing.T, peerURLs ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testWait)
	defer cancel()
	m, err := h.admin(t, "", "").AddMember(ctx, peerURLs)
	require.NoError(t, err)
	return m.ID
}

// byID joins per-member texts in the members API's order: by ID.
func byID(t *testing.T, texts map[string]string) string {
	t.Helper()
	ids := slices.SortedFunc(maps.Keys(texts), func(a, b string) int {
		x, err := strconv.ParseUint(a, 16, 64)
		require.NoError(t, err)
		y, err := strconv.ParseUint(b, 16, 64)
		require.NoError(t, err)
		return cmp.Compare(x, y)
	})
	var b strings.Builder
	for _, id := range ids {
		b.WriteString(texts[id])
	}
	return b.String()
}

// peerURL is member i's peer URL as the cluster records it.
func (h *harness) peerURL(t *testing.T, name string) string {
	t.Helper()
	for _, m := range h.cluster.membership() {
		if m.Name == name {
			require.Len(t, m.PeerURLs, 1)
			return m.PeerURLs[0]
		}
	}
	t.Fatalf("no member named %s", name)
	return ""
}

func TestMemberList(t *testing.T) {
	// n2 publishes two client URLs; a fourth member, added with two peer URLs, never starts.
	h := newClusterHarness(t, clusterSpec{members: 3, doors: 2, advertise: func(i int, doors []string) []string {
		if i == 1 {
			return doors
		}
		return doors[:1]
	}})
	unstarted := h.addUnstarted(t, "http://10.0.1.3:2380", "http://10.0.0.3:2380")
	lead := h.cluster.leader(t)
	want := map[string]string{unstarted: unstarted + "[unstarted]: peerURLs=http://10.0.0.3:2380,http://10.0.1.3:2380\n"}
	for _, m := range h.cluster.members {
		urls := []string{m.doors[0].URL()}
		if m.name == "n2" {
			urls = slices.Sorted(slices.Values([]string{m.doors[0].URL(), m.doors[1].URL()}))
		}
		want[m.id()] = fmt.Sprintf("%s: name=%s peerURLs=%s clientURLs=%s isLeader=%v\n",
			m.id(), m.name, h.peerURL(t, m.name), strings.Join(urls, ","), m == lead)
	}
	r := h.run(t, "", "--no-sync", "member", "list")
	assert.Equal(t, result{stdout: byID(t, want)}, r)
	assert.Contains(t, r.stdout, ",", "n2's client URLs and the fourth member's peer URLs are listed comma-separated")

	r = h.run(t, "", "member", "list", "extra")
	assert.Equal(t, result{stderr: "No arguments accepted\n", code: 1}, r)
}

func TestMemberListDuringElection(t *testing.T) {
	// One of the two members of the initial cluster never starts: no leader is ever elected.
	h := newClusterHarness(t, clusterSpec{absent: 1})
	r := h.run(t, "", "--no-sync", "member", "list")
	assert.Equal(t, 1, r.code)
	noLeader := "client: etcd member " + h.srv.URL + " has no leader"
	assert.Equal(t, "Failed to get leader:  client: etcd cluster is unavailable or misconfigured; error #0: "+noLeader+"\n\n", r.stderr)
}

func TestMemberAdd(t *testing.T) {
	h := newClusterHarness(t, clusterSpec{members: 3})
	r := h.run(t, "", "member", "add", "infra3", "http://10.0.0.3:2380")
	require.Equal(t, 0, r.code, r.stderr)
	// The addition is committed when kvctl hears of it; member 0 (whose table the test reads) may
	// be a follower that applies it a moment later.
	require.Eventually(t, func() bool { return len(h.cluster.membership()) == 4 }, 10*time.Second, 5*time.Millisecond,
		"member 0 applies the addition")
	names, conf := map[string]string{}, map[string]string{}
	for _, m := range h.cluster.members {
		names[m.id()] = m.name
	}
	var added string
	for _, m := range h.cluster.membership() {
		id := strconv.FormatUint(m.ID, 16)
		if names[id] == "" {
			added, names[id] = id, "infra3"
		}
		conf[id] = "," + names[id] + "=" + m.PeerURLs[0]
	}
	require.NotEmpty(t, added, "the new member is listed")
	assert.Equal(t, result{stdout: "Added member named infra3 with ID " + added + " to cluster\n\n" +
		"ETCD_NAME=\"infra3\"\n" +
		"ETCD_INITIAL_CLUSTER=\"" + byID(t, conf)[1:] + "\"\n" +
		"ETCD_INITIAL_CLUSTER_STATE=\"existing\"\n"}, r)
	assert.Contains(t, r.stdout, "infra3=http://10.0.0.3:2380")

	// (The same URL again within the same second would be "membership: ID exists": a new
	// member's ID hashes its peer URLs and the time, in etcd as in kvd.)
	r = h.run(t, "", "member", "add", "again", h.peerURL(t, "n2"))
	assert.Equal(t, result{stderr: "membership: peerURL exists\n", code: 1}, r)
	r = h.run(t, "", "member", "add", "bad", "http://10.0.0.4")
	assert.Equal(t, result{stderr: "URL address does not have the form \"host:port\": http://10.0.0.4\n", code: 1}, r)
	r = h.run(t, "", "member", "add", "only-name")
	assert.Equal(t, result{stderr: "Provide a name and a single member peerURL\n", code: 1}, r)
}

func TestMemberRemove(t *testing.T) {
	h := newClusterHarness(t, clusterSpec{members: 3})
	unstarted := h.addUnstarted(t, "http://10.0.0.3:2380")
	require.Len(t, h.cluster.membership(), 4)
	assert.Equal(t, result{stdout: "Removed member " + unstarted + " from cluster\n"}, h.run(t, "", "--no-sync", "member", "remove", unstarted))
	assert.Len(t, h.cluster.membership(), 3)

	r := h.run(t, "", "--no-sync", "member", "remove", unstarted)
	assert.Equal(t, result{stderr: "Couldn't find a member in the cluster with an ID of " + unstarted + ".\n", code: 1}, r)

	r = h.run(t, "", "--no-sync", "member", "remove", "n1")
	assert.Equal(t, 1, r.code)
	assert.Equal(t, "Found a member named n1; if this is correct, please use its ID, eg:\n\tetcdctl member remove "+h.cluster.members[0].id()+"\n"+
		"For more details, read the documentation at https://github.com/coreos/etcd/blob/master/Documentation/runtime-configuration.md#remove-a-member\n\n"+
		"Couldn't find a member in the cluster with an ID of n1.\n", r.stderr)

	r = h.run(t, "", "member", "remove")
	assert.Equal(t, result{stderr: "Provide a single member ID\n", code: 1}, r)
}

func TestMemberUpdate(t *testing.T) {
	h := newClusterHarness(t, clusterSpec{members: 3})
	unstarted := h.addUnstarted(t, "http://10.0.0.3:2380")
	r := h.run(t, "", "--no-sync", "member", "update", unstarted, "http://10.0.0.9:2380,http://10.0.0.8:2380")
	assert.Equal(t, result{stdout: "Updated member with ID " + unstarted + " in cluster\n"}, r)
	i := slices.IndexFunc(h.cluster.membership(), func(m node.Member) bool { return strconv.FormatUint(m.ID, 16) == unstarted })
	require.GreaterOrEqual(t, i, 0)
	assert.Equal(t, []string{"http://10.0.0.8:2380", "http://10.0.0.9:2380"}, h.cluster.membership()[i].PeerURLs)

	r = h.run(t, "", "--no-sync", "member", "update", unstarted, h.peerURL(t, "n1"))
	assert.Equal(t, result{stderr: "membership: peerURL exists\n", code: 1}, r)
	r = h.run(t, "", "--no-sync", "member", "update", "beef", "http://10.0.0.7:2380")
	assert.Equal(t, result{stderr: "No such member: beef\n", code: 1}, r)
	r = h.run(t, "", "member", "update", unstarted)
	assert.Equal(t, result{stderr: "Provide an ID and a list of comma separated peerURL (0xabcd http://example.com,http://example1.com)\n", code: 1}, r)
}

func TestMemberGroupHelp(t *testing.T) {
	h := newHarness(t)
	r := h.run(t, "", "member")
	assert.Equal(t, 0, r.code)
	assert.Contains(t, r.stdout, "   remove  remove an existing member from the etcd cluster\n")
	r = h.run(t, "", "member", "frob")
	assert.Equal(t, result{stderr: "No help topic for 'frob'\n", code: 3}, r, "as etcdctl (parity 17-ctl-cluster.seq)")
}

// deadEndpointBefore returns a URL nobody listens on that sorts before other, so that a
// member publishing both lists it first. Port 1 sorts before every other port of 127.0.0.1 and no
// port allocator hands it out; a free port drawn at random sorts first only when other's port is
// high (the flake this replaced), so it is the fallback when something listens on port 1.
func deadEndpointBefore(t *testing.T, other string) string {
	t.Helper()
	if conn, err := net.Dial("tcp", "127.0.0.1:1"); err == nil {
		_ = conn.Close()
	} else if dead := "http://127.0.0.1:1"; dead < other {
		return dead
	}
	for range 100 {
		if dead := deadEndpoint(t); dead < other {
			return dead
		}
	}
	t.Fatalf("no free port sorts before %s", other)
	return ""
}

func TestClusterHealth(t *testing.T) {
	// An unhealthy member: one of two that never elect a leader (its /health says so at once).
	sick := newClusterHarness(t, clusterSpec{absent: 1}).srv.URL
	refused := func(dead string) string {
		return `Get "` + dead + `/health": dial tcp ` + strings.TrimPrefix(dead, "http://") + ": connect: connection refused"
	}
	t.Run("healthy", func(t *testing.T) {
		h := newClusterHarness(t, clusterSpec{members: 2})
		want := map[string]string{}
		for _, m := range h.cluster.members {
			want[m.id()] = "member " + m.id() + " is healthy: got healthy result from " + m.doors[0].URL() + "\n"
		}
		assert.Equal(t, result{stdout: byID(t, want) + "cluster is healthy\n"}, h.run(t, "", "cluster-health"))
		h.assertNoKeysRequests(t)
	})
	t.Run("degraded", func(t *testing.T) {
		// n1 is healthy, n2 publishes an unhealthy member's URL, n3 an unreachable URL before its
		// own, and a fourth member never started.
		var dead string
		h := newClusterHarness(t, clusterSpec{members: 3, advertise: func(i int, doors []string) []string {
			switch i {
			case 1:
				return []string{sick}
			case 2:
				dead = deadEndpointBefore(t, doors[0])
				return []string{dead, doors[0]}
			}
			return doors
		}})
		unstarted := h.addUnstarted(t, "http://10.0.0.4:2380")
		n1, n2, n3 := h.cluster.members[0], h.cluster.members[1], h.cluster.members[2]
		want := map[string]string{
			n1.id():   "member " + n1.id() + " is healthy: got healthy result from " + n1.doors[0].URL() + "\n",
			n2.id():   "member " + n2.id() + " is unhealthy: got unhealthy result from " + sick + "\n",
			unstarted: "member " + unstarted + " is unreachable: no available published client urls\n",
			n3.id(): "failed to check the health of member " + n3.id() + " on " + dead + ": " + refused(dead) + "\n" +
				"member " + n3.id() + " is healthy: got healthy result from " + n3.doors[0].URL() + "\n",
		}
		assert.Equal(t, result{stdout: byID(t, want) + "cluster is degraded\n", code: 5}, h.run(t, "", "cluster-health"))
		h.assertNoKeysRequests(t)
	})
	t.Run("unavailable", func(t *testing.T) {
		dead := deadEndpoint(t)
		h := newClusterHarness(t, clusterSpec{members: 2, advertise: func(i int, _ []string) []string {
			return [][]string{{sick}, {dead}}[i]
		}})
		n1, n2 := h.cluster.members[0], h.cluster.members[1]
		want := map[string]string{
			n1.id(): "member " + n1.id() + " is unhealthy: got unhealthy result from " + sick + "\n",
			n2.id(): "failed to check the health of member " + n2.id() + " on " + dead + ": " + refused(dead) + "\n" +
				"member " + n2.id() + " is unreachable: [" + dead + "] are all unreachable\n",
		}
		assert.Equal(t, result{stdout: byID(t, want) + "cluster is unavailable\n", code: 5}, h.run(t, "", "cluster-health"))
		h.assertNoKeysRequests(t)
	})
}

// assertNoKeysRequests checks that nothing but the members API and health were asked.
func (h *harness) assertNoKeysRequests(t *testing.T) {
	t.Helper()
	require.NotEmpty(t, h.requests())
	for _, req := range h.requests() {
		assert.NotContains(t, req, "/v2/keys", "cluster-health only lists members")
	}
}

func TestClusterHealthCannotListMembers(t *testing.T) {
	h := newHarness(t)
	dead := deadEndpoint(t)
	r := h.runRaw(t, "", "--endpoints", dead, "cluster-health")
	assert.Equal(t, 4, r.code)
	assert.Equal(t, "cluster may be unhealthy: failed to list members\n", r.stdout)
	assert.Contains(t, r.stderr, "Error:  client: etcd cluster is unavailable or misconfigured; error #0: dial tcp")
}

func TestClusterHealthForever(t *testing.T) {
	h := newHarness(t)
	r := h.runUntil(t, "next check after 10 second...", 1, "cluster-health", "--forever")
	assert.Equal(t, 0, r.code, "an interrupt ends --forever quietly")
	id := h.cluster.members[0].id()
	assert.Equal(t, "member "+id+" is healthy: got healthy result from "+h.srv.URL+"\ncluster is healthy\n\nnext check after 10 second...\n\n", r.stdout)
}

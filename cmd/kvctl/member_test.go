package main

import (
	"net/http"
	"testing"

	"github.com/raftlab/raftlab/cmd/kvctl/internal/fakeetcd"
	"github.com/stretchr/testify/assert"
)

func threeMembers(h *harness) {
	h.fake.SetMembers([]fakeetcd.Member{
		{ID: "1b2c", Name: "n1", PeerURLs: []string{"http://10.0.0.1:2380"}, ClientURLs: []string{h.srv.URL}},
		{ID: "8e9e05c52164694d", Name: "n2", PeerURLs: []string{"http://10.0.0.2:2380", "http://10.0.1.2:2380"}, ClientURLs: []string{"http://10.0.0.2:2379", "http://10.0.1.2:2379"}},
		{ID: "fa11", Name: "", PeerURLs: []string{"http://10.0.0.3:2380"}, ClientURLs: []string{}},
	}, "8e9e05c52164694d")
}

func TestMemberList(t *testing.T) {
	h := newHarness(t)
	threeMembers(h)
	r := h.run(t, "", "--no-sync", "member", "list")
	assert.Equal(t, result{stdout: "1b2c: name=n1 peerURLs=http://10.0.0.1:2380 clientURLs=" + h.srv.URL + " isLeader=false\n" +
		"8e9e05c52164694d: name=n2 peerURLs=http://10.0.0.2:2380,http://10.0.1.2:2380 clientURLs=http://10.0.0.2:2379,http://10.0.1.2:2379 isLeader=true\n" +
		"fa11[unstarted]: peerURLs=http://10.0.0.3:2380\n"}, r)

	r = h.run(t, "", "member", "list", "extra")
	assert.Equal(t, result{stderr: "No arguments accepted\n", code: 1}, r)
}

func TestMemberListDuringElection(t *testing.T) {
	h := newHarness(t)
	h.fake.SetMembers(h.fake.Members(), "")
	r := h.run(t, "", "--no-sync", "member", "list")
	assert.Equal(t, 1, r.code)
	noLeader := "client: etcd member " + h.srv.URL + " has no leader"
	assert.Equal(t, "Failed to get leader:  client: etcd cluster is unavailable or misconfigured; error #0: "+noLeader+"\n\n", r.stderr)
}

func TestMemberAdd(t *testing.T) {
	h := newHarness(t)
	r := h.run(t, "", "member", "add", "infra3", "http://10.0.0.3:2380")
	assert.Equal(t, result{stdout: "Added member named infra3 with ID a001 to cluster\n\n" +
		"ETCD_NAME=\"infra3\"\n" +
		"ETCD_INITIAL_CLUSTER=\"default=http://localhost:2380,infra3=http://10.0.0.3:2380\"\n" +
		"ETCD_INITIAL_CLUSTER_STATE=\"existing\"\n"}, r)

	r = h.run(t, "", "member", "add", "again", "http://10.0.0.3:2380")
	assert.Equal(t, result{stderr: "membership: peerURL exists\n", code: 1}, r)
	r = h.run(t, "", "member", "add", "bad", "http://10.0.0.4")
	assert.Equal(t, result{stderr: "URL address does not have the form \"host:port\": http://10.0.0.4\n", code: 1}, r)
	r = h.run(t, "", "member", "add", "only-name")
	assert.Equal(t, result{stderr: "Provide a name and a single member peerURL\n", code: 1}, r)
}

func TestMemberRemove(t *testing.T) {
	h := newHarness(t)
	threeMembers(h)
	assert.Equal(t, result{stdout: "Removed member fa11 from cluster\n"}, h.run(t, "", "--no-sync", "member", "remove", "fa11"))
	assert.Len(t, h.fake.Members(), 2)

	r := h.run(t, "", "--no-sync", "member", "remove", "fa11")
	assert.Equal(t, result{stderr: "Couldn't find a member in the cluster with an ID of fa11.\n", code: 1}, r)

	r = h.run(t, "", "--no-sync", "member", "remove", "n1")
	assert.Equal(t, 1, r.code)
	assert.Equal(t, "Found a member named n1; if this is correct, please use its ID, eg:\n\tetcdctl member remove 1b2c\n"+
		"For more details, read the documentation at https://github.com/coreos/etcd/blob/master/Documentation/runtime-configuration.md#remove-a-member\n\n"+
		"Couldn't find a member in the cluster with an ID of n1.\n", r.stderr)

	r = h.run(t, "", "member", "remove")
	assert.Equal(t, result{stderr: "Provide a single member ID\n", code: 1}, r)
}

func TestMemberUpdate(t *testing.T) {
	h := newHarness(t)
	threeMembers(h)
	r := h.run(t, "", "--no-sync", "member", "update", "fa11", "http://10.0.0.9:2380,http://10.0.0.8:2380")
	assert.Equal(t, result{stdout: "Updated member with ID fa11 in cluster\n"}, r)
	assert.Equal(t, []string{"http://10.0.0.8:2380", "http://10.0.0.9:2380"}, h.fake.Members()[2].PeerURLs)

	r = h.run(t, "", "--no-sync", "member", "update", "fa11", "http://10.0.0.1:2380")
	assert.Equal(t, result{stderr: "membership: peerURL exists\n", code: 1}, r)
	r = h.run(t, "", "--no-sync", "member", "update", "beef", "http://10.0.0.7:2380")
	assert.Equal(t, result{stderr: "No such member: beef\n", code: 1}, r)
	r = h.run(t, "", "member", "update", "fa11")
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

func TestClusterHealth(t *testing.T) {
	h := newHarness(t)
	healthy := healthServer(t, http.StatusOK, `{"health":"true","reason":""}`)
	sick := healthServer(t, http.StatusServiceUnavailable, `{"health":"false","reason":"RAFT NO LEADER"}`+"\n")
	dead := deadEndpoint(t)

	tests := []struct {
		name    string
		members []fakeetcd.Member
		want    string
		code    int
	}{
		{"healthy", []fakeetcd.Member{
			{ID: "a1", Name: "n1", ClientURLs: []string{h.srv.URL}},
			{ID: "a2", Name: "n2", ClientURLs: []string{healthy}},
		}, "member a1 is healthy: got healthy result from " + h.srv.URL + "\n" +
			"member a2 is healthy: got healthy result from " + healthy + "\n" +
			"cluster is healthy\n", 0},
		{"degraded", []fakeetcd.Member{
			{ID: "a1", Name: "n1", ClientURLs: []string{healthy}},
			{ID: "a2", Name: "n2", ClientURLs: []string{sick}},
			{ID: "a3", Name: "", ClientURLs: []string{}},
			{ID: "a4", Name: "n4", ClientURLs: []string{dead, healthy}},
		}, "member a1 is healthy: got healthy result from " + healthy + "\n" +
			"member a2 is unhealthy: got unhealthy result from " + sick + "\n" +
			"member a3 is unreachable: no available published client urls\n" +
			"failed to check the health of member a4 on " + dead + `: Get "` + dead + `/health": dial tcp ` + dead[len("http://"):] + ": connect: connection refused\n" +
			"member a4 is healthy: got healthy result from " + healthy + "\n" +
			"cluster is degraded\n", 5},
		{"unavailable", []fakeetcd.Member{
			{ID: "a1", Name: "n1", ClientURLs: []string{sick}},
			{ID: "a2", Name: "n2", ClientURLs: []string{dead}},
		}, "member a1 is unhealthy: got unhealthy result from " + sick + "\n" +
			"failed to check the health of member a2 on " + dead + `: Get "` + dead + `/health": dial tcp ` + dead[len("http://"):] + ": connect: connection refused\n" +
			"member a2 is unreachable: [" + dead + "] are all unreachable\n" +
			"cluster is unavailable\n", 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h.fake.SetMembers(tt.members, "a1")
			r := h.run(t, "", "cluster-health")
			assert.Equal(t, result{stdout: tt.want, code: tt.code}, r)
		})
	}
	for _, req := range h.fake.Requests() {
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
	assert.Equal(t, "member "+memberID+" is healthy: got healthy result from "+h.srv.URL+"\ncluster is healthy\n\nnext check after 10 second...\n\n", r.stdout)
}

package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/core/transport"
)

// memberIDs maps the members' names to their IDs, as m's /v2/members lists them, and returns the
// cluster ID.
func memberIDs(t *testing.T, m *member) (cluster uint64, ids map[string]uint64) {
	t.Helper()
	resp, err := httpClient.Get(m.ClientURL + "/v2/members")
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	cluster, err = strconv.ParseUint(resp.Header.Get("X-Etcd-Cluster-Id"), 16, 64)
	require.NoError(t, err)
	var body struct {
		Members []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"members"`
	}
	require.NoError(t, getJSON(m.ClientURL+"/v2/members", &body))
	ids = map[string]uint64{}
	for _, e := range body.Members {
		id, err := strconv.ParseUint(e.ID, 16, 64)
		require.NoError(t, err)
		ids[e.Name] = id
	}
	return cluster, ids
}

// raftTerm is the X-Raft-Term m answers with.
func raftTerm(t *testing.T, m *member) uint64 {
	t.Helper()
	resp, err := httpClient.Get(m.ClientURL + "/v2/keys/")
	require.NoError(t, err)
	_ = resp.Body.Close()
	term, err := strconv.ParseUint(resp.Header.Get("X-Raft-Term"), 10, 64)
	require.NoError(t, err)
	return term
}

// forger is a raftlab transport claiming member ID from in cluster, aimed at targets (member ID
// to peer URL): it speaks the real stream protocol, with messages a member of that ID could send.
func forger(t *testing.T, cluster, from uint64, targets map[uint64]string,
	dial func(ctx context.Context, addr string) (net.Conn, error)) *transport.Transport {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	tr, err := transport.New(transport.Config{LocalID: from, ClusterID: cluster, Listener: ln, Dial: dial,
		Handler: func(raft.Message) {}, BackoffMin: 10 * time.Millisecond, BackoffMax: 20 * time.Millisecond})
	require.NoError(t, err)
	tr.Start()
	t.Cleanup(func() { _ = tr.Close() })
	for id, peerURL := range targets {
		u, err := url.Parse(peerURL)
		require.NoError(t, err)
		tr.AddPeer(id, []string{u.Host})
	}
	return tr
}

// forgeLeadership sends, for a while, what a leader of term 1000 sends: heartbeats and appends.
// Every stream must be refused; it returns the refusal reasons.
func forgeLeadership(t *testing.T, tr *transport.Transport, from uint64, targets map[uint64]string) map[uint64]string {
	t.Helper()
	reasons := map[uint64]string{}
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) && len(reasons) < len(targets) {
		for to := range targets {
			tr.Send([]raft.Message{
				{Type: raft.MsgHeartbeat, From: from, To: to, Term: 1000},
				{Type: raft.MsgApp, From: from, To: to, Term: 1000, LogTerm: 1000, Index: 1 << 20},
			})
		}
		time.Sleep(20 * time.Millisecond)
		for id, st := range tr.Stats() {
			if refused, ok := errors.AsType[*transport.RefusedError](st.LastError); ok {
				reasons[id] = refused.Reason
			}
		}
	}
	return reasons
}

// requireTermsBelow checks every member answers with a term below 1000, after the forged leader
// had every chance to land.
func requireTermsBelow(t *testing.T, members []*member) {
	t.Helper()
	for _, m := range members {
		assert.Less(t, raftTerm(t, m), uint64(1000), "%s adopted the forged leader's term", m.Name)
	}
}

// TestForgedPeerFromUnknownIDCannotMoveTheTerm: a process that knows the cluster ID (any client
// can read it) but is no member speaks the peer protocol to every member as the leader of term
// 1000. Its streams are refused and no member's term moves (it used to jump to 1000 and force an
// election).
func TestForgedPeerFromUnknownIDCannotMoveTheTerm(t *testing.T) {
	c := startCluster(t, 3)
	cluster, ids := memberIDs(t, c.members[0])
	targets := map[uint64]string{}
	for _, m := range c.members {
		targets[ids[m.Name]] = m.PeerURL
	}
	const stranger = 0xdead
	reasons := forgeLeadership(t, forger(t, cluster, stranger, targets, nil), stranger, targets)
	requireTermsBelow(t, c.members)
	require.Len(t, reasons, len(targets), "every member refused the stranger")
	for _, r := range reasons {
		assert.Contains(t, r, "member dead is not a member of cluster")
	}
}

// TestRemovedMembersFramesAreRefused removes a member, then speaks to the others with its ID as the
// leader of term 1000: they refuse its streams and keep their term.
func TestRemovedMembersFramesAreRefused(t *testing.T) {
	c := startCluster(t, 3)
	cluster, ids := memberIDs(t, c.members[0])
	victim, rest := c.members[2], c.members[:2]
	code, _, body, err := curl(http.MethodDelete, rest[0].ClientURL+"/v2/members/"+strconv.FormatUint(ids[victim.Name], 16), nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, code, body)
	for _, m := range rest {
		require.Eventually(t, func() bool {
			_, now := memberIDs(t, m)
			return len(now) == 2
		}, 20*time.Second, 20*time.Millisecond, "%s never applied the removal", m.Name)
	}
	victim.kill()

	targets := map[uint64]string{}
	for _, m := range rest {
		targets[ids[m.Name]] = m.PeerURL
	}
	removed := ids[victim.Name]
	reasons := forgeLeadership(t, forger(t, cluster, removed, targets, nil), removed, targets)
	requireTermsBelow(t, rest)
	require.Len(t, reasons, len(targets), "every remaining member refused the removed one")
	for _, r := range reasons {
		assert.Contains(t, r, fmt.Sprintf("member %x is not a member of cluster", removed))
	}
	code, _, body, err = curl(http.MethodPut, rest[1].ClientURL+"/v2/keys/after-removal", url.Values{"value": {"ok"}})
	require.NoError(t, err)
	assert.Equal(t, http.StatusCreated, code, body)
}

// peerTLSMember returns a member with https URLs, named like its certificate's CN.
func peerTLSMember(t *testing.T, name, dir string) *member {
	return newMemberAt(t, name, dir, "https://"+freePort(t), "http://"+freePort(t))
}

// TestPeerPortRefusesClientCertificateWithAllowedCN runs two members with https peer URLs,
// --peer-client-cert-auth and --peer-cert-allowed-cn naming them. A client certificate signed by
// the same peer CA gets nowhere on the peer port: neither the peer HTTP endpoints nor a raft
// stream. A member's own certificate still does (the control).
func TestPeerPortRefusesClientCertificateWithAllowedCN(t *testing.T) {
	ca := newTestCA(t, "peer-ca")
	dir := t.TempDir()
	members := []*member{peerTLSMember(t, "peer1", dir), peerTLSMember(t, "peer2", dir)}
	static := []string{"--initial-cluster", "peer1=" + members[0].PeerURL + ",peer2=" + members[1].PeerURL,
		"--initial-cluster-token", "cn-token", "--initial-cluster-state", "new"}
	for _, m := range members {
		kp := ca.issue(t, m.Name)
		m.start(t, append(static, "--peer-cert-file", kp.certFile, "--peer-key-file", kp.keyFile,
			"--peer-trusted-ca-file", ca.caFile, "--peer-client-cert-auth", "--peer-cert-allowed-cn", "peer1,peer2")...)
	}
	for _, m := range members {
		m.waitHealthy(t)
	}
	code, _, body, err := curl(http.MethodPut, members[0].ClientURL+"/v2/keys/k", url.Values{"value": {"v"}})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, code, body)

	peer1 := ca.issue(t, "peer1")
	clientCert := ca.issue(t, "client")
	code, _, err = do(httpsClient(ca, &peer1.tls), http.MethodGet, members[1].PeerURL+"/members", "")
	require.NoError(t, err, "a member's certificate is accepted")
	require.Equal(t, http.StatusOK, code)
	_, _, err = do(httpsClient(ca, &clientCert.tls), http.MethodGet, members[1].PeerURL+"/members", "")
	require.Error(t, err, "the client certificate is refused on the peer port")

	// A raft stream with the client certificate, even claiming a member's ID, never gets through.
	cluster, ids := memberIDs(t, members[0])
	tr := forger(t, cluster, ids["peer1"], map[uint64]string{ids["peer2"]: members[1].PeerURL},
		transport.TLSDialer(&tls.Config{Certificates: []tls.Certificate{clientCert.tls}, RootCAs: ca.pool(), MinVersion: tls.VersionTLS12}))
	for range 50 {
		tr.Send([]raft.Message{{Type: raft.MsgHeartbeat, From: ids["peer1"], To: ids["peer2"], Term: 1000}})
		time.Sleep(20 * time.Millisecond)
	}
	st := tr.Stats()[ids["peer2"]]
	assert.Zero(t, st.MessagesSent, "nothing was written on an accepted stream")
	require.Error(t, st.LastError)
	requireTermsBelow(t, members)
}

package server

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/node"
)

// newTLSCluster starts size members whose peer traffic is TLS with client certificates; certs[i]
// is member i's certificate, trusted the pool every member verifies its peers against.
func newTLSCluster(t *testing.T, certs []tls.Certificate, trusted *x509.CertPool) *testCluster {
	t.Helper()
	c := &testCluster{t: t, dir: t.TempDir()}
	for i := range certs {
		addr := freeAddr(t)
		c.addrs = append(c.addrs, addr)
		c.members = append(c.members, node.Member{Name: "m" + string(rune('0'+i)), PeerURLs: []string{"https://" + addr}})
	}
	c.servers = make([]*Server, len(certs))
	t.Cleanup(c.stopAll)
	for i, cert := range certs {
		serverTLS, clientTLS := peerTLS(cert, trusted)
		ln, err := net.Listen("tcp", c.addrs[i])
		require.NoError(t, err)
		s, err := Start(Config{
			Name: c.members[i].Name, DataDir: t.TempDir(), PeerListener: tls.NewListener(ln, serverTLS), PeerTLS: clientTLS,
			PeerURLs: c.members[i].PeerURLs, ClientURLs: []string{"https://client-" + c.members[i].Name},
			InitialCluster: c.members, Token: "tls-token", HeartbeatInterval: testHeartbeat, ElectionTimeout: testElection,
			Logger: quietLogger(), NoSync: true,
		})
		require.NoError(t, err)
		c.servers[i] = s
	}
	return c
}

func TestPeerTLSClusterReplicates(t *testing.T) {
	ca := newTestCA(t, "cluster-ca")
	c := newTLSCluster(t, []tls.Certificate{ca.issue(t, "m0"), ca.issue(t, "m1"), ca.issue(t, "m2")}, ca.pool())
	lead := c.leader()
	rep, err := c.set(lead, "/k", "over-tls")
	require.NoError(t, err)
	require.NoError(t, rep.Err)
	for i := range c.servers {
		require.Eventually(t, func() bool {
			ev, err := c.servers[i].Get("/k", false, false, 0)
			return err == nil && *ev.Node.Value == "over-tls"
		}, 5*time.Second, 5*time.Millisecond, "member %d", i)
	}
}

// TestPeerTLSRefusesUntrustedPeers: a member whose certificate another CA signed cannot take part,
// and a connection without a client certificate fails its handshake.
func TestPeerTLSRefusesUntrustedPeers(t *testing.T) {
	ca, rogue := newTestCA(t, "cluster-ca"), newTestCA(t, "rogue-ca")
	good := ca.issue(t, "m0")
	c := newTLSCluster(t, []tls.Certificate{good, ca.issue(t, "m1")}, ca.pool())
	lead := c.leader()
	rep, err := c.set(lead, "/k", "v")
	require.NoError(t, err)
	require.NoError(t, rep.Err)

	tests := []struct {
		name   string
		config *tls.Config
	}{
		{"no client certificate", &tls.Config{RootCAs: ca.pool(), MinVersion: tls.VersionTLS12}},
		{"certificate from another CA", &tls.Config{Certificates: []tls.Certificate{rogue.issue(t, "intruder")}, RootCAs: ca.pool(), MinVersion: tls.VersionTLS12}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			conn, err := (&tls.Dialer{Config: tt.config}).DialContext(ctx, "tcp", c.addrs[0])
			if err == nil {
				// TLS 1.3 reports the server's refusal of the client certificate on the first read.
				_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
				_, err = conn.Write([]byte(streamMagic))
				if err == nil {
					_, err = conn.Read(make([]byte, 1))
				}
				_ = conn.Close()
			}
			require.Error(t, err)
			assert.True(t, strings.Contains(err.Error(), "certificate") || strings.Contains(err.Error(), "tls"), err.Error())
		})
	}

	t.Run("server certificate from another CA", func(t *testing.T) {
		_, clientTLS := peerTLS(good, rogue.pool())
		_, err := clusterMembersOver(clientTLS, c.members[0].PeerURLs[0])
		require.Error(t, err)
		assert.Contains(t, err.Error(), "certificate")
	})
	t.Run("trusted client reads the membership", func(t *testing.T) {
		_, clientTLS := peerTLS(good, ca.pool())
		ms, err := clusterMembersOver(clientTLS, c.members[0].PeerURLs[0])
		require.NoError(t, err)
		assert.Len(t, ms, 2)
	})
}

// clusterMembersOver fetches the membership from a peer URL with the given client TLS.
func clusterMembersOver(clientTLS *tls.Config, peerURL string) ([]node.Member, error) {
	cfg := Config{PeerTLS: clientTLS}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, ms, err := fetchClusterFrom(ctx, cfg.peerHTTPClient(2*time.Second), peerURL)
	return ms, err
}

package transport

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/transport/testcert"
)

// withAllowedTLS is withTLS with VerifyAllowedPeer on both sides.
func withAllowedTLS(cert tls.Certificate, trusted *x509.CertPool, cns, hostnames []string) func(*Config) {
	verify := VerifyAllowedPeer(cns, hostnames)
	return func(c *Config) {
		c.Listener = tls.NewListener(c.Listener, &tls.Config{Certificates: []tls.Certificate{cert}, ClientCAs: trusted,
			ClientAuth: tls.RequireAndVerifyClientCert, MinVersion: tls.VersionTLS12, VerifyPeerCertificate: verify})
		c.Dial = TLSDialer(&tls.Config{Certificates: []tls.Certificate{cert}, RootCAs: trusted, MinVersion: tls.VersionTLS12,
			VerifyPeerCertificate: verify})
	}
}

// With allowed CNs or hostnames, a certificate the peer CA signed for someone else (a client) is
// refused both when it dials a member and when it serves a member's dial.
func TestOnlyAllowedPeerCertificatesAreAccepted(t *testing.T) {
	localhost := []net.IP{net.IPv4(127, 0, 0, 1)}
	tests := []struct {
		name               string
		cns, hostnames     []string
		peerSAN, clientSAN string
	}{
		{"allowed CN", []string{"peer-1", "peer-2"}, nil, "localhost", "localhost"},
		{"allowed hostname", nil, []string{"peer.example"}, "peer.example", "client.example"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ca, err := testcert.NewCA("ca")
			require.NoError(t, err)
			issue := func(name, san string) tls.Certificate {
				c, err := ca.IssueFor(name, localhost, san)
				require.NoError(t, err)
				return c
			}
			a := startNode(t, 1, 7, "", withAllowedTLS(issue("peer-1", tt.peerSAN), ca.Pool(), tt.cns, tt.hostnames))
			b := startNode(t, 2, 7, "", withAllowedTLS(issue("peer-2", tt.peerSAN), ca.Pool(), tt.cns, tt.hostnames))
			connect(a, b)
			sendUntil(t, a, heartbeat(1, 2, 3), func() bool { return b.inbox.len() > 0 })

			// A client's certificate from the same CA, used as member 3 (known to a, so only the
			// certificate can keep it out).
			client := issue("client", tt.clientSAN)
			c := startNode(t, 3, 7, "", withTLS(client, ca.Pool()))
			c.AddPeer(1, []string{a.addr})
			a.AddPeer(3, []string{c.addr})
			requireNeverDelivered(t, c, a)
			sendUntil(t, a, heartbeat(1, 3, 3), func() bool { return a.Stats()[3].Failures > 0 })
			assert.True(t, errors.Is(a.Stats()[3].LastError, ErrPeerCertificateNotAllowed), "a refuses to talk to a server with c's certificate: %v", a.Stats()[3].LastError)
			assert.Zero(t, c.inbox.len())
		})
	}
	assert.Nil(t, VerifyAllowedPeer(nil, nil), "no lists, no check")
}

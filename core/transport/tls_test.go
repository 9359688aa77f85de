package transport

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/transport/testcert"
)

// withTLS makes a node listen with cert (client certificates from trusted required) and dial
// presenting cert and verifying against trusted.
func withTLS(cert tls.Certificate, trusted *x509.CertPool) func(*Config) {
	return func(c *Config) {
		c.Listener = tls.NewListener(c.Listener, &tls.Config{Certificates: []tls.Certificate{cert}, ClientCAs: trusted,
			ClientAuth: tls.RequireAndVerifyClientCert, MinVersion: tls.VersionTLS12})
		c.Dial = TLSDialer(&tls.Config{Certificates: []tls.Certificate{cert}, RootCAs: trusted, MinVersion: tls.VersionTLS12})
	}
}

func TestTLSStreams(t *testing.T) {
	ca, err := testcert.NewCA("ca")
	require.NoError(t, err)
	rogue, err := testcert.NewCA("rogue")
	require.NoError(t, err)
	issue := func(ca *testcert.CA, name string) tls.Certificate {
		c, err := ca.Issue(name)
		require.NoError(t, err)
		return c
	}
	a := startNode(t, 1, 7, "", withTLS(issue(ca, "a"), ca.Pool()))
	b := startNode(t, 2, 7, "", withTLS(issue(ca, "b"), ca.Pool()))
	connect(a, b)
	sendUntil(t, a, heartbeat(1, 2, 3), func() bool { return b.inbox.len() > 0 })
	assert.Equal(t, heartbeat(1, 2, 3), b.inbox.all()[0])

	// An intruder with another CA's certificate (trusting ours) never gets a message through.
	c := startNode(t, 3, 7, "", withTLS(issue(rogue, "c"), ca.Pool()))
	c.AddPeer(1, []string{a.addr})
	requireNeverDelivered(t, c, a)
}

func TestTLSDialerRefusesUntrustedServer(t *testing.T) {
	ca, err := testcert.NewCA("ca")
	require.NoError(t, err)
	rogue, err := testcert.NewCA("rogue")
	require.NoError(t, err)
	cert, err := rogue.Issue("server")
	require.NoError(t, err)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	require.NoError(t, err)
	defer func() { _ = ln.Close() }()
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			_ = conn.(*tls.Conn).Handshake()
			_ = conn.Close()
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	_, err = TLSDialer(&tls.Config{RootCAs: ca.Pool(), MinVersion: tls.VersionTLS12})(ctx, ln.Addr().String())
	require.Error(t, err)
	var verr *tls.CertificateVerificationError
	assert.ErrorAs(t, err, &verr)
	assert.Contains(t, err.Error(), "transport: tls dial "+ln.Addr().String())
}

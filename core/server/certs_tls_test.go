package server

import (
	"crypto/tls"
	"crypto/x509"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/transport/testcert"
)

// testCA is a certificate authority made up for one test.
type testCA struct{ *testcert.CA }

func newTestCA(t testing.TB, name string) *testCA {
	t.Helper()
	ca, err := testcert.NewCA(name)
	require.NoError(t, err)
	return &testCA{ca}
}

// issue signs a certificate for 127.0.0.1 and localhost, good for serving and for client auth.
func (ca *testCA) issue(t testing.TB, name string) tls.Certificate {
	t.Helper()
	c, err := ca.Issue(name)
	require.NoError(t, err)
	return c
}

func (ca *testCA) pool() *x509.CertPool { return ca.Pool() }

// peerTLS is a member's peer TLS pair: the listener side requires a client certificate from
// trusted, the dialing side presents cert and verifies peers against trusted.
func peerTLS(cert tls.Certificate, trusted *x509.CertPool) (server, client *tls.Config) {
	server = &tls.Config{Certificates: []tls.Certificate{cert}, ClientCAs: trusted,
		ClientAuth: tls.RequireAndVerifyClientCert, MinVersion: tls.VersionTLS12}
	client = &tls.Config{Certificates: []tls.Certificate{cert}, RootCAs: trusted, MinVersion: tls.VersionTLS12}
	return server, client
}

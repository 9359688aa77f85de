package main

import (
	"crypto/tls"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/transport/testcert"
)

// TestTLSFlags runs kvctl with --cert-file, --key-file and --ca-file against a member that
// requires client certificates.
func TestTLSFlags(t *testing.T) {
	ca, err := testcert.NewCA("ca")
	require.NoError(t, err)
	serverCert, err := ca.Issue("server")
	require.NoError(t, err)
	clientCert, err := ca.Issue("client")
	require.NoError(t, err)
	h := newClusterHarness(t, clusterSpec{tls: &tls.Config{Certificates: []tls.Certificate{serverCert}, ClientCAs: ca.Pool(),
		ClientAuth: tls.RequireAndVerifyClientCert, MinVersion: tls.VersionTLS12}})

	dir := t.TempDir()
	write := func(name string, data []byte) string {
		f := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(f, data, 0o600))
		return f
	}
	certPEM, keyPEM, err := testcert.PEM(clientCert)
	require.NoError(t, err)
	tlsArgs := []string{"--cert-file", write("client.pem", certPEM), "--key-file", write("client-key.pem", keyPEM),
		"--ca-file", write("ca.pem", ca.CertPEM())}

	r := h.run(t, "", append(tlsArgs, "set", "/k", "secure")...)
	require.Equal(t, result{stdout: "secure\n"}, r)
	r = h.run(t, "", append(tlsArgs, "get", "/k")...)
	require.Equal(t, result{stdout: "secure\n"}, r)

	r = h.run(t, "", "--ca-file", tlsArgs[5], "get", "/k")
	assert.NotZero(t, r.code, "no client certificate")
	assert.NotContains(t, r.stdout, "secure")
	r = h.run(t, "", "get", "/k")
	assert.NotZero(t, r.code, "the server's certificate is not trusted")
	assert.Contains(t, r.stderr, "certificate")
}

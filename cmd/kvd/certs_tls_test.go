package main

import (
	"crypto/tls"
	"crypto/x509"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/transport/testcert"
)

// testCA is a certificate authority made up for one test; its files live in dir.
type testCA struct {
	ca     *testcert.CA
	dir    string
	caFile string
}

func newTestCA(t *testing.T, name string) *testCA {
	t.Helper()
	ca, err := testcert.NewCA(name)
	require.NoError(t, err)
	dir := t.TempDir()
	return &testCA{ca: ca, dir: dir, caFile: writeCertFile(t, filepath.Join(dir, "ca.pem"), ca.CertPEM())}
}

// keyPair is a certificate and its key, in memory and as PEM files.
type keyPair struct {
	tls      tls.Certificate
	certFile string
	keyFile  string
}

// issue signs a certificate for 127.0.0.1 and localhost, good for serving and for client auth.
func (ca *testCA) issue(t *testing.T, name string) keyPair {
	t.Helper()
	c, err := ca.ca.Issue(name)
	require.NoError(t, err)
	certPEM, keyPEM, err := testcert.PEM(c)
	require.NoError(t, err)
	return keyPair{
		tls:      c,
		certFile: writeCertFile(t, filepath.Join(ca.dir, name+".pem"), certPEM),
		keyFile:  writeCertFile(t, filepath.Join(ca.dir, name+"-key.pem"), keyPEM),
	}
}

func (ca *testCA) pool() *x509.CertPool { return ca.ca.Pool() }

func writeCertFile(t *testing.T, file string, data []byte) string {
	t.Helper()
	require.NoError(t, os.WriteFile(file, data, 0o600))
	return file
}

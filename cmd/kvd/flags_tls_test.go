package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTLSConfigurationErrors: https URLs without the certificates they need, or client-cert auth
// without a CA, are refused before anything is bound.
func TestTLSConfigurationErrors(t *testing.T) {
	ca := newTestCA(t, "ca")
	kp := ca.issue(t, "m")
	https := []string{"--listen-client-urls", "https://127.0.0.1:0", "--advertise-client-urls", "https://127.0.0.1:2379"}
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"https client URL without cert", https, "TLS key/cert (--cert-file, --key-file) must be provided for an https URL"},
		{"client cert auth without CA", append([]string{"--cert-file", kp.certFile, "--key-file", kp.keyFile, "--client-cert-auth"}, https...),
			"--client-cert-auth needs --trusted-ca-file"},
		{"unreadable cert", append([]string{"--cert-file", kp.certFile, "--key-file", ca.caFile}, https...), "load --cert-file/--key-file"},
		{"CA file without certificates", append([]string{"--cert-file", kp.certFile, "--key-file", kp.keyFile, "--client-cert-auth", "--trusted-ca-file", kp.keyFile}, https...),
			"--trusted-ca-file " + kp.keyFile + " holds no PEM certificate"},
		{"https peer URL without cert", []string{"--listen-peer-urls", "https://127.0.0.1:0", "--initial-advertise-peer-urls", "https://127.0.0.1:2380"},
			"TLS key/cert (--peer-cert-file, --peer-key-file) must be provided for an https URL"},
		{"mixed peer schemes", []string{"--listen-peer-urls", "https://127.0.0.1:0", "--initial-advertise-peer-urls", "http://127.0.0.1:2380"},
			"must both be http or both https"},
		{"unix socket", []string{"--listen-client-urls", "unixs://127.0.0.1:1", "--advertise-client-urls", "http://127.0.0.1:1"},
			"URL scheme unixs is not supported by kvd (only http and https)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			code := run(context.Background(), tt.args, noEnv, nil, &stderr)
			assert.Equal(t, exitError, code, stderr.String())
			assert.Contains(t, stderr.String(), tt.wantErr)
		})
	}
}

func TestTLSOptionsBuild(t *testing.T) {
	ca := newTestCA(t, "ca")
	kp := ca.issue(t, "m")
	o, err := parseOptions([]string{"--listen-client-urls", "https://127.0.0.1:0", "--advertise-client-urls", "https://127.0.0.1:2379",
		"--listen-peer-urls", "https://127.0.0.1:0", "--initial-advertise-peer-urls", "https://127.0.0.1:2380",
		"--cert-file", kp.certFile, "--key-file", kp.keyFile, "--trusted-ca-file", ca.caFile, "--client-cert-auth",
		"--peer-cert-file", kp.certFile, "--peer-key-file", kp.keyFile, "--peer-trusted-ca-file", ca.caFile, "--peer-client-cert-auth",
	}, noEnv, nil, &bytes.Buffer{})
	require.NoError(t, err)
	s, err := o.validate()
	require.NoError(t, err)
	require.NotNil(t, s.tls.client)
	assert.Equal(t, tls.RequireAndVerifyClientCert, s.tls.client.ClientAuth)
	require.NotNil(t, s.tls.peerServer)
	assert.Equal(t, tls.RequireAndVerifyClientCert, s.tls.peerServer.ClientAuth)
	require.NotNil(t, s.tls.peerClient)
	assert.NotNil(t, s.tls.peerClient.RootCAs)
	assert.Len(t, s.tls.peerClient.Certificates, 1)

	o, err = parseOptions(nil, noEnv, nil, &bytes.Buffer{})
	require.NoError(t, err)
	s, err = o.validate()
	require.NoError(t, err)
	assert.Equal(t, tlsSettings{}, s.tls, "plain http by default")
}

// TestPeerCertAllowedFlags: --peer-cert-allowed-cn and --peer-cert-allowed-hostname (or their
// ETCD_* variables) are comma-separated lists checked on both sides of the peer port, and etcd
// refuses to have both.
func TestPeerCertAllowedFlags(t *testing.T) {
	ca := newTestCA(t, "ca")
	kp := ca.issue(t, "m")
	peerTLS := []string{"--listen-peer-urls", "https://127.0.0.1:0", "--initial-advertise-peer-urls", "https://127.0.0.1:2380",
		"--peer-cert-file", kp.certFile, "--peer-key-file", kp.keyFile, "--peer-trusted-ca-file", ca.caFile, "--peer-client-cert-auth"}

	getenv, environ := envOf(map[string]string{"ETCD_PEER_CERT_ALLOWED_CN": "m,other"})
	o, err := parseOptions(peerTLS, getenv, environ, &bytes.Buffer{})
	require.NoError(t, err)
	assert.Equal(t, commaList{"m", "other"}, o.tls.peerAllowedCNs)
	assert.Empty(t, o.warnings, "the variable is known")
	s, err := o.validate()
	require.NoError(t, err)
	for _, cfg := range []*tls.Config{s.tls.peerServer, s.tls.peerClient} {
		require.NotNil(t, cfg.VerifyPeerCertificate)
		leaf, err := x509.ParseCertificate(kp.tls.Certificate[0])
		require.NoError(t, err)
		assert.NoError(t, cfg.VerifyPeerCertificate(nil, [][]*x509.Certificate{{leaf}}))
		client, err := x509.ParseCertificate(ca.issue(t, "client").tls.Certificate[0])
		require.NoError(t, err)
		assert.EqualError(t, cfg.VerifyPeerCertificate(nil, [][]*x509.Certificate{{client}}), "client certificate authentication failed")
	}

	o, err = parseOptions(append(peerTLS, "--peer-cert-allowed-hostname", "localhost"), noEnv, nil, &bytes.Buffer{})
	require.NoError(t, err)
	s, err = o.validate()
	require.NoError(t, err)
	assert.NotNil(t, s.tls.peerServer.VerifyPeerCertificate)

	var stderr bytes.Buffer
	code := run(context.Background(), append(peerTLS, "--peer-cert-allowed-cn", "a,b", "--peer-cert-allowed-hostname", "h"), noEnv, nil, &stderr)
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr.String(), `AllowedCNs and AllowedHostnames are mutually exclusive (cns=["a" "b"], hostnames=["h"])`)

	o, err = parseOptions(peerTLS, noEnv, nil, &bytes.Buffer{})
	require.NoError(t, err)
	s, err = o.validate()
	require.NoError(t, err)
	assert.Nil(t, s.tls.peerServer.VerifyPeerCertificate, "any certificate of the peer CA by default")
}

package testcert

import (
	"crypto/tls"
	"crypto/x509"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIssuedCertificatesVerifyOnlyAgainstTheirCA(t *testing.T) {
	ca, err := NewCA("ca")
	require.NoError(t, err)
	other, err := NewCA("other")
	require.NoError(t, err)
	c, err := ca.Issue("m1")
	require.NoError(t, err)
	leaf, err := x509.ParseCertificate(c.Certificate[0])
	require.NoError(t, err)
	assert.Equal(t, "m1", leaf.Subject.CommonName)
	for _, usage := range []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth} {
		_, err = leaf.Verify(x509.VerifyOptions{Roots: ca.Pool(), DNSName: "127.0.0.1", KeyUsages: []x509.ExtKeyUsage{usage}})
		assert.NoError(t, err)
	}
	_, err = leaf.Verify(x509.VerifyOptions{Roots: other.Pool()})
	assert.Error(t, err)

	certPEM, keyPEM, err := PEM(c)
	require.NoError(t, err)
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	require.NoError(t, err)
	assert.Equal(t, c.Certificate, pair.Certificate)
	assert.True(t, x509.NewCertPool().AppendCertsFromPEM(ca.CertPEM()))
	_, _, err = PEM(tls.Certificate{})
	assert.Error(t, err)
}

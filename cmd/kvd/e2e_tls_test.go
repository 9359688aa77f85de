package main

import (
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tlsArgs are the flags of a member serving clients and peers over TLS with certificates required
// on both sides.
func tlsArgs(ca *testCA, kp keyPair) []string {
	return []string{
		"--cert-file", kp.certFile, "--key-file", kp.keyFile, "--trusted-ca-file", ca.caFile, "--client-cert-auth",
		"--peer-cert-file", kp.certFile, "--peer-key-file", kp.keyFile, "--peer-trusted-ca-file", ca.caFile, "--peer-client-cert-auth",
	}
}

// httpsClient trusts ca and presents cert (none when nil).
func httpsClient(ca *testCA, cert *tls.Certificate) *http.Client {
	cfg := &tls.Config{RootCAs: ca.pool(), MinVersion: tls.VersionTLS12}
	if cert != nil {
		cfg.Certificates = []tls.Certificate{*cert}
	}
	return &http.Client{Timeout: 15 * time.Second, Transport: &http.Transport{TLSClientConfig: cfg}}
}

func do(client *http.Client, method, target, form string) (int, string, error) {
	req, err := http.NewRequest(method, target, strings.NewReader(form))
	if err != nil {
		return 0, "", err
	}
	if form != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// TestTLSClusterRefusesPeersAndClientsWithoutTrustedCertificates runs three kvd processes with
// https peer and client URLs: two hold certificates of the cluster's CA, the third one of another
// CA. The two form the cluster and serve clients with a trusted certificate; the third never joins,
// and clients without a certificate are refused.
func TestTLSClusterRefusesPeersAndClientsWithoutTrustedCertificates(t *testing.T) {
	ca, rogue := newTestCA(t, "cluster-ca"), newTestCA(t, "rogue-ca")
	dir := t.TempDir()
	var members []*member
	var pairs []string
	for i := range 3 {
		m := newMemberAt(t, fmt.Sprintf("tls%d", i+1), dir, "https://"+freePort(t), "https://"+freePort(t))
		members = append(members, m)
		pairs = append(pairs, m.Name+"="+m.PeerURL)
	}
	static := []string{"--initial-cluster", strings.Join(pairs, ","), "--initial-cluster-token", "tls-token", "--initial-cluster-state", "new"}
	good := []keyPair{ca.issue(t, "tls1"), ca.issue(t, "tls2")}
	for i, kp := range good {
		members[i].start(t, append(static, tlsArgs(ca, kp)...)...)
	}
	intruder := rogue.issue(t, "tls3")
	// The intruder trusts the real CA, so only its own certificate is wrong.
	args := append(static, tlsArgs(rogue, intruder)...)
	for i, a := range args {
		if a == "--peer-trusted-ca-file" {
			args[i+1] = ca.caFile
		}
	}
	members[2].start(t, args...)

	client := httpsClient(ca, &good[0].tls)
	require.Eventually(t, func() bool {
		code, _, err := do(client, http.MethodPut, members[0].ClientURL+"/v2/keys/secure", "value=over-tls")
		return err == nil && code == http.StatusCreated
	}, 20*time.Second, 20*time.Millisecond, "the two trusted members never served a write:\n%s", tail(members[0].RunLog(), 2000))
	code, body, err := do(client, http.MethodGet, members[1].ClientURL+"/v2/keys/secure?quorum=true", "")
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, `"value":"over-tls"`)

	t.Run("client without certificate", func(t *testing.T) {
		_, _, err := do(httpsClient(ca, nil), http.MethodGet, members[0].ClientURL+"/v2/keys/secure", "")
		require.Error(t, err)
	})
	t.Run("client with another CA's certificate", func(t *testing.T) {
		_, _, err := do(httpsClient(ca, &intruder.tls), http.MethodGet, members[0].ClientURL+"/v2/keys/secure", "")
		require.Error(t, err)
	})
	t.Run("plain http on an https port", func(t *testing.T) {
		u, err := url.Parse(members[0].ClientURL)
		require.NoError(t, err)
		code, body, err := do(&http.Client{Timeout: 15 * time.Second}, http.MethodGet, "http://"+u.Host+"/v2/keys/secure", "")
		require.NoError(t, err)
		assert.Equal(t, http.StatusBadRequest, code, "Go's TLS server answers plain HTTP with 400")
		assert.NotContains(t, body, "over-tls")
	})
	t.Run("peer with another CA's certificate never joins", func(t *testing.T) {
		intruderClient := httpsClient(rogue, &intruder.tls)
		require.Never(t, func() bool {
			code, _, err := do(intruderClient, http.MethodGet, members[2].ClientURL+"/v2/keys/secure", "")
			return err == nil && code == http.StatusOK
		}, 2*time.Second, 100*time.Millisecond, "the intruder received the cluster's data")
		// It never joins, so it never publishes: it serves nothing, /health included.
		requireNoAnswer(t, intruderClient, members[2].ClientURL+"/health")
	})
}

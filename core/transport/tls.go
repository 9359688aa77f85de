package transport

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"slices"
)

// TLSDialer returns a Config.Dial that opens a TCP connection and completes a TLS handshake with
// cfg before the stream starts, so a peer whose certificate does not verify is never talked to.
// cfg.ServerName may be left empty: each dial then verifies the host it dials.
func TLSDialer(cfg *tls.Config) func(ctx context.Context, addr string) (net.Conn, error) {
	d := &tls.Dialer{Config: cfg}
	return func(ctx context.Context, addr string) (net.Conn, error) {
		c, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return nil, fmt.Errorf("transport: tls dial %s: %w", addr, err)
		}
		return c, nil
	}
}

// ErrPeerCertificateNotAllowed is what VerifyAllowedPeer returns for a verified certificate that
// names none of the allowed peers (etcd's words).
var ErrPeerCertificateNotAllowed = errors.New("client certificate authentication failed")

// VerifyAllowedPeer returns a tls.Config.VerifyPeerCertificate that accepts a peer only if the
// leaf of one of its verified chains has one of allowedCNs as its common name or, when
// allowedHostnames is given instead, verifies for one of them (a SAN DNS name or IP), as etcd's
// --peer-cert-allowed-cn and --peer-cert-allowed-hostname do. Set on both sides of the peer
// port, it keeps out any other certificate the peer CA signed, such as a client's. It returns nil
// when both lists are empty (any verified certificate will do).
func VerifyAllowedPeer(allowedCNs, allowedHostnames []string) func(rawCerts [][]byte, verifiedChains [][]*x509.Certificate) error {
	if len(allowedCNs) == 0 && len(allowedHostnames) == 0 {
		return nil
	}
	allowed := func(cert *x509.Certificate) bool {
		if len(allowedCNs) > 0 {
			return slices.Contains(allowedCNs, cert.Subject.CommonName)
		}
		return slices.ContainsFunc(allowedHostnames, func(h string) bool { return cert.VerifyHostname(h) == nil })
	}
	return func(_ [][]byte, verifiedChains [][]*x509.Certificate) error {
		for _, chain := range verifiedChains {
			if len(chain) > 0 && allowed(chain[0]) {
				return nil
			}
		}
		return ErrPeerCertificateNotAllowed
	}
}

package server

import (
	"context"
	"net"
	"net/http"
	"time"

	"github.com/raftlab/raftlab/core/transport"
)

// peerDial is how the transport dials peers: TLS with cfg.PeerTLS when set, plain TCP otherwise
// (nil lets the transport use its default dialer).
func (c *Config) peerDial() func(ctx context.Context, addr string) (net.Conn, error) {
	if c.PeerTLS == nil {
		return nil
	}
	return transport.TLSDialer(c.PeerTLS)
}

// peerHTTPClient is the client for the peer port's HTTP endpoints (membership, removal checks),
// presenting and verifying certificates with cfg.PeerTLS when set.
func (c *Config) peerHTTPClient(timeout time.Duration) *http.Client {
	if c.PeerTLS == nil {
		return &http.Client{Timeout: timeout}
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = c.PeerTLS.Clone()
	return &http.Client{Timeout: timeout, Transport: tr}
}

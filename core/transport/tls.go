package transport

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
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

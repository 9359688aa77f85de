package main

import (
	"net"
	"net/http"
	"time"
)

// serverLimits are the connection limits of the client HTTP server.
type serverLimits struct {
	// ReadHeader bounds how long a client may take to send its request headers (slow-loris).
	ReadHeader time.Duration
	// Idle bounds how long a keep-alive connection may wait for its next request.
	Idle time.Duration
	// MaxHeaderBytes caps the request line and headers together (a longer one gets 431). A key
	// is bounded much lower by the handler (store.MaxKeyBytes, 400/209).
	MaxHeaderBytes int
}

// clientLimits are kvd's: etcd's 1 MiB header limit (Go's default, stated here so that it
// cannot change under us; etcd 3.5.33 answers 431 past it too), and timeouts that free the
// connections of clients that stall. There is no read or write timeout for whole requests:
// watches last as long as the client wants.
var clientLimits = serverLimits{ReadHeader: 10 * time.Second, Idle: 2 * time.Minute, MaxHeaderBytes: 1 << 20}

// newClientServer is the HTTP server for the client URLs.
func newClientServer(handler http.Handler, limits serverLimits) *clientServer {
	return &clientServer{Server: &http.Server{Handler: handler, ReadHeaderTimeout: limits.ReadHeader,
		IdleTimeout: limits.Idle, MaxHeaderBytes: limits.MaxHeaderBytes}}
}

// serveClients serves a client listener: a TLS one with net/http alone, a plain one through the
// front (front.go), which answers the common key requests itself.
func serveClients(srv *clientServer, ln net.Listener, tls bool) error {
	if tls {
		return srv.Serve(ln)
	}
	return serveFront(srv, ln, clientLimits)
}

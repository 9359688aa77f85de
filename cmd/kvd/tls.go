package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"

	"github.com/raftlab/raftlab/core/transport"
)

// tlsFiles are one side's (client or peer) TLS flags.
type tlsFiles struct {
	certFile, keyFile, trustedCAFile string
	clientCertAuth                   bool
}

// tlsOptions are the TLS flags of both sides.
type tlsOptions struct {
	client, peer tlsFiles
	// peerAllowedCNs and peerAllowedHostnames restrict the peer certificates accepted on both
	// sides of the peer port (etcd's --peer-cert-allowed-cn and --peer-cert-allowed-hostname).
	peerAllowedCNs, peerAllowedHostnames commaList
}

// commaList is a flag holding a comma-separated list, as etcd's list flags.
type commaList []string

func (l *commaList) String() string { return strings.Join(*l, ",") }

// Set replaces the list; an empty value empties it.
func (l *commaList) Set(v string) error {
	*l = nil
	if v != "" {
		*l = strings.Split(v, ",")
	}
	return nil
}

// tlsSettings are the TLS configurations a member runs with; nil means plain TCP on that side.
type tlsSettings struct {
	// client serves https client URLs.
	client *tls.Config
	// peerServer serves an https peer URL; peerClient dials https peers.
	peerServer, peerClient *tls.Config
}

// addTLSFlags declares etcd's TLS flags.
func addTLSFlags(fs *flag.FlagSet, o *tlsOptions) {
	fs.StringVar(&o.client.certFile, "cert-file", "", "Path to the client server TLS cert file.")
	fs.StringVar(&o.client.keyFile, "key-file", "", "Path to the client server TLS key file.")
	fs.StringVar(&o.client.trustedCAFile, "trusted-ca-file", "", "Path to the client server TLS trusted CA cert file.")
	fs.BoolVar(&o.client.clientCertAuth, "client-cert-auth", false, "Enable client cert authentication.")
	fs.StringVar(&o.peer.certFile, "peer-cert-file", "", "Path to the peer server TLS cert file.")
	fs.StringVar(&o.peer.keyFile, "peer-key-file", "", "Path to the peer server TLS key file.")
	fs.StringVar(&o.peer.trustedCAFile, "peer-trusted-ca-file", "", "Path to the peer server TLS trusted CA file.")
	fs.BoolVar(&o.peer.clientCertAuth, "peer-client-cert-auth", false, "Enable peer client cert authentication.")
	fs.Var(&o.peerAllowedCNs, "peer-cert-allowed-cn", "Comma-separated list of allowed CNs for inter-peer TLS authentication.")
	fs.Var(&o.peerAllowedHostnames, "peer-cert-allowed-hostname", "Comma-separated list of allowed SAN hostnames for inter-peer TLS authentication.")
}

// anyHTTPS reports whether one of us is an https URL.
func anyHTTPS(us ...*url.URL) bool {
	for _, u := range us {
		if u.Scheme == "https" {
			return true
		}
	}
	return false
}

// build turns the flags into TLS configurations for the URLs the member listens on and dials: an
// https client URL needs --cert-file and --key-file, an https peer URL --peer-cert-file and
// --peer-key-file, and client-certificate auth needs the CA to verify against.
func (o tlsOptions) build(listenClients []*url.URL, listenPeer *url.URL, peerURLs []*url.URL) (tlsSettings, error) {
	var out tlsSettings
	var err error
	if anyHTTPS(listenClients...) {
		if out.client, err = o.client.serverConfig(""); err != nil {
			return out, err
		}
	}
	peerHTTPS := listenPeer.Scheme == "https"
	for _, u := range peerURLs {
		if (u.Scheme == "https") != peerHTTPS {
			return out, fmt.Errorf("peer URL %s and --listen-peer-urls %s must both be http or both https", u, listenPeer)
		}
	}
	if len(o.peerAllowedCNs) > 0 && len(o.peerAllowedHostnames) > 0 {
		return out, fmt.Errorf("AllowedCNs and AllowedHostnames are mutually exclusive (cns=%q, hostnames=%q)",
			[]string(o.peerAllowedCNs), []string(o.peerAllowedHostnames))
	}
	if !peerHTTPS {
		return out, nil
	}
	if out.peerServer, err = o.peer.serverConfig("peer-"); err != nil {
		return out, err
	}
	if out.peerClient, err = o.peer.dialConfig("peer-"); err != nil {
		return out, err
	}
	// Both directions, as etcd: a member accepts and dials only allowed peer certificates.
	verify := transport.VerifyAllowedPeer(o.peerAllowedCNs, o.peerAllowedHostnames)
	out.peerServer.VerifyPeerCertificate = verify
	out.peerClient.VerifyPeerCertificate = verify
	return out, nil
}

// serverConfig is the listening side: our certificate, and client certificates required and
// verified against the trusted CA when clientCertAuth is set.
func (f tlsFiles) serverConfig(prefix string) (*tls.Config, error) {
	if f.certFile == "" || f.keyFile == "" {
		return nil, fmt.Errorf("TLS key/cert (--%scert-file, --%skey-file) must be provided for an https URL", prefix, prefix)
	}
	cert, err := tls.LoadX509KeyPair(f.certFile, f.keyFile)
	if err != nil {
		return nil, fmt.Errorf("load --%scert-file/--%skey-file: %w", prefix, prefix, err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if f.clientCertAuth {
		if f.trustedCAFile == "" {
			return nil, fmt.Errorf("--%sclient-cert-auth needs --%strusted-ca-file", prefix, prefix)
		}
		if cfg.ClientCAs, err = loadCAs(prefix, f.trustedCAFile); err != nil {
			return nil, err
		}
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return cfg, nil
}

// dialConfig is the dialing side between peers: our certificate to present, and the trusted CA
// (the system pool when none is given) to verify theirs.
func (f tlsFiles) dialConfig(prefix string) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(f.certFile, f.keyFile)
	if err != nil {
		return nil, fmt.Errorf("load --%scert-file/--%skey-file: %w", prefix, prefix, err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if f.trustedCAFile != "" {
		if cfg.RootCAs, err = loadCAs(prefix, f.trustedCAFile); err != nil {
			return nil, err
		}
	}
	return cfg, nil
}

func loadCAs(prefix, file string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read --%strusted-ca-file: %w", prefix, err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("--%strusted-ca-file %s holds no PEM certificate", prefix, file)
	}
	return pool, nil
}

// listenClient binds a client URL: TLS for https.
func (t tlsSettings) listenClient(u *url.URL) (net.Listener, error) {
	ln, err := net.Listen("tcp", u.Host)
	if err != nil {
		return nil, err
	}
	if u.Scheme == "https" {
		if t.client == nil {
			_ = ln.Close()
			return nil, errors.New("https client URL without a TLS configuration")
		}
		return tls.NewListener(ln, t.client), nil
	}
	return ln, nil
}

// listenPeer binds the peer URL: TLS for https.
func (t tlsSettings) listenPeer(u *url.URL) (net.Listener, error) {
	ln, err := net.Listen("tcp", u.Host)
	if err != nil {
		return nil, err
	}
	if t.peerServer != nil {
		return tls.NewListener(ln, t.peerServer), nil
	}
	return ln, nil
}

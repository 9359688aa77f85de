package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/raftlab/raftlab/cmd/internal/v2client"
)

// defaultDialTimeout bounds connection setup, as in etcdctl.
const defaultDialTimeout = 30 * time.Second

// newClient builds the client from the global flags. Unless --no-sync is given (or sync is
// false) it first lists the members and switches to their client URLs, as etcdctl does. On
// failure it has already printed the error and returns the exit code.
func (cx *cmdContext) newClient(sync bool) (*v2client.Client, int, bool) {
	g := &cx.app.global
	if fileOrEnv(g.discoverySRV, "ETCDCTL_DISCOVERY_SRV", cx.app.getenv) != "" {
		return nil, cx.app.fail(exitBadArgs, errors.New("--discovery-srv is not supported by kvctl; use --endpoints")), false
	}
	httpClient, err := cx.httpClient()
	if err != nil {
		fmt.Fprintln(cx.app.stderr, err.Error())
		return nil, exitError, false
	}
	opts := v2client.Options{Timeout: g.timeout, HTTPClient: httpClient}
	if g.debug {
		opts.CurlTo = cx.app.stderr
	}
	if user := fileOrEnv(g.username, "ETCDCTL_USERNAME", cx.app.getenv); user != "" {
		opts.Username, opts.Password, err = cx.credentials(user)
		if err != nil {
			fmt.Fprintln(cx.app.stderr, err.Error())
			return nil, exitError, false
		}
	}
	endpoints := g.endpointList(cx.app.getenv)
	if err := checkEndpointURLs(endpoints); err != nil {
		fmt.Fprintln(cx.app.stderr, err.Error())
		return nil, exitError, false
	}
	c, err := v2client.New(endpoints, opts)
	if err != nil {
		fmt.Fprintln(cx.app.stderr, err.Error())
		return nil, exitError, false
	}
	if sync && !g.noSync {
		if g.debug {
			fmt.Fprintf(cx.app.stderr, "start to sync cluster using endpoints(%s)\n", strings.Join(c.Endpoints(), ","))
		}
		ctx, cancel := cx.totalTimeoutContext()
		err := c.Sync(ctx)
		cancel()
		switch {
		case errors.Is(err, v2client.ErrNoEndpoints):
			fmt.Fprintf(cx.app.stderr, "etcd cluster has no published client endpoints.\n")
			fmt.Fprintf(cx.app.stderr, "Try '--no-sync' if you want to access non-published client endpoints(%s).\n", strings.Join(c.Endpoints(), ","))
			return nil, cx.app.fail(exitServerError, err), false
		case err != nil && v2client.IsConnectionError(err):
			return nil, cx.app.fail(exitBadConnection, err), false
		}
		// Any other sync failure is ignored, as etcdctl does: the command itself will report.
		if g.debug {
			fmt.Fprintf(cx.app.stderr, "got endpoints(%s) after sync\n", strings.Join(c.Endpoints(), ","))
		}
	}
	if g.debug {
		fmt.Fprintf(cx.app.stderr, "Cluster-Endpoints: %s\n", strings.Join(c.Endpoints(), ", "))
	}
	return c, exitSuccess, true
}

// checkEndpointURLs refuses an endpoint that is no URL, with url.Parse's error, as etcdctl does
// before it builds its client: "127.0.0.1:2379" (a path whose first segment has a colon) is refused.
func checkEndpointURLs(endpoints []string) error {
	for _, ep := range endpoints {
		if _, err := url.Parse(ep); err != nil {
			return err
		}
	}
	return nil
}

// credentials splits "user:password", or asks for the password when there is no colon.
func (cx *cmdContext) credentials(flagValue string) (string, string, error) {
	if user, pass, ok := strings.Cut(flagValue, ":"); ok {
		return user, pass, nil
	}
	pass, err := cx.askPassword("Password: ")
	return flagValue, pass, err
}

// httpClient builds the keep-alive HTTP client with the TLS files and the dial timeout.
func (cx *cmdContext) httpClient() (*http.Client, error) {
	g := &cx.app.global
	getenv := cx.app.getenv
	dialTimeout := defaultDialTimeout
	if g.totalTimeout != 0 && g.totalTimeout < dialTimeout {
		dialTimeout = g.totalTimeout
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = (&net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second}).DialContext
	tr.MaxIdleConnsPerHost = 64

	certFile := fileOrEnv(g.certFile, "ETCDCTL_CERT_FILE", getenv)
	keyFile := fileOrEnv(g.keyFile, "ETCDCTL_KEY_FILE", getenv)
	caFile := fileOrEnv(g.caFile, "ETCDCTL_CA_FILE", getenv)
	if certFile != "" || keyFile != "" || caFile != "" {
		cfg, err := clientTLSConfig(certFile, keyFile, caFile)
		if err != nil {
			return nil, err
		}
		tr.TLSClientConfig = cfg
	}
	return &http.Client{Transport: tr}, nil
}

// clusterDetail returns a cluster error's per-endpoint lines, or "" for other errors.
func clusterDetail(err error) string {
	var ce *v2client.ClusterError
	if errors.As(err, &ce) {
		return ce.Detail()
	}
	return ""
}

// totalTimeoutContext bounds a whole command (except watches) by --total-timeout.
func (cx *cmdContext) totalTimeoutContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(cx.app.ctx, cx.app.global.totalTimeout)
}

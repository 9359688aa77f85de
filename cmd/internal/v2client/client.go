package v2client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure a Client. The zero value is usable: no per-request timeout, no
// authentication and a keep-alive HTTP client of its own.
type Options struct {
	// Timeout bounds how long each attempt on one endpoint may wait for the response headers.
	// The body is not bounded by it, so watches are unaffected. Zero means no limit (the
	// caller's context still applies).
	Timeout time.Duration
	// Username and Password, when Username is not empty, are sent as HTTP basic auth.
	Username, Password string
	// HTTPClient replaces the client's own keep-alive HTTP client.
	HTTPClient *http.Client
	// CurlTo, when set, receives a "cURL Command: curl -X ..." line for every request sent
	// (etcdctl --debug).
	CurlTo io.Writer
	// KeysPrefix is the path keys are addressed under; empty means the keys API's /v2/keys.
	// etcd's discovery addresses its registry by the discovery URL's whole path and sets "/".
	KeysPrefix string
}

// Client talks to an etcd v2 cluster through a list of client endpoints. It sticks to the
// endpoint that answered last and moves on to the next one when an endpoint cannot be reached
// or answers 500/503 (a member with no leader).
type Client struct {
	http     *http.Client
	timeout  time.Duration
	username string
	password string

	curlMu sync.Mutex
	curlTo io.Writer

	keysPrefix string

	mu        sync.Mutex
	endpoints []*url.URL
	pinned    int
}

// New returns a client for the given endpoints ("http://host:port"; a missing scheme means
// http).
func New(endpoints []string, opts Options) (*Client, error) {
	eps, err := parseEndpoints(endpoints)
	if err != nil {
		return nil, err
	}
	hc := opts.HTTPClient
	if hc == nil {
		hc = &http.Client{Transport: newTransport()}
	}
	prefix := opts.KeysPrefix
	if prefix == "" {
		prefix = keysPrefix
	}
	return &Client{
		http:      hc,
		timeout:   opts.Timeout,
		username:  opts.Username,
		password:  opts.Password,
		endpoints: eps,
		curlTo:    opts.CurlTo,

		keysPrefix: prefix,
	}, nil
}

// newTransport returns a keep-alive transport that keeps enough idle connections per host for
// many concurrent callers.
func newTransport() *http.Transport {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = 256
	tr.MaxIdleConnsPerHost = 64
	return tr
}

// parseEndpoints turns endpoint strings into URLs, defaulting the scheme to http.
func parseEndpoints(endpoints []string) ([]*url.URL, error) {
	if len(endpoints) == 0 {
		return nil, ErrNoEndpoints
	}
	eps := make([]*url.URL, 0, len(endpoints))
	for _, raw := range endpoints {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			return nil, fmt.Errorf("client: empty endpoint in %q", strings.Join(endpoints, ","))
		}
		if !strings.Contains(raw, "://") {
			raw = "http://" + raw
		}
		u, err := url.Parse(raw)
		if err != nil {
			return nil, fmt.Errorf("client: bad endpoint %q: %w", raw, err)
		}
		if u.Host == "" {
			return nil, fmt.Errorf("client: endpoint %q has no host", raw)
		}
		eps = append(eps, u)
	}
	return eps, nil
}

// Endpoints returns the endpoints the client currently uses, in order.
func (c *Client) Endpoints() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]string, len(c.endpoints))
	for i, ep := range c.endpoints {
		out[i] = ep.String()
	}
	return out
}

// SetEndpoints replaces the endpoint list and starts again from its first entry.
func (c *Client) SetEndpoints(endpoints []string) error {
	eps, err := parseEndpoints(endpoints)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.endpoints = eps
	c.pinned = 0
	return nil
}

// request is one API call, independent of the endpoint it is sent to.
type request struct {
	method      string
	path        string
	query       url.Values
	body        []byte
	contentType string
}

// reply is a complete HTTP answer.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// do sends the request to the pinned endpoint and fails over to the others in turn. A
// cancelled or expired ctx ends the attempt at once with ctx's error. When every endpoint
// failed it returns a *ClusterError.
func (c *Client) do(ctx context.Context, r *request) (*reply, error) {
	c.mu.Lock()
	eps := append([]*url.URL(nil), c.endpoints...)
	pinned := c.pinned
	c.mu.Unlock()
	if len(eps) == 0 {
		return nil, ErrNoEndpoints
	}

	cerr := &ClusterError{}
	for i := pinned; i < pinned+len(eps); i++ {
		k := i % len(eps)
		rep, err := c.attempt(ctx, eps[k], r)
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return nil, ctxErr
			}
			cerr.Errors = append(cerr.Errors, err)
			continue
		}
		if rep.status/100 == 5 {
			switch rep.status {
			case http.StatusInternalServerError, http.StatusServiceUnavailable:
				cerr.Errors = append(cerr.Errors, fmt.Errorf("client: etcd member %s has no leader", eps[k]))
			default:
				cerr.Errors = append(cerr.Errors, fmt.Errorf("client: etcd member %s returns server error [%s]", eps[k], http.StatusText(rep.status)))
			}
			continue
		}
		if k != pinned {
			c.mu.Lock()
			c.pinned = k
			c.mu.Unlock()
		}
		return rep, nil
	}
	return nil, cerr
}

// attempt sends the request to one endpoint and reads the whole answer. Only the wait for the
// headers is bounded by the per-request timeout.
func (c *Client) attempt(ctx context.Context, ep *url.URL, r *request) (*reply, error) {
	reqCtx, cancel := context.WithCancel(ctx)
	defer cancel()

	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(reqCtx, r.method, r.urlFor(ep), body)
	if err != nil {
		return nil, fmt.Errorf("client: build request: %w", err)
	}
	if r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	if c.username != "" {
		req.SetBasicAuth(c.username, c.password)
	}
	c.printCurl(req.Method, req.URL.String(), r.body)

	var timedOut atomic.Bool
	var timer *time.Timer
	if c.timeout > 0 {
		timer = time.AfterFunc(c.timeout, func() {
			timedOut.Store(true)
			cancel()
		})
	}
	resp, err := c.http.Do(req)
	if timer != nil && !timer.Stop() && err == nil {
		// The timer fired as the headers arrived; the body read would fail anyway.
		_ = resp.Body.Close()
		err = errors.New("header timeout")
	}
	if err != nil {
		if timedOut.Load() && ctx.Err() == nil {
			return nil, fmt.Errorf("client: endpoint %s exceeded header timeout", ep)
		}
		return nil, unwrapURLError(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, unwrapURLError(err)
	}
	return &reply{status: resp.StatusCode, header: resp.Header, body: data}, nil
}

// printCurl writes the curl equivalent of a request, as client/v2 does in debug mode.
func (c *Client) printCurl(method, target string, body []byte) {
	if c.curlTo == nil {
		return
	}
	command := fmt.Sprintf("curl -X %s %s", method, target)
	if body != nil {
		command += fmt.Sprintf(" -d %q", string(body))
	}
	c.curlMu.Lock()
	defer c.curlMu.Unlock()
	fmt.Fprintf(c.curlTo, "cURL Command: %s\n", command)
}

// unwrapURLError strips net/http's `Get "url": ` wrapper so that errors read like client/v2's
// ("dial tcp 127.0.0.1:2379: connect: connection refused").
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// urlFor builds the request URL on the given endpoint, cleaning the path the way client/v2
// does (a trailing slash is kept).
func (r *request) urlFor(ep *url.URL) string {
	u := *ep
	u.Path = canonicalPath(ep.Path + r.path)
	u.RawPath = ""
	u.RawQuery = ""
	if len(r.query) > 0 {
		u.RawQuery = r.query.Encode()
	}
	return u.String()
}

// canonicalPath cleans p like path.Clean but keeps a trailing slash.
func canonicalPath(p string) string {
	if p == "" {
		return "/"
	}
	if p[0] != '/' {
		p = "/" + p
	}
	cleaned := path.Clean(p)
	if strings.HasSuffix(p, "/") && cleaned != "/" {
		cleaned += "/"
	}
	return cleaned
}

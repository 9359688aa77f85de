package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/raftlab/raftlab/cmd/internal/v2client"
)

// Discovery errors, with etcd's texts.
var (
	errSizeNotFound    = errors.New("discovery: size key not found")
	errBadSizeKey      = errors.New("discovery: size key is bad")
	errBadEndpoint     = errors.New("discovery: bad discovery endpoint")
	errFullCluster     = errors.New("discovery: cluster is full")
	errDuplicateID     = errors.New("discovery: found duplicate id")
	errDuplicateName   = errors.New("discovery: found duplicate name")
	errTooManyRetries  = errors.New("discovery: too many retries")
	errConnectionRetry = errors.New("discovery: connection failed")
)

// discoveryMaxBackoffExp caps the retry backoff at 2^8 s, as etcd.
const discoveryMaxBackoffExp = 8

// v2KeyNotFound and v2NodeExist are the keys API's error codes discovery tells apart.
const (
	v2KeyNotFound = 100
	v2NodeExist   = 105
)

// discoverer runs the etcd v2 discovery protocol (ETCD_V2_API.md §11) against a v2 keys endpoint:
// the discovery URL's path is the registry directory D.
type discoverer struct {
	discoveryURL string
	id           uint64
	value        string // name=peerURL[,name=peerURL...]
	log          *slog.Logger
	// backoffUnit is the first retry wait (1s in production; tests shorten it).
	backoffUnit time.Duration

	// client and dir are set by run: the discovery URL's host, and its path, by which etcd's
	// discovery addresses the registry (a keys API path such as /v2/keys/_etcd/registry/T, or
	// a discovery service's own path).
	client *v2client.Client
	dir    string
}

func newDiscoverer(discoveryURL string, id uint64, name string, peerURLs []string, log *slog.Logger) *discoverer {
	pairs := make([]string, 0, len(peerURLs))
	for _, u := range peerURLs {
		pairs = append(pairs, name+"="+u)
	}
	slices.Sort(pairs)
	return &discoverer{
		discoveryURL: discoveryURL, id: id, value: strings.Join(pairs, ","),
		log: log, backoffUnit: time.Second,
	}
}

// connect splits the discovery URL into the client's endpoint and the registry's path.
func (d *discoverer) connect() error {
	u, err := url.Parse(d.discoveryURL)
	if err != nil || u.Host == "" {
		return fmt.Errorf("%w: %q", errBadEndpoint, d.discoveryURL)
	}
	d.dir = strings.TrimRight(u.Path, "/")
	endpoint := url.URL{Scheme: u.Scheme, Host: u.Host}
	d.client, err = v2client.New([]string{endpoint.String()}, v2client.Options{KeysPrefix: "/"})
	if err != nil {
		return fmt.Errorf("%w: %w", errBadEndpoint, err)
	}
	return nil
}

func (d *discoverer) selfKey() string { return strconv.FormatUint(d.id, 16) }

// run registers this member and returns the initial cluster: the first N registrations.
func (d *discoverer) run(ctx context.Context) (string, error) {
	if err := d.connect(); err != nil {
		return "", err
	}
	size, err := d.size(ctx)
	if err != nil {
		return "", err
	}
	nodes, _, err := d.members(ctx)
	if err != nil {
		return "", err
	}
	if err := d.checkFull(nodes, size); err != nil {
		return "", err
	}
	created, err := d.register(ctx)
	if err != nil {
		return "", err
	}
	if err := d.waitOwnKey(ctx, created); err != nil {
		return "", err
	}
	nodes, index, err := d.members(ctx)
	if err != nil {
		return "", err
	}
	if err := d.checkFull(nodes, size); err != nil {
		return "", err
	}
	for len(nodes) < size {
		n, err := d.waitNext(ctx, index)
		if err != nil {
			return "", err
		}
		index = n.ModifiedIndex
		if path.Base(n.Key) != "_config" && !slices.ContainsFunc(nodes, func(o *v2client.Node) bool { return o.Key == n.Key }) {
			nodes = append(nodes, n)
		}
	}
	return clusterFromNodes(nodes[:size])
}

// clusterFromNodes joins the registrations into an --initial-cluster value.
func clusterFromNodes(nodes []*v2client.Node) (string, error) {
	values := make([]string, 0, len(nodes))
	names := map[string]bool{}
	for _, n := range nodes {
		values = append(values, n.Value)
		for _, pair := range strings.Split(n.Value, ",") {
			name, _, _ := strings.Cut(pair, "=")
			names[name] = true
		}
	}
	if len(names) != len(nodes) {
		return "", errDuplicateName
	}
	return strings.Join(values, ","), nil
}

// checkFull refuses a member beyond the first size registrations.
func (d *discoverer) checkFull(nodes []*v2client.Node, size int) error {
	if len(nodes) < size {
		return nil
	}
	for _, n := range nodes[:size] {
		if path.Base(n.Key) == d.selfKey() {
			return nil
		}
	}
	return errFullCluster
}

func (d *discoverer) size(ctx context.Context) (int, error) {
	resp, err := retry(ctx, d, d.dir+"/_config/size", func(ctx context.Context) (*v2client.Response, error) {
		return d.client.Get(ctx, d.dir+"/_config/size", v2client.GetOptions{})
	})
	if keyErrorCode(err) == v2KeyNotFound {
		return 0, errSizeNotFound
	}
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseUint(resp.Node.Value, 10, 31)
	if err != nil || n == 0 {
		return 0, errBadSizeKey
	}
	return int(n), nil
}

// members lists the registrations (children other than _config) by creation order, and the
// registry's X-Etcd-Index.
func (d *discoverer) members(ctx context.Context) ([]*v2client.Node, uint64, error) {
	resp, err := retry(ctx, d, d.dir, func(ctx context.Context) (*v2client.Response, error) {
		return d.client.Get(ctx, d.dir, v2client.GetOptions{})
	})
	if err != nil {
		return nil, 0, err
	}
	var out []*v2client.Node
	for _, n := range resp.Node.Nodes {
		if path.Base(n.Key) != "_config" {
			out = append(out, n)
		}
	}
	slices.SortStableFunc(out, func(a, b *v2client.Node) int { return cmpUint(a.CreatedIndex, b.CreatedIndex) })
	return out, resp.Index, nil
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// register creates D/<id> with this member's name=peerURL pairs; it returns the created index.
func (d *discoverer) register(ctx context.Context) (uint64, error) {
	key := d.dir + "/" + d.selfKey()
	resp, err := retry(ctx, d, key, func(ctx context.Context) (*v2client.Response, error) {
		return d.client.Create(ctx, key, d.value, 0)
	})
	if keyErrorCode(err) == v2NodeExist {
		return 0, errDuplicateID
	}
	if err != nil {
		return 0, fmt.Errorf("register: %w", err)
	}
	d.log.Info("registered with the discovery service", "key", resp.Node.Key, "value", d.value)
	return resp.Node.CreatedIndex, nil
}

// waitOwnKey waits for the registration's own event, as etcd does before listing the registry.
func (d *discoverer) waitOwnKey(ctx context.Context, created uint64) error {
	key := d.dir + "/" + d.selfKey()
	_, err := retry(ctx, d, key, func(ctx context.Context) (*v2client.Response, error) {
		return d.client.Watch(key, v2client.WatchOptions{AfterIndex: created - 1}).Next(ctx)
	})
	if err != nil {
		return fmt.Errorf("wait for own key: %w", err)
	}
	return nil
}

// waitNext waits for the next change under D after index.
func (d *discoverer) waitNext(ctx context.Context, index uint64) (*v2client.Node, error) {
	resp, err := retry(ctx, d, d.dir, func(ctx context.Context) (*v2client.Response, error) {
		return d.client.Watch(d.dir, v2client.WatchOptions{AfterIndex: index, Recursive: true}).Next(ctx)
	})
	if err != nil {
		return nil, fmt.Errorf("watch: %w", err)
	}
	d.log.Info("found peer in the discovery registry", "key", resp.Node.Key, "value", resp.Node.Value)
	return resp.Node, nil
}

// retry runs one registry request, retrying connection failures with a 2^n s backoff (n capped
// at 8) as etcd does. Any other failure is final and an errBadEndpoint (a key error stays
// reachable with errors.As as a *v2client.Error).
func retry(ctx context.Context, d *discoverer, key string, call func(context.Context) (*v2client.Response, error)) (*v2client.Response, error) {
	for attempt := 0; ; attempt++ {
		resp, err := call(ctx)
		switch {
		case err == nil && resp.Node != nil:
			return resp, nil
		case err == nil:
			return nil, fmt.Errorf("%w: %s answered no node", errBadEndpoint, key)
		case ctx.Err() != nil:
			return nil, fmt.Errorf("discovery: %w", ctx.Err())
		case !v2client.IsConnectionError(err):
			return nil, fmt.Errorf("%w: %s: %w", errBadEndpoint, key, err)
		}
		wait := d.backoffUnit << min(attempt, discoveryMaxBackoffExp)
		d.log.Warn("discovery service unreachable; retrying", "key", key, "err", fmt.Errorf("%w: %w", errConnectionRetry, err), "wait", wait)
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%w: %w", errTooManyRetries, ctx.Err())
		case <-time.After(wait):
		}
	}
}

// keyErrorCode is the keys API error code err carries, or 0.
func keyErrorCode(err error) int {
	var kerr *v2client.Error
	if errors.As(err, &kerr) {
		return kerr.ErrorCode
	}
	return 0
}

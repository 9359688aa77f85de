package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
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

// discoverer runs the etcd v2 discovery protocol (ETCD_V2_API.md §11) against a v2 keys endpoint:
// the discovery URL's path is the registry directory D.
type discoverer struct {
	dirURL string // http://H:P/v2/keys/... without a trailing slash
	id     uint64
	value  string // name=peerURL[,name=peerURL...]
	client *http.Client
	log    *slog.Logger
	// backoffUnit is the first retry wait (1s in production; tests shorten it).
	backoffUnit time.Duration
}

// v2Node and v2Response are the parts of the keys API answer discovery reads.
type v2Node struct {
	Key           string   `json:"key"`
	Value         string   `json:"value"`
	Dir           bool     `json:"dir"`
	Nodes         []v2Node `json:"nodes"`
	CreatedIndex  uint64   `json:"createdIndex"`
	ModifiedIndex uint64   `json:"modifiedIndex"`
}

type v2Response struct {
	Action    string  `json:"action"`
	Node      *v2Node `json:"node"`
	ErrorCode int     `json:"errorCode"`
	Message   string  `json:"message"`
	etcdIndex uint64
}

func newDiscoverer(discoveryURL string, id uint64, name string, peerURLs []string, log *slog.Logger) *discoverer {
	pairs := make([]string, 0, len(peerURLs))
	for _, u := range peerURLs {
		pairs = append(pairs, name+"="+u)
	}
	slices.Sort(pairs)
	return &discoverer{
		dirURL: strings.TrimRight(discoveryURL, "/"), id: id, value: strings.Join(pairs, ","),
		client: &http.Client{}, log: log, backoffUnit: time.Second,
	}
}

func (d *discoverer) selfKey() string { return strconv.FormatUint(d.id, 16) }

// run registers this member and returns the initial cluster: the first N registrations.
func (d *discoverer) run(ctx context.Context) (string, error) {
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
		n, err := d.waitNext(ctx, index+1)
		if err != nil {
			return "", err
		}
		index = n.ModifiedIndex
		if path.Base(n.Key) != "_config" && !slices.ContainsFunc(nodes, func(o v2Node) bool { return o.Key == n.Key }) {
			nodes = append(nodes, n)
		}
	}
	return clusterFromNodes(nodes[:size])
}

// clusterFromNodes joins the registrations into an --initial-cluster value.
func clusterFromNodes(nodes []v2Node) (string, error) {
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
func (d *discoverer) checkFull(nodes []v2Node, size int) error {
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
	resp, err := d.do(ctx, http.MethodGet, d.dirURL+"/_config/size", nil)
	if err != nil {
		return 0, err
	}
	if resp.ErrorCode == 100 {
		return 0, errSizeNotFound
	}
	if resp.Node == nil {
		return 0, errBadEndpoint
	}
	n, err := strconv.ParseUint(resp.Node.Value, 10, 31)
	if err != nil || n == 0 {
		return 0, errBadSizeKey
	}
	return int(n), nil
}

// members lists the registrations (children other than _config) by creation order, and the
// registry's X-Etcd-Index.
func (d *discoverer) members(ctx context.Context) ([]v2Node, uint64, error) {
	resp, err := d.do(ctx, http.MethodGet, d.dirURL, nil)
	if err != nil {
		return nil, 0, err
	}
	if resp.Node == nil {
		return nil, 0, fmt.Errorf("%w: %s", errBadEndpoint, resp.Message)
	}
	var out []v2Node
	for _, n := range resp.Node.Nodes {
		if path.Base(n.Key) != "_config" {
			out = append(out, n)
		}
	}
	slices.SortStableFunc(out, func(a, b v2Node) int { return cmpUint(a.CreatedIndex, b.CreatedIndex) })
	return out, resp.etcdIndex, nil
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
	form := url.Values{"value": {d.value}}
	resp, err := d.do(ctx, http.MethodPut, d.dirURL+"/"+d.selfKey()+"?prevExist=false", form)
	if err != nil {
		return 0, err
	}
	if resp.ErrorCode == 105 {
		return 0, errDuplicateID
	}
	if resp.Node == nil || resp.ErrorCode != 0 {
		return 0, fmt.Errorf("%w: register: %s", errBadEndpoint, resp.Message)
	}
	d.log.Info("registered with the discovery service", "key", resp.Node.Key, "value", d.value)
	return resp.Node.CreatedIndex, nil
}

func (d *discoverer) waitOwnKey(ctx context.Context, created uint64) error {
	u := fmt.Sprintf("%s/%s?wait=true&waitIndex=%d&recursive=false", d.dirURL, d.selfKey(), created)
	resp, err := d.do(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	if resp.Node == nil {
		return fmt.Errorf("%w: wait for own key: %s", errBadEndpoint, resp.Message)
	}
	return nil
}

// waitNext waits for the next change under D from index on.
func (d *discoverer) waitNext(ctx context.Context, index uint64) (v2Node, error) {
	u := fmt.Sprintf("%s?wait=true&waitIndex=%d&recursive=true", d.dirURL, index)
	resp, err := d.do(ctx, http.MethodGet, u, nil)
	if err != nil {
		return v2Node{}, err
	}
	if resp.Node == nil {
		return v2Node{}, fmt.Errorf("%w: watch: %s", errBadEndpoint, resp.Message)
	}
	d.log.Info("found peer in the discovery registry", "key", resp.Node.Key, "value", resp.Node.Value)
	return *resp.Node, nil
}

// do sends one request, retrying connection failures with a 2^n s backoff (n capped at 8).
func (d *discoverer) do(ctx context.Context, method, u string, form url.Values) (*v2Response, error) {
	for attempt := 0; ; attempt++ {
		resp, err := d.once(ctx, method, u, form)
		if err == nil || !errors.Is(err, errConnectionRetry) {
			return resp, err
		}
		wait := d.backoffUnit << min(attempt, discoveryMaxBackoffExp)
		d.log.Warn("discovery service unreachable; retrying", "url", u, "err", err, "wait", wait)
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%w: %w", errTooManyRetries, ctx.Err())
		case <-time.After(wait):
		}
	}
}

func (d *discoverer) once(ctx context.Context, method, u string, form url.Values) (*v2Response, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errBadEndpoint, err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := d.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("discovery: %w", ctx.Err())
		}
		return nil, fmt.Errorf("%w: %w", errConnectionRetry, err)
	}
	defer func() { _ = resp.Body.Close() }()
	var out v2Response
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return nil, errBadEndpoint
	}
	out.etcdIndex, _ = strconv.ParseUint(resp.Header.Get("X-Etcd-Index"), 10, 64)
	return &out, nil
}

package v2client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// keysPrefix is the path of the keys API, where keys are addressed unless Options.KeysPrefix
// says otherwise.
const keysPrefix = "/v2/keys"

// GetOptions tune a read.
type GetOptions struct {
	// Recursive returns the whole subtree of a directory.
	Recursive bool
	// Sorted sorts directory listings by key.
	Sorted bool
	// Quorum makes the read linearizable (it goes through Raft).
	Quorum bool
}

// PrevExist values for SetOptions.PrevExist.
const (
	// PrevIgnore sends no prevExist condition.
	PrevIgnore = ""
	// PrevExist requires the key to exist (an update).
	PrevExist = "true"
	// PrevNoExist requires the key not to exist (a create).
	PrevNoExist = "false"
)

// SetOptions tune a write. Which store operation the server picks follows from them
// (set, create, update or compareAndSwap; see the v2 API).
type SetOptions struct {
	// TTL gives the node a time to live, sent in whole seconds when positive.
	TTL time.Duration
	// HasTTL sends the ttl even when TTL is zero ("ttl=0" means "expire now", not "permanent").
	HasTTL bool
	// PrevValue makes the write conditional on the current value.
	PrevValue string
	// PrevIndex makes the write conditional on the current modifiedIndex.
	PrevIndex uint64
	// PrevExist is PrevIgnore, PrevExist or PrevNoExist.
	PrevExist string
	// Dir creates a directory instead of a file; the value is then not sent.
	Dir bool
	// Refresh only renews the TTL and keeps the value.
	Refresh bool
	// NoValueOnSuccess asks the server to answer only {"action": ...}.
	NoValueOnSuccess bool
}

// DeleteOptions tune a delete.
type DeleteOptions struct {
	// PrevValue makes the delete conditional on the current value (compareAndDelete).
	PrevValue string
	// PrevIndex makes the delete conditional on the current modifiedIndex (compareAndDelete).
	PrevIndex uint64
	// Dir allows an empty directory to be deleted.
	Dir bool
	// Recursive deletes a directory with everything under it.
	Recursive bool
}

// Get reads a key or lists a directory.
func (c *Client) Get(ctx context.Context, key string, opts GetOptions) (*Response, error) {
	q := url.Values{}
	q.Set("recursive", strconv.FormatBool(opts.Recursive))
	q.Set("sorted", strconv.FormatBool(opts.Sorted))
	q.Set("quorum", strconv.FormatBool(opts.Quorum))
	return c.keysCall(ctx, &request{method: http.MethodGet, path: c.keyPath(key), query: q})
}

// Set writes a key (PUT). The value, ttl and refresh go in the form body, the conditions in the
// query string, exactly where client/v2 puts them.
func (c *Client) Set(ctx context.Context, key, value string, opts SetOptions) (*Response, error) {
	q := url.Values{}
	form := url.Values{}
	if opts.Dir {
		q.Set("dir", "true")
	} else {
		if opts.PrevValue != "" {
			q.Set("prevValue", opts.PrevValue)
		}
		form.Set("value", value)
	}
	if opts.PrevIndex != 0 {
		q.Set("prevIndex", strconv.FormatUint(opts.PrevIndex, 10))
	}
	if opts.PrevExist != PrevIgnore {
		q.Set("prevExist", opts.PrevExist)
	}
	if opts.TTL > 0 || opts.HasTTL {
		form.Set("ttl", strconv.FormatUint(ttlSeconds(opts.TTL), 10))
	}
	if opts.Refresh {
		form.Set("refresh", "true")
	}
	if opts.NoValueOnSuccess {
		q.Set("noValueOnSuccess", "true")
	}
	return c.keysCall(ctx, &request{
		method:      http.MethodPut,
		path:        c.keyPath(key),
		query:       q,
		body:        []byte(form.Encode()),
		contentType: "application/x-www-form-urlencoded",
	})
}

// Create writes a key that must not exist yet (prevExist=false). A ttl of 0 means no TTL.
func (c *Client) Create(ctx context.Context, key, value string, ttl time.Duration) (*Response, error) {
	return c.Set(ctx, key, value, SetOptions{TTL: ttl, PrevExist: PrevNoExist})
}

// Update rewrites a key that must exist (prevExist=true). A ttl of 0 makes the node permanent.
func (c *Client) Update(ctx context.Context, key, value string, ttl time.Duration) (*Response, error) {
	return c.Set(ctx, key, value, SetOptions{TTL: ttl, PrevExist: PrevExist})
}

// CreateInOrder creates a key with a fresh, increasing name under dir (POST). A ttl of 0 means
// no TTL.
func (c *Client) CreateInOrder(ctx context.Context, dir, value string, ttl time.Duration) (*Response, error) {
	form := url.Values{}
	form.Set("value", value)
	if ttl > 0 {
		form.Set("ttl", strconv.FormatUint(ttlSeconds(ttl), 10))
	}
	return c.keysCall(ctx, &request{
		method:      http.MethodPost,
		path:        c.keyPath(dir),
		body:        []byte(form.Encode()),
		contentType: "application/x-www-form-urlencoded",
	})
}

// Delete removes a key or directory; with PrevValue or PrevIndex it is a compareAndDelete.
func (c *Client) Delete(ctx context.Context, key string, opts DeleteOptions) (*Response, error) {
	q := url.Values{}
	if opts.PrevValue != "" {
		q.Set("prevValue", opts.PrevValue)
	}
	if opts.PrevIndex != 0 {
		q.Set("prevIndex", strconv.FormatUint(opts.PrevIndex, 10))
	}
	if opts.Dir {
		q.Set("dir", "true")
	}
	if opts.Recursive {
		q.Set("recursive", "true")
	}
	return c.keysCall(ctx, &request{
		method:      http.MethodDelete,
		path:        c.keyPath(key),
		query:       q,
		contentType: "application/x-www-form-urlencoded",
	})
}

// keysCall runs a keys request and decodes its answer.
func (c *Client) keysCall(ctx context.Context, r *request) (*Response, error) {
	rep, err := c.do(ctx, r)
	if err != nil {
		return nil, err
	}
	return decodeKeysReply(rep)
}

// keyPath puts a key under the client's keys prefix.
func (c *Client) keyPath(key string) string {
	if key == "" || key[0] != '/' {
		key = "/" + key
	}
	return c.keysPrefix + key
}

// ttlSeconds converts a TTL to whole seconds, rounding down like client/v2.
func ttlSeconds(ttl time.Duration) uint64 {
	if ttl <= 0 {
		return 0
	}
	return uint64(ttl / time.Second)
}

// decodeKeysReply turns a keys API answer into a Response or an *Error.
func decodeKeysReply(rep *reply) (*Response, error) {
	switch rep.status {
	case http.StatusOK, http.StatusCreated:
	default:
		var kerr Error
		if err := json.Unmarshal(rep.body, &kerr); err != nil || kerr.ErrorCode == 0 {
			return nil, fmt.Errorf("%w (HTTP %d)", ErrInvalidJSON, rep.status)
		}
		return nil, &kerr
	}
	if len(rep.body) == 0 {
		return nil, ErrEmptyBody
	}
	var resp Response
	if err := json.Unmarshal(rep.body, &resp); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidJSON, err)
	}
	var err error
	if resp.Index, err = headerUint(rep.header, "X-Etcd-Index"); err != nil {
		return nil, err
	}
	if resp.RaftIndex, err = headerUint(rep.header, "X-Raft-Index"); err != nil {
		return nil, err
	}
	if resp.RaftTerm, err = headerUint(rep.header, "X-Raft-Term"); err != nil {
		return nil, err
	}
	resp.ClusterID = rep.header.Get("X-Etcd-Cluster-Id")
	return &resp, nil
}

// headerUint parses an optional unsigned header; a missing header is 0.
func headerUint(h http.Header, name string) (uint64, error) {
	v := h.Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("client: bad %s header %q: %w", name, v, err)
	}
	return n, nil
}

package v2client

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
)

// WatchOptions tune a watch.
type WatchOptions struct {
	// AfterIndex, when not 0, starts the watch at the event after this index
	// (waitIndex=AfterIndex+1). 0 watches from the next change on.
	AfterIndex uint64
	// Recursive also reports changes below the key.
	Recursive bool
}

// Watcher follows the changes of a key, one event per Next call, resuming after the last event
// it returned (waitIndex = modifiedIndex+1) so that no event is lost or seen twice.
type Watcher struct {
	client    *Client
	key       string
	recursive bool
	waitIndex uint64
}

// Watch returns a watcher for key. No request is sent until Next is called.
func (c *Client) Watch(key string, opts WatchOptions) *Watcher {
	w := &Watcher{client: c, key: key, recursive: opts.Recursive}
	if opts.AfterIndex > 0 {
		w.waitIndex = opts.AfterIndex + 1
	}
	return w
}

// Next blocks until the next matching event and returns it. Key errors (for example 401
// "outdated and cleared" or 110 authentication) come back as *Error.
func (w *Watcher) Next(ctx context.Context) (*Response, error) {
	for {
		q := url.Values{}
		q.Set("wait", "true")
		q.Set("waitIndex", strconv.FormatUint(w.waitIndex, 10))
		q.Set("recursive", strconv.FormatBool(w.recursive))
		rep, err := w.client.do(ctx, &request{method: http.MethodGet, path: w.client.keyPath(w.key), query: q})
		if err != nil {
			return nil, err
		}
		resp, err := decodeKeysReply(rep)
		if errors.Is(err, ErrEmptyBody) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if resp.Node != nil {
			w.waitIndex = resp.Node.ModifiedIndex + 1
		}
		return resp, nil
	}
}

// WaitIndex is the waitIndex the next request will carry (0 = "from now on").
func (w *Watcher) WaitIndex() uint64 {
	return w.waitIndex
}

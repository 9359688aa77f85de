package httpapi

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/core/v2keys"
)

// TestKeysAnswersAreTheTranslations: what the handler writes (status, X-Etcd-Index, body) is, byte
// for byte, what core/v2keys answers for the same request and the same backend replies; the lab's
// simulated clients receive exactly these bytes, so a difference here is a difference between
// what the lab checks and what kvd serves.
func TestKeysAnswersAreTheTranslations(t *testing.T) {
	h, served := newTestHandler(t)
	twin := newFakeBackend() // the same requests in the same order, answered through v2keys alone
	steps := []struct {
		method, key, form string
		fail              error
	}{
		{"PUT", "/a", "value=1&prevExist=false", nil},
		{"PUT", "/a", "value=2&prevExist=false", nil}, // 412, key exists
		{"PUT", "/a", "value=3&prevValue=1", nil},
		{"PUT", "/a", "value=4&prevIndex=99", nil}, // 412, compare failed
		{"GET", "/a", "", nil},
		{"GET", "/a", "quorum=true", nil},
		{"GET", "/missing", "", nil}, // 404
		{"POST", "/q", "value=x", nil},
		{"GET", "/", "recursive=true&sorted=true", nil},
		{"PUT", "/a", "value=5&noValueOnSuccess=true", nil},
		{"DELETE", "/a", "prevValue=nope", nil},
		{"PUT", "/b", "value=6", node.ErrTimeout},  // 500, errorCode 300
		{"PUT", "/b", "value=6", node.ErrTooLarge}, // the node refused it: 400/210
		{"PUT", "/b", "value=6&ttl=x", nil},        // refused before the backend
		{"PUT", "/b", "value=6&refresh=true", nil}, // refresh without a TTL
		{"DELETE", "/a", "recursive=true&dir=true", nil},
	}
	for _, s := range steps {
		served.failWith, twin.failWith = s.fail, s.fail
		rec := serve(h, s.method, "/v2/keys"+s.key+"?"+s.form, "") // in the query: a GET's body is never read

		form, err := url.ParseQuery(s.form)
		require.NoError(t, err)
		want := translateOn(t, twin, s.method, s.key, form)
		name := s.method + " " + s.key + "?" + s.form
		assert.Equal(t, want.Status, rec.Code, name)
		assert.Equal(t, want.EtcdIndex, rec.Header().Get("X-Etcd-Index"), name)
		assert.Equal(t, string(want.Body), rec.Body.String(), name)
	}
}

// translateOn answers a request on backend b through v2keys alone, as the lab's node host does.
func translateOn(t *testing.T, b *fakeBackend, method, key string, form url.Values) v2keys.Wire {
	t.Helper()
	call, perr := v2keys.Translate(method, key, form, testNow.UnixNano(), v2keys.DefaultLimits())
	if perr != nil {
		resp := v2keys.ErrorResponse(perr)
		return resp.Wire(nil)
	}
	switch call.Route {
	case v2keys.RouteLocalGet:
		r := call.Request
		ev, err := b.Get(r.Key, r.Recursive, r.Sorted, r.Now)
		if err != nil {
			e, _ := v2keys.ErrorFor(err)
			resp := v2keys.ErrorResponse(e)
			return resp.Wire(nil)
		}
		st := b.Status()
		resp := v2keys.EventResponse(ev, ev.EtcdIndex, st.Commit, st.Term, false)
		return resp.Wire(nil)
	case v2keys.RouteSubmit:
		rep, err := b.Do(context.Background(), call.Request)
		resp, _ := v2keys.ReplyResponse(rep, err, call.NoValueOnSuccess)
		return resp.Wire(nil)
	}
	require.Fail(t, "no watch in this test", strings.Join([]string{method, key}, " "))
	return v2keys.Wire{}
}

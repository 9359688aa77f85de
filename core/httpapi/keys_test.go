package httpapi

import (
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/core/store"
)

// TestTalkExamples replays the talk's curl examples: set, list, get and a failed compare-and-swap.
func TestTalkExamples(t *testing.T) {
	h, b := newTestHandler(t)

	rec := mustServe(t, h, http.MethodPut, "/v2/keys/nosql/foo", "value=bar", http.StatusCreated)
	idx := b.st.Index()
	assert.Equal(t, fmt.Sprintf(`{"action":"set","node":{"key":"/nosql/foo","value":"bar","modifiedIndex":%d,"createdIndex":%d}}`+"\n", idx, idx), rec.Body.String())
	assert.Equal(t, "application/json", rec.Header().Get("Content-Type"))
	assert.Equal(t, strconv.FormatUint(idx, 10), rec.Header().Get("X-Etcd-Index"))

	rec = mustServe(t, h, http.MethodGet, "/v2/keys/nosql", "", http.StatusOK)
	assert.Equal(t, fmt.Sprintf(`{"action":"get","node":{"key":"/nosql","dir":true,"nodes":[{"key":"/nosql/foo","value":"bar","modifiedIndex":%d,"createdIndex":%d}],"modifiedIndex":%d,"createdIndex":%d}}`+"\n", idx, idx, idx, idx), rec.Body.String())

	rec = mustServe(t, h, http.MethodGet, "/v2/keys/nosql/foo", "", http.StatusOK)
	assert.Equal(t, fmt.Sprintf(`{"action":"get","node":{"key":"/nosql/foo","value":"bar","modifiedIndex":%d,"createdIndex":%d}}`+"\n", idx, idx), rec.Body.String())

	mustServe(t, h, http.MethodPut, "/v2/keys/foo", "value=one", http.StatusCreated)
	rec = mustServe(t, h, http.MethodPut, "/v2/keys/foo?prevValue=two", "value=three", http.StatusPreconditionFailed)
	idx = b.st.Index()
	assert.Equal(t, fmt.Sprintf(`{"errorCode":101,"message":"Compare failed","cause":"[two != one]","index":%d}`+"\n", idx), rec.Body.String())
	assert.Equal(t, strconv.FormatUint(idx, 10), rec.Header().Get("X-Etcd-Index"))
	assert.Empty(t, rec.Header().Get("X-Raft-Index"), "raft headers only on success")
}

// TestPutHandlerSelection checks the §3.2 table: the op sent to the node and the resulting action.
func TestPutHandlerSelection(t *testing.T) {
	cases := []struct {
		name   string
		query  string
		body   string
		op     store.Op
		status int
		action string
	}{
		{"plain set of an existing key", "", "value=v", store.OpSet, http.StatusOK, "set"},
		{"prevExist=true is update", "?prevExist=true", "value=v", store.OpUpdate, http.StatusOK, "update"},
		{"prevExist=true with prevValue is CAS", "?prevExist=true&prevValue=old", "value=v", store.OpCompareAndSwap, http.StatusOK, "compareAndSwap"},
		{"prevExist=true with prevIndex is CAS", "?prevExist=true&prevIndex=1", "value=v", store.OpCompareAndSwap, http.StatusOK, "compareAndSwap"},
		{"prevExist=false is create", "?prevExist=false", "value=v", store.OpCreate, http.StatusPreconditionFailed, ""},
		{"prevValue alone is CAS", "?prevValue=old", "value=v", store.OpCompareAndSwap, http.StatusOK, "compareAndSwap"},
		{"prevIndex alone is CAS", "?prevIndex=1", "value=v", store.OpCompareAndSwap, http.StatusOK, "compareAndSwap"},
		{"prevIndex=0 is set", "?prevIndex=0", "value=v", store.OpSet, http.StatusOK, "set"},
		{"prevExist in the body counts", "", "value=v&prevExist=true", store.OpUpdate, http.StatusOK, "update"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h, b := newTestHandler(t)
			mustServe(t, h, http.MethodPut, "/v2/keys/k", "value=old", http.StatusCreated)
			rec := mustServe(t, h, http.MethodPut, "/v2/keys/k"+tc.query, tc.body, tc.status)
			req := b.lastRequest(t)
			require.Equal(t, node.KindWrite, req.Kind)
			assert.Equal(t, tc.op, req.Write.Op)
			assert.Equal(t, testNow.UnixNano(), req.Write.Time)
			if tc.action != "" {
				assert.Contains(t, rec.Body.String(), `{"action":"`+tc.action+`"`)
			}
		})
	}
}

// TestCreateAndSetStatus checks 201 for create and for a set of a new key, 200 for a replacing set.
func TestCreateAndSetStatus(t *testing.T) {
	h, b := newTestHandler(t)
	rec := mustServe(t, h, http.MethodPut, "/v2/keys/c?prevExist=false", "value=1", http.StatusCreated)
	idx := b.st.Index()
	assert.Equal(t, fmt.Sprintf(`{"action":"create","node":{"key":"/c","value":"1","modifiedIndex":%d,"createdIndex":%d}}`+"\n", idx, idx), rec.Body.String())
	rec = mustServe(t, h, http.MethodPut, "/v2/keys/c?prevExist=false", "value=2", http.StatusPreconditionFailed)
	assert.Equal(t, fmt.Sprintf(`{"errorCode":105,"message":"Key already exists","cause":"/c","index":%d}`+"\n", idx), rec.Body.String())
	rec = mustServe(t, h, http.MethodPut, "/v2/keys/c", "value=3", http.StatusOK)
	assert.Equal(t, fmt.Sprintf(`{"action":"set","node":{"key":"/c","value":"3","modifiedIndex":%d,"createdIndex":%d},"prevNode":{"key":"/c","value":"1","modifiedIndex":%d,"createdIndex":%d}}`+"\n", idx+1, idx+1, idx, idx), rec.Body.String())
	rec = mustServe(t, h, http.MethodPut, "/v2/keys/d?dir=true", "value=ignored", http.StatusCreated)
	assert.Equal(t, fmt.Sprintf(`{"action":"set","node":{"key":"/d","dir":true,"modifiedIndex":%d,"createdIndex":%d}}`+"\n", idx+2, idx+2), rec.Body.String())
}

// TestKeyErrors checks store errors reach the client with their status and index.
func TestKeyErrors(t *testing.T) {
	h, b := newTestHandler(t)
	mustServe(t, h, http.MethodPut, "/v2/keys/f", "value=x", http.StatusCreated)
	mustServe(t, h, http.MethodPut, "/v2/keys/d/e", "value=x", http.StatusCreated)
	idx := b.st.Index()
	cases := []struct {
		method, target, body string
		status               int
		want                 string
	}{
		{http.MethodGet, "/v2/keys/a/b/c", "", 404, `{"errorCode":100,"message":"Key not found","cause":"/a","index":%d}`},
		{http.MethodGet, "/v2/keys/f/g", "", 400, `{"errorCode":104,"message":"Not a directory","cause":"/f","index":%d}`},
		{http.MethodPut, "/v2/keys/", "value=x", 400, `{"errorCode":107,"message":"Root is read only","cause":"/","index":%d}`},
		{http.MethodPut, "/v2/keys/d", "value=x", 403, `{"errorCode":102,"message":"Not a file","cause":"/d","index":%d}`},
		{http.MethodPut, "/v2/keys/nope?prevExist=true", "value=x", 404, `{"errorCode":100,"message":"Key not found","cause":"/nope","index":%d}`},
		{http.MethodPut, "/v2/keys/f?prevIndex=999", "value=x", 412, `{"errorCode":101,"message":"Compare failed","cause":"[999 != 1]","index":%d}`},
		{http.MethodPut, "/v2/keys/f?prevIndex=999&prevValue=y", "value=x", 412, `{"errorCode":101,"message":"Compare failed","cause":"[y != x] [999 != 1]","index":%d}`},
		{http.MethodPost, "/v2/keys/f", "value=x", 400, `{"errorCode":104,"message":"Not a directory","cause":"/f","index":%d}`},
		{http.MethodDelete, "/v2/keys/", "", 400, `{"errorCode":107,"message":"Root is read only","cause":"/","index":%d}`},
		{http.MethodDelete, "/v2/keys/d", "", 403, `{"errorCode":102,"message":"Not a file","cause":"/d","index":%d}`},
		{http.MethodDelete, "/v2/keys/d?dir=true", "", 403, `{"errorCode":108,"message":"Directory not empty","cause":"/d","index":%d}`},
		{http.MethodDelete, "/v2/keys/f?prevValue=nope", "", 412, `{"errorCode":101,"message":"Compare failed","cause":"[nope != x]","index":%d}`},
	}
	for _, tc := range cases {
		t.Run(tc.method+" "+tc.target, func(t *testing.T) {
			rec := mustServe(t, h, tc.method, tc.target, tc.body, tc.status)
			assert.Equal(t, fmt.Sprintf(tc.want, idx)+"\n", rec.Body.String())
			assert.Equal(t, strconv.FormatUint(idx, 10), rec.Header().Get("X-Etcd-Index"))
			assert.Equal(t, "application/json", rec.Header().Get("Content-Type"))
			assert.Empty(t, rec.Header().Get("X-Raft-Term"))
			assert.Equal(t, idx, b.st.Index(), "a failed write stores nothing")
		})
	}
}

// TestBadParameters checks every parameter-parsing error: etcd's body, index 0 and nothing stored.
func TestBadParameters(t *testing.T) {
	cases := []struct {
		name, method, target, body string
		want                       string
	}{
		{"bad prevIndex", "PUT", "/v2/keys/k?prevIndex=x", "value=v", `{"errorCode":203,"message":"The given index in POST form is not a number","cause":"invalid value for \"prevIndex\"","index":0}`},
		{"negative prevIndex", "PUT", "/v2/keys/k?prevIndex=-1", "value=v", `{"errorCode":203,"message":"The given index in POST form is not a number","cause":"invalid value for \"prevIndex\"","index":0}`},
		{"empty prevIndex", "PUT", "/v2/keys/k?prevIndex=", "value=v", `{"errorCode":203,"message":"The given index in POST form is not a number","cause":"invalid value for \"prevIndex\"","index":0}`},
		{"bad waitIndex", "GET", "/v2/keys/k?wait=true&waitIndex=z", "", `{"errorCode":203,"message":"The given index in POST form is not a number","cause":"invalid value for \"waitIndex\"","index":0}`},
		{"bad recursive", "GET", "/v2/keys/k?recursive=yes", "", `{"errorCode":209,"message":"Invalid field","cause":"invalid value for \"recursive\"","index":0}`},
		{"bad sorted", "GET", "/v2/keys/k?sorted=2", "", `{"errorCode":209,"message":"Invalid field","cause":"invalid value for \"sorted\"","index":0}`},
		{"bad wait", "GET", "/v2/keys/k?wait=maybe", "", `{"errorCode":209,"message":"Invalid field","cause":"invalid value for \"wait\"","index":0}`},
		{"bad dir", "PUT", "/v2/keys/k?dir=on", "", `{"errorCode":209,"message":"Invalid field","cause":"invalid value for \"dir\"","index":0}`},
		{"bad quorum", "GET", "/v2/keys/k?quorum=", "", `{"errorCode":209,"message":"Invalid field","cause":"invalid value for \"quorum\"","index":0}`},
		{"bad stream", "GET", "/v2/keys/k?stream=x", "", `{"errorCode":209,"message":"Invalid field","cause":"invalid value for \"stream\"","index":0}`},
		{"wait with PUT", "PUT", "/v2/keys/k?wait=true", "value=v", `{"errorCode":209,"message":"Invalid field","cause":"\"wait\" can only be used with GET requests","index":0}`},
		{"wait with HEAD", "HEAD", "/v2/keys/k?wait=true", "", ``},
		{"empty prevValue", "PUT", "/v2/keys/k?prevValue=", "value=v", `{"errorCode":201,"message":"PrevValue is Required in POST form","cause":"\"prevValue\" cannot be empty","index":0}`},
		{"bad noValueOnSuccess", "PUT", "/v2/keys/k?noValueOnSuccess=x", "value=v", `{"errorCode":209,"message":"Invalid field","cause":"invalid value for \"noValueOnSuccess\"","index":0}`},
		{"bad ttl", "PUT", "/v2/keys/k", "value=v&ttl=abc", `{"errorCode":202,"message":"The given TTL in POST form is not a number","cause":"invalid value for \"ttl\"","index":0}`},
		{"negative ttl", "PUT", "/v2/keys/k", "value=v&ttl=-5", `{"errorCode":202,"message":"The given TTL in POST form is not a number","cause":"invalid value for \"ttl\"","index":0}`},
		{"overflowing ttl", "PUT", "/v2/keys/k", "value=v&ttl=18446744073709551615", `{"errorCode":202,"message":"The given TTL in POST form is not a number","cause":"invalid value for \"ttl\"","index":0}`},
		{"bad prevExist", "PUT", "/v2/keys/k?prevExist=perhaps", "value=v", `{"errorCode":209,"message":"Invalid field","cause":"invalid value for prevExist","index":0}`},
		{"bad refresh", "PUT", "/v2/keys/k?refresh=x", "ttl=5", `{"errorCode":209,"message":"Invalid field","cause":"invalid value for refresh","index":0}`},
		{"refresh with value", "PUT", "/v2/keys/k?refresh=true", "ttl=5&value=v", `{"errorCode":211,"message":"Value provided on refresh","cause":"A value was provided on a refresh","index":0}`},
		{"refresh without ttl", "PUT", "/v2/keys/k?refresh=true", "", `{"errorCode":212,"message":"A TTL must be provided on refresh","cause":"No TTL value set","index":0}`},
		{"malformed form body", "PUT", "/v2/keys/k", "value=%zz", `{"errorCode":210,"message":"Invalid POST form","cause":"invalid URL escape \"%zz\"","index":0}`},
		{"malformed query", "GET", "/v2/keys/k?a=%zz", "", `{"errorCode":210,"message":"Invalid POST form","cause":"invalid URL escape \"%zz\"","index":0}`},
		{"semicolon in query", "GET", "/v2/keys/k?a=1;b=2", "", `{"errorCode":210,"message":"Invalid POST form","cause":"invalid semicolon separator in query","index":0}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h, b := newTestHandler(t)
			rec := mustServe(t, h, tc.method, tc.target, tc.body, http.StatusBadRequest)
			if tc.method != http.MethodHead {
				assert.Equal(t, tc.want+"\n", rec.Body.String())
			}
			assert.Equal(t, "0", rec.Header().Get("X-Etcd-Index"))
			assert.Equal(t, "c8730d66636ff140", rec.Header().Get("X-Etcd-Cluster-Id"))
			assert.Zero(t, b.st.Index(), "nothing stored")
			_, err := b.st.Get("/k", false, false, 0)
			assert.Error(t, err)
		})
	}
}

// TestOversizedBody checks a body over MaxRequestBytes gets 400/210 and stores nothing.
func TestOversizedBody(t *testing.T) {
	b := newFakeBackend()
	h := New(Config{Backend: b, MaxRequestBytes: 64})
	big := make([]byte, 100)
	for i := range big {
		big[i] = 'a'
	}
	rec := mustServe(t, h, http.MethodPut, "/v2/keys/k", "value="+string(big), http.StatusBadRequest)
	assert.Equal(t, `{"errorCode":210,"message":"Invalid POST form","cause":"http: POST too large","index":0}`+"\n", rec.Body.String())
	assert.Zero(t, b.st.Index())
	mustServe(t, h, http.MethodPut, "/v2/keys/k", "value=small", http.StatusCreated)
}

// TestMaxKeyBytes checks the optional key-length limit.
func TestMaxKeyBytes(t *testing.T) {
	b := newFakeBackend()
	h := New(Config{Backend: b, MaxKeyBytes: 8})
	rec := mustServe(t, h, http.MethodPut, "/v2/keys/abcdefghijk", "value=v", http.StatusBadRequest)
	assert.Equal(t, `{"errorCode":209,"message":"Invalid field","cause":"key is too long (12 bytes \u003e 8)","index":0}`+"\n", rec.Body.String())
	assert.Zero(t, b.st.Index())
	mustServe(t, h, http.MethodPut, "/v2/keys/abc", "value=v", http.StatusCreated)
}

// TestFormMerge checks body values win over the query for PUT/POST and a DELETE body is ignored.
func TestFormMerge(t *testing.T) {
	h, b := newTestHandler(t)
	rec := mustServe(t, h, http.MethodPut, "/v2/keys/k?value=fromquery", "value=frombody", http.StatusCreated)
	assert.Contains(t, rec.Body.String(), `"value":"frombody"`)
	rec = mustServe(t, h, http.MethodPut, "/v2/keys/q?value=fromquery", "", http.StatusCreated)
	assert.Contains(t, rec.Body.String(), `"value":"fromquery"`)
	rec = mustServe(t, h, http.MethodDelete, "/v2/keys/k", "prevValue=wrong", http.StatusOK)
	assert.Contains(t, rec.Body.String(), `"action":"delete"`)
	assert.Equal(t, store.OpDelete, b.lastRequest(t).Write.Op)
}

// TestValueDefaultsAndHTMLEscaping checks a missing value stores "" and JSON escapes like etcd's encoder.
func TestValueDefaultsAndHTMLEscaping(t *testing.T) {
	h, b := newTestHandler(t)
	rec := mustServe(t, h, http.MethodPut, "/v2/keys/empty", "", http.StatusCreated)
	assert.Contains(t, rec.Body.String(), `"value":""`)
	rec = mustServe(t, h, http.MethodPut, "/v2/keys/html", "value=%3Cb%3E%26", http.StatusCreated)
	idx := b.st.Index()
	assert.Equal(t, fmt.Sprintf(`{"action":"set","node":{"key":"/html","value":"\u003cb\u003e\u0026","modifiedIndex":%d,"createdIndex":%d}}`+"\n", idx, idx), rec.Body.String())
}

// TestPostInOrder checks POST creates 20-digit children, honours dir and ttl, and works on the root.
func TestPostInOrder(t *testing.T) {
	h, b := newTestHandler(t)
	rec := mustServe(t, h, http.MethodPost, "/v2/keys/queue?prevExist=true&prevValue=x", "value=job", http.StatusCreated)
	idx := b.st.Index()
	assert.Equal(t, fmt.Sprintf(`{"action":"create","node":{"key":"/queue/%020d","value":"job","modifiedIndex":%d,"createdIndex":%d}}`+"\n", idx, idx, idx), rec.Body.String())
	assert.Equal(t, store.OpCreateInOrder, b.lastRequest(t).Write.Op)
	rec = mustServe(t, h, http.MethodPost, "/v2/keys/queue?dir=true", "ttl=10", http.StatusCreated)
	idx = b.st.Index()
	exp := testNow.Add(10e9).Format("2006-01-02T15:04:05.999999999Z07:00")
	assert.Equal(t, fmt.Sprintf(`{"action":"create","node":{"key":"/queue/%020d","dir":true,"expiration":"%s","ttl":10,"modifiedIndex":%d,"createdIndex":%d}}`+"\n", idx, exp, idx, idx), rec.Body.String())
	rec = mustServe(t, h, http.MethodPost, "/v2/keys/", "value=r", http.StatusCreated)
	assert.Contains(t, rec.Body.String(), fmt.Sprintf(`"key":"/%020d"`, b.st.Index()))
}

// TestDeleteSelection checks the §3.4 table and the delete body shape.
func TestDeleteSelection(t *testing.T) {
	cases := []struct {
		name   string
		target string
		op     store.Op
		action string
	}{
		{"plain delete", "/v2/keys/f", store.OpDelete, "delete"},
		{"prevValue is CAD", "/v2/keys/f?prevValue=x", store.OpCompareAndDelete, "compareAndDelete"},
		{"prevIndex is CAD", "/v2/keys/f?prevIndex=1", store.OpCompareAndDelete, "compareAndDelete"},
		{"file deleted whatever dir says", "/v2/keys/f?dir=true", store.OpDelete, "delete"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h, b := newTestHandler(t)
			mustServe(t, h, http.MethodPut, "/v2/keys/f", "value=x", http.StatusCreated)
			rec := mustServe(t, h, http.MethodDelete, tc.target, "", http.StatusOK)
			assert.Equal(t, tc.op, b.lastRequest(t).Write.Op)
			assert.Equal(t, fmt.Sprintf(`{"action":"%s","node":{"key":"/f","modifiedIndex":2,"createdIndex":1},"prevNode":{"key":"/f","value":"x","modifiedIndex":1,"createdIndex":1}}`+"\n", tc.action), rec.Body.String())
		})
	}
	h, _ := newTestHandler(t)
	mustServe(t, h, http.MethodPut, "/v2/keys/d/a/b", "value=x", http.StatusCreated)
	rec := mustServe(t, h, http.MethodDelete, "/v2/keys/d?recursive=true", "", http.StatusOK)
	assert.Equal(t, `{"action":"delete","node":{"key":"/d","dir":true,"modifiedIndex":2,"createdIndex":1},"prevNode":{"key":"/d","dir":true,"modifiedIndex":1,"createdIndex":1}}`+"\n", rec.Body.String())
}

// TestNoValueOnSuccess checks the reduced body for set/create/update/CAS and the full one for delete.
func TestNoValueOnSuccess(t *testing.T) {
	h, _ := newTestHandler(t)
	for _, tc := range []struct{ method, target, body, want string }{
		{"PUT", "/v2/keys/k?noValueOnSuccess=true", "value=1", `{"action":"set"}`},
		{"PUT", "/v2/keys/c?noValueOnSuccess=true&prevExist=false", "value=1", `{"action":"create"}`},
		{"PUT", "/v2/keys/k?noValueOnSuccess=true&prevExist=true", "value=2", `{"action":"update"}`},
		{"PUT", "/v2/keys/k?noValueOnSuccess=true&prevValue=2", "value=3", `{"action":"compareAndSwap"}`},
	} {
		rec := serve(h, tc.method, tc.target, tc.body)
		require.Less(t, rec.Code, 300, rec.Body.String())
		assert.Equal(t, tc.want+"\n", rec.Body.String(), tc.target)
	}
	rec := mustServe(t, h, http.MethodDelete, "/v2/keys/k?noValueOnSuccess=true", "", http.StatusOK)
	assert.Contains(t, rec.Body.String(), `"prevNode":{"key":"/k","value":"3"`)
}

// TestTTLHandling checks ttl parsing: expiry = now + ttl in the request, empty = none, 0 = now.
func TestTTLHandling(t *testing.T) {
	h, b := newTestHandler(t)
	rec := mustServe(t, h, http.MethodPut, "/v2/keys/t", "value=a&ttl=5", http.StatusCreated)
	w := b.lastRequest(t).Write
	assert.True(t, w.HasTTL)
	assert.Equal(t, testNow.UnixNano()+5e9, w.Expiration)
	exp := testNow.Add(5e9).Format("2006-01-02T15:04:05.999999999Z07:00")
	assert.Equal(t, fmt.Sprintf(`{"action":"set","node":{"key":"/t","value":"a","expiration":"%s","ttl":5,"modifiedIndex":1,"createdIndex":1}}`+"\n", exp), rec.Body.String())

	rec = mustServe(t, h, http.MethodPut, "/v2/keys/t", "value=b&ttl=", http.StatusOK)
	assert.False(t, b.lastRequest(t).Write.HasTTL)
	assert.NotContains(t, rec.Body.String(), `"node":{"key":"/t","value":"b","expiration"`)

	rec = mustServe(t, h, http.MethodPut, "/v2/keys/z", "value=c&ttl=0", http.StatusCreated)
	w = b.lastRequest(t).Write
	assert.True(t, w.HasTTL)
	assert.Equal(t, testNow.UnixNano(), w.Expiration)
	assert.Equal(t, fmt.Sprintf(`{"action":"set","node":{"key":"/z","value":"c","expiration":"%s","modifiedIndex":3,"createdIndex":3}}`+"\n", testNow.Format("2006-01-02T15:04:05.999999999Z07:00")), rec.Body.String())

	mustServe(t, h, http.MethodPut, "/v2/keys/t?refresh=true", "ttl=30", http.StatusOK)
	w = b.lastRequest(t).Write
	assert.True(t, w.Refresh)
	ev, err := b.st.Get("/t", false, false, testNow.UnixNano())
	require.NoError(t, err)
	assert.Equal(t, "b", *ev.Node.Value, "refresh keeps the value")
	assert.Equal(t, int64(30), ev.Node.TTL)
}

// TestGetQueryAndHead checks local vs quorum reads, recursive and sorted listing, and HEAD.
func TestGetQueryAndHead(t *testing.T) {
	h, b := newTestHandler(t)
	mustServe(t, h, http.MethodPut, "/v2/keys/d/b", "value=2", http.StatusCreated)
	mustServe(t, h, http.MethodPut, "/v2/keys/d/a/x", "value=1", http.StatusCreated)
	mustServe(t, h, http.MethodPut, "/v2/keys/d/_hidden", "value=h", http.StatusCreated)
	before := len(b.requests)

	rec := mustServe(t, h, http.MethodGet, "/v2/keys/d?sorted=true", "", http.StatusOK)
	assert.Equal(t, `{"action":"get","node":{"key":"/d","dir":true,"nodes":[{"key":"/d/a","dir":true,"modifiedIndex":2,"createdIndex":2},{"key":"/d/b","value":"2","modifiedIndex":1,"createdIndex":1}],"modifiedIndex":1,"createdIndex":1}}`+"\n", rec.Body.String())
	assert.Equal(t, "3", rec.Header().Get("X-Etcd-Index"), "current index, not the node's")
	st := b.Status()
	assert.Equal(t, strconv.FormatUint(st.Commit, 10), rec.Header().Get("X-Raft-Index"))
	assert.Equal(t, strconv.FormatUint(st.Term, 10), rec.Header().Get("X-Raft-Term"))
	assert.Len(t, b.requests, before, "a local read does not go through Do")

	rec = mustServe(t, h, http.MethodGet, "/v2/keys/d?recursive=true&sorted=true&quorum=true", "", http.StatusOK)
	assert.Equal(t, `{"action":"get","node":{"key":"/d","dir":true,"nodes":[{"key":"/d/a","dir":true,"nodes":[{"key":"/d/a/x","value":"1","modifiedIndex":2,"createdIndex":2}],"modifiedIndex":2,"createdIndex":2},{"key":"/d/b","value":"2","modifiedIndex":1,"createdIndex":1}],"modifiedIndex":1,"createdIndex":1}}`+"\n", rec.Body.String())
	q := b.lastRequest(t)
	assert.Equal(t, node.KindQuorumGet, q.Kind)
	assert.Equal(t, "/d", q.Key)
	assert.True(t, q.Recursive)
	assert.True(t, q.Sorted)
	assert.Equal(t, testNow.UnixNano(), q.Now)

	rec = mustServe(t, h, http.MethodGet, "/v2/keys/", "", http.StatusOK)
	assert.Equal(t, `{"action":"get","node":{"dir":true,"nodes":[{"key":"/d","dir":true,"modifiedIndex":1,"createdIndex":1}]}}`+"\n", rec.Body.String())

	head := mustServe(t, h, http.MethodHead, "/v2/keys/d/b", "", http.StatusOK)
	assert.Empty(t, head.Body.String())
	assert.Equal(t, "3", head.Header().Get("X-Etcd-Index"))
	head = mustServe(t, h, http.MethodHead, "/v2/keys/missing", "", http.StatusNotFound)
	assert.Equal(t, "3", head.Header().Get("X-Etcd-Index"))
}

// TestBackendFailures checks non-store errors become 500/300 with index 0 and are counted (all
// but node.ErrTooLarge, a 400: TestWritePayloadOverTheLimitIsRefusedAtTheDoor).
func TestBackendFailures(t *testing.T) {
	for _, err := range []error{node.ErrTimeout, node.ErrNoLeader} {
		t.Run(err.Error(), func(t *testing.T) {
			h, b := newTestHandler(t)
			b.failWith = err
			rec := mustServe(t, h, http.MethodPut, "/v2/keys/k", "value=v", http.StatusInternalServerError)
			assert.Equal(t, `{"errorCode":300,"message":"Raft Internal Error","cause":"`+err.Error()+`","index":0}`+"\n", rec.Body.String())
			assert.Equal(t, "0", rec.Header().Get("X-Etcd-Index"))
			assert.Empty(t, rec.Header().Get("X-Raft-Index"))
		})
	}
}

// TestPathHandling checks redirects of unclean paths, percent-decoding and trailing slashes.
func TestPathHandling(t *testing.T) {
	h, _ := newTestHandler(t)
	for _, tc := range []struct{ target, location string }{
		{"/v2/keys//a", "/v2/keys/a"},
		{"/v2/keys/a/./b", "/v2/keys/a/b"},
		{"/v2/keys/a/../b?x=1", "/v2/keys/b?x=1"},
		{"/v2/keys/a/b/..", "/v2/keys/a"},
		{"/v2/keys//a/", "/v2/keys/a/"},
	} {
		rec := mustServe(t, h, http.MethodGet, tc.target, "", http.StatusTemporaryRedirect)
		assert.Equal(t, tc.location, rec.Header().Get("Location"), tc.target)
	}
	rec := mustServe(t, h, http.MethodPut, "/v2/keys/a%20b%2Fc", "value=v", http.StatusCreated)
	assert.Contains(t, rec.Body.String(), `"key":"/a b/c"`)
	rec = mustServe(t, h, http.MethodGet, "/v2/keys/a%20b/c/", "", http.StatusOK)
	assert.Contains(t, rec.Body.String(), `"key":"/a b/c","value":"v"`)
	mustServe(t, h, http.MethodGet, "/v2/keys", "", http.StatusOK)
	mustServe(t, h, http.MethodGet, "/v2/keysx", "", http.StatusNotFound)
}

// TestQuorumWinsOverWait checks etcd's order: GET with quorum=true is a quorum read even with wait=true.
func TestQuorumWinsOverWait(t *testing.T) {
	h, b := newTestHandler(t)
	mustServe(t, h, http.MethodPut, "/v2/keys/k", "value=v", http.StatusCreated)
	rec := mustServe(t, h, http.MethodGet, "/v2/keys/k?quorum=true&wait=true", "", http.StatusOK)
	assert.Contains(t, rec.Body.String(), `{"action":"get"`)
	assert.Equal(t, node.KindQuorumGet, b.lastRequest(t).Kind)
}

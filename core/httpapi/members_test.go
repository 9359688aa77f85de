package httpapi

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/node"
)

// TestMemberIDWorkedExamples checks the SHA-1 formula against the spec's observed IDs.
func TestMemberIDWorkedExamples(t *testing.T) {
	assert.Equal(t, "9e737febb6b99eee", strconv.FormatUint(MemberIDWithToken([]string{"http://127.0.0.1:22380"}, "etcd-cluster"), 16))
	assert.Equal(t, "451806016a5b3431", strconv.FormatUint(MemberIDWithToken([]string{"http://127.0.0.1:22512"},
		"http://127.0.0.1:22379/v2/keys/_etcd/registry/tokA"), 16))
	a := MemberID([]string{"http://b:2", "http://a:1"}, testNow)
	assert.Equal(t, a, MemberID([]string{"http://a:1", "http://b:2"}, testNow.Add(time.Millisecond)), "sorted URLs, whole seconds")
	assert.NotEqual(t, a, MemberID([]string{"http://a:1", "http://b:2"}, testNow.Add(time.Second)))
	assert.Equal(t, MemberIDWithToken([]string{"http://a:1", "http://b:2"}, strconv.FormatInt(testNow.Unix(), 10)), a)
}

func TestMembersAPI(t *testing.T) {
	h, b := newTestHandler(t)
	rec := mustServe(t, h, http.MethodGet, "/v2/members", "", http.StatusOK)
	assert.Equal(t, `{"members":[{"id":"9e737febb6b99eee","name":"default","peerURLs":["http://127.0.0.1:22380"],"clientURLs":["http://127.0.0.1:22379"]}]}`+"\n", rec.Body.String())
	assert.Equal(t, "c8730d66636ff140", rec.Header().Get("X-Etcd-Cluster-Id"))

	rec = mustServe(t, h, http.MethodGet, "/v2/members/leader", "", http.StatusOK)
	assert.Equal(t, `{"id":"9e737febb6b99eee","name":"default","peerURLs":["http://127.0.0.1:22380"],"clientURLs":["http://127.0.0.1:22379"]}`+"\n", rec.Body.String())

	rec = serveJSON(h, http.MethodPost, "/v2/members", "application/json; charset=utf-8", `{"peerURLs":["http://10.0.0.2:2380"]}`)
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	id := MemberID([]string{"http://10.0.0.2:2380"}, testNow)
	hex := strconv.FormatUint(id, 16)
	assert.Equal(t, `{"id":"`+hex+`","name":"","peerURLs":["http://10.0.0.2:2380"],"clientURLs":[]}`+"\n", rec.Body.String())
	add := b.lastRequest(t)
	assert.Equal(t, node.KindMemberAdd, add.Kind)
	assert.Equal(t, id, add.Member.ID)

	rec = mustServe(t, h, http.MethodGet, "/v2/members", "", http.StatusOK)
	assert.Contains(t, rec.Body.String(), `{"id":"`+hex+`","name":"","peerURLs":["http://10.0.0.2:2380"],"clientURLs":[]}`)

	rec = serveJSON(h, http.MethodPut, "/v2/members/"+hex, "application/json", `{"peerURLs":["http://10.0.0.3:2380"]}`)
	require.Equal(t, http.StatusNoContent, rec.Code, rec.Body.String())
	assert.Empty(t, rec.Body.String())
	upd := b.lastRequest(t)
	assert.Equal(t, node.KindMemberUpdate, upd.Kind)
	assert.Equal(t, id, upd.MemberID)
	assert.Equal(t, []string{"http://10.0.0.3:2380"}, upd.Member.PeerURLs)

	rec = mustServe(t, h, http.MethodDelete, "/v2/members/"+hex, "", http.StatusNoContent)
	assert.Empty(t, rec.Body.String())
	assert.Equal(t, node.KindMemberRemove, b.lastRequest(t).Kind)
	rec = mustServe(t, h, http.MethodDelete, "/v2/members/"+hex, "", http.StatusGone)
	assert.Equal(t, `{"message":"Member permanently removed: `+hex+`"}`, rec.Body.String())
}

func TestMembersAPIErrors(t *testing.T) {
	cases := []struct {
		name, method, target, ctype, body string
		status                            int
		want                              string
	}{
		{"bad content type", "POST", "/v2/members", "text/plain", `{}`, 415, `{"message":"Bad Content-Type text/plain, accept application/json"}`},
		{"missing content type", "POST", "/v2/members", "", `{}`, 415, `{"message":"Bad Content-Type , accept application/json"}`},
		{"bad json", "POST", "/v2/members", "application/json", `{"peerURLs":`, 400, `{"message":"unexpected end of JSON input"}`},
		{"no urls", "POST", "/v2/members", "application/json", `{"peerURLs":[]}`, 400, `{"message":"no valid URLs given"}`},
		{"urls not a list", "PUT", "/v2/members/abc", "application/json", `{"peerURLs":"x"}`, 400, `{"message":"json: cannot unmarshal string into Go struct field .peerURLs of type []string"}`},
		{"url without port", "POST", "/v2/members", "application/json", `{"peerURLs":["http://h"]}`, 400, `{"message":"URL address does not have the form \"host:port\": http://h"}`},
		{"url with path", "POST", "/v2/members", "application/json", `{"peerURLs":["http://h:1/p"]}`, 400, `{"message":"URL must not contain a path: http://h:1/p"}`},
		{"bad scheme", "POST", "/v2/members", "application/json", `{"peerURLs":["ftp://h:1"]}`, 400, `{"message":"URL scheme must be http, https, unix, or unixs: ftp://h:1"}`},
		{"peer url exists", "POST", "/v2/members", "application/json", `{"peerURLs":["http://127.0.0.1:22380"]}`, 409, `{"message":"membership: peerURL exists"}`},
		{"remove unknown", "DELETE", "/v2/members/abc", "", "", 404, `{"message":"No such member: abc"}`},
		{"remove non-hex", "DELETE", "/v2/members/xyz", "", "", 404, `{"message":"No such member: xyz"}`},
		{"remove without id", "DELETE", "/v2/members", "", "", 405, "Method Not Allowed\n"},
		{"update unknown", "PUT", "/v2/members/abc", "application/json", `{"peerURLs":["http://h:1"]}`, 404, `{"message":"No such member: abc"}`},
		{"update unknown id with a used url", "PUT", "/v2/members/9e737febb6b99eef", "application/json", `{"peerURLs":["http://127.0.0.1:22380"]}`, 404, `{"message":"No such member: 9e737febb6b99eef"}`},
		{"get unknown sub-path", "GET", "/v2/members/abc", "", "", 404, `{"message":"Not found"}`},
		{"wrong method", "PATCH", "/v2/members", "", "", 405, "Method Not Allowed\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h, b := newTestHandler(t)
			before := len(b.Status().Members)
			rec := serveJSON(h, tc.method, tc.target, tc.ctype, tc.body)
			require.Equal(t, tc.status, rec.Code)
			assert.Equal(t, tc.want, rec.Body.String())
			assert.Len(t, b.Status().Members, before, "membership unchanged")
		})
	}
}

func TestMembersConflictsAndLeaderless(t *testing.T) {
	h, b := newTestHandler(t)
	body := `{"peerURLs":["http://10.0.0.9:2380"]}`
	require.Equal(t, http.StatusCreated, serveJSON(h, "POST", "/v2/members", "application/json", body).Code)
	b.members[1].PeerURLs = []string{"http://10.0.0.10:2380"} // same ID, other URL: ID exists
	rec := serveJSON(h, "POST", "/v2/members", "application/json", body)
	assert.Equal(t, http.StatusConflict, rec.Code)
	assert.Equal(t, `{"message":"membership: ID exists"}`, rec.Body.String())

	rec = serveJSON(h, "PUT", "/v2/members/9e737febb6b99eee", "application/json", `{"peerURLs":["http://10.0.0.10:2380"]}`)
	assert.Equal(t, http.StatusConflict, rec.Code)
	assert.Equal(t, `{"message":"membership: peerURL exists"}`, rec.Body.String())

	b.failWith = node.ErrTimeout
	rec = serveJSON(h, "POST", "/v2/members", "application/json", `{"peerURLs":["http://10.0.0.11:2380"]}`)
	assert.Equal(t, http.StatusInternalServerError, rec.Code)
	assert.Equal(t, `{"message":"Internal Server Error"}`, rec.Body.String())

	b.setLead(0)
	rec = mustServe(t, h, http.MethodGet, "/v2/members/leader", "", http.StatusServiceUnavailable)
	assert.Equal(t, `{"message":"During election"}`, rec.Body.String())
}

func TestMembersOversizedBody(t *testing.T) {
	b := newFakeBackend()
	h := New(Config{Backend: b, MaxRequestBytes: 16})
	rec := serveJSON(h, http.MethodPost, "/v2/members", "application/json", `{"peerURLs":["http://10.0.0.2:2380"]}`)
	assert.Equal(t, http.StatusBadRequest, rec.Code)
	assert.Equal(t, `{"message":"http: request body too large"}`, rec.Body.String())
	assert.Len(t, b.Status().Members, 1)
}

// TestMembersRefusalHasNoClusterID: etcd checks root access before it sets X-Etcd-Cluster-Id, so a
// refused membership change answers 401 without it (parity 11-auth.seq).
func TestMembersRefusalHasNoClusterID(t *testing.T) {
	h, _ := setupAuth(t)
	rec := mustAs(t, h, asAlice, http.MethodPost, "/v2/members", `{"peerURLs":["http://10.0.0.9:2380"]}`, http.StatusUnauthorized)
	assert.Empty(t, rec.Header().Get("X-Etcd-Cluster-Id"))
	rec = mustAs(t, h, asGuest, http.MethodGet, "/v2/members", "", http.StatusOK)
	assert.NotEmpty(t, rec.Header().Get("X-Etcd-Cluster-Id"))
}

// A learner is added with isLearner and promoted with POST /v2/members/<id>/promote (raftlab's,
// after etcd v3's MemberAdd and MemberPromote), the requests the lab's simulated operator sends.
func TestMembersAPILearners(t *testing.T) {
	h, b := newTestHandler(t)
	rec := serveJSON(h, http.MethodPost, "/v2/members", "application/json", `{"peerURLs":["http://10.0.0.4:2380"],"isLearner":true}`)
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	add := b.lastRequest(t)
	assert.Equal(t, node.KindMemberAddLearner, add.Kind)
	id := MemberID([]string{"http://10.0.0.4:2380"}, testNow)
	assert.Equal(t, id, add.Member.ID)
	hex := strconv.FormatUint(id, 16)
	assert.Equal(t, `{"id":"`+hex+`","name":"","peerURLs":["http://10.0.0.4:2380"],"clientURLs":[]}`+"\n", rec.Body.String())

	rec = mustServe(t, h, http.MethodPost, "/v2/members/"+hex+"/promote", "", http.StatusNoContent)
	assert.Empty(t, rec.Body.String())
	promote := b.lastRequest(t)
	assert.Equal(t, node.KindMemberPromote, promote.Kind)
	assert.Equal(t, id, promote.MemberID)

	rec = mustServe(t, h, http.MethodPost, "/v2/members/xyz/promote", "", http.StatusNotFound)
	assert.Equal(t, `{"message":"No such member: xyz"}`, rec.Body.String())
}

package v2members

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/raftlab/raftlab/core/node"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTranslatePlansEachMembersRequest(t *testing.T) {
	cases := []struct {
		name, method, rest, body string
		want                     Call
	}{
		{"list", "GET", "", "", Call{Route: RouteList}},
		{"leader", "GET", "leader", "", Call{Route: RouteLeader}},
		{"add", "POST", "", `{"peerURLs":["http://b:2380","http://a:2380"]}`, Call{Route: RouteSubmit,
			Request: node.Request{Kind: node.KindMemberAdd, Member: node.Member{PeerURLs: []string{"http://a:2380", "http://b:2380"}}}}},
		{"add a learner", "POST", "", `{"peerURLs":["http://a:2380"],"isLearner":true}`, Call{Route: RouteSubmit,
			Request: node.Request{Kind: node.KindMemberAddLearner, Member: node.Member{PeerURLs: []string{"http://a:2380"}}}}},
		{"remove", "DELETE", "1f", "", Call{Route: RouteSubmit, Request: node.Request{Kind: node.KindMemberRemove, MemberID: 0x1f}}},
		{"promote", "POST", "1f/promote", "", Call{Route: RouteSubmit, Request: node.Request{Kind: node.KindMemberPromote, MemberID: 0x1f}}},
		{"update", "PUT", "1f", `{"peerURLs":["http://c:2380"]}`, Call{Route: RouteSubmit, Request: node.Request{
			Kind: node.KindMemberUpdate, MemberID: 0x1f, Member: node.Member{ID: 0x1f, PeerURLs: []string{"http://c:2380"}}}}},
	}
	for _, c := range cases {
		call, refused := Translate(c.method, c.rest, "application/json; charset=utf-8", strings.NewReader(c.body))
		require.Nil(t, refused, c.name)
		assert.Equal(t, c.want, call, c.name)
		assert.Equal(t, c.want.Request.Kind == node.KindMemberAdd || c.want.Request.Kind == node.KindMemberAddLearner, call.Adds(), c.name)
	}
}

func TestTranslateRefusesAsEtcd(t *testing.T) {
	cases := []struct {
		name, method, rest, ct, body string
		status                       int
		answer                       string
	}{
		{"other GET", "GET", "x", "", "", 404, `{"message":"Not found"}`},
		{"content type", "POST", "", "text/plain", `{}`, 415, `{"message":"Bad Content-Type text/plain, accept application/json"}`},
		{"bad JSON", "POST", "", "application/json", `{`, 400, `{"message":"unexpected end of JSON input"}`},
		{"no URLs", "POST", "", "application/json", `{"peerURLs":[]}`, 400, `{"message":"no valid URLs given"}`},
		{"path in URL", "POST", "", "application/json", `{"peerURLs":["http://a:1/p"]}`, 400, `{"message":"URL must not contain a path: http://a:1/p"}`},
		{"remove without ID", "DELETE", "", "", "", 405, "Method Not Allowed"},
		{"remove non-hex", "DELETE", "zz", "", "", 404, `{"message":"No such member: zz"}`},
		{"promote non-hex", "POST", "zz/promote", "", "", 404, `{"message":"No such member: zz"}`},
		{"update non-hex first", "PUT", "zz", "text/plain", "", 404, `{"message":"No such member: zz"}`},
		{"update content type", "PUT", "1", "text/plain", "", 415, `{"message":"Bad Content-Type text/plain, accept application/json"}`},
	}
	for _, c := range cases {
		_, refused := Translate(c.method, c.rest, c.ct, strings.NewReader(c.body))
		require.NotNil(t, refused, c.name)
		assert.Equal(t, c.status, refused.Status, c.name)
		assert.Equal(t, c.answer, string(refused.Body), c.name)
		assert.Equal(t, c.status == 405, refused.Text, c.name)
	}
}

func TestReplyResponseIsEtcdsAnswer(t *testing.T) {
	add := node.Request{Kind: node.KindMemberAdd, Member: node.Member{ID: 0xa, PeerURLs: []string{"http://a:2380"}}}
	learner := node.Request{Kind: node.KindMemberAddLearner, Member: add.Member}
	remove := node.Request{Kind: node.KindMemberRemove, MemberID: 0xa}
	promote := node.Request{Kind: node.KindMemberPromote, MemberID: 0xa}
	update := node.Request{Kind: node.KindMemberUpdate, MemberID: 0xa, Member: add.Member}
	timeout := errors.New("timeout")
	cases := []struct {
		name     string
		req      node.Request
		rep      node.Reply
		err      error
		status   int
		body     string
		internal bool
	}{
		{"added", add, node.Reply{}, nil, 201, `{"id":"a","name":"","peerURLs":["http://a:2380"],"clientURLs":[]}` + "\n", false},
		{"added as the node says", learner, node.Reply{Member: &node.Member{ID: 0xb, Name: "n"}}, nil, 201,
			`{"id":"b","name":"n","peerURLs":[],"clientURLs":[]}` + "\n", false},
		{"ID exists", add, node.Reply{Err: node.ErrIDExists}, nil, 409, `{"message":"` + node.ErrIDExists.Error() + `"}`, false},
		{"URL exists", learner, node.Reply{}, node.ErrPeerURLExists, 409, `{"message":"` + node.ErrPeerURLExists.Error() + `"}`, false},
		{"add removed ID", add, node.Reply{Err: node.ErrIDRemoved}, nil, 500, `{"message":"Internal Server Error"}`, true},
		{"removed", remove, node.Reply{}, nil, 204, "", false},
		{"remove unknown", remove, node.Reply{Err: node.ErrIDNotFound}, nil, 404, `{"message":"No such member: a"}`, false},
		{"remove again", remove, node.Reply{Err: node.ErrIDRemoved}, nil, 410, `{"message":"Member permanently removed: a"}`, false},
		{"remove timeout", remove, node.Reply{}, timeout, 500, `{"message":"Internal Server Error"}`, true},
		{"promoted", promote, node.Reply{}, nil, 204, "", false},
		{"promote unknown", promote, node.Reply{Err: node.ErrIDNotFound}, nil, 404, `{"message":"No such member: a"}`, false},
		{"updated", update, node.Reply{}, nil, 204, "", false},
		{"update to a used URL", update, node.Reply{Err: node.ErrPeerURLExists}, nil, 409, `{"message":"` + node.ErrPeerURLExists.Error() + `"}`, false},
		{"update unknown", update, node.Reply{Err: node.ErrIDNotFound}, nil, 404, `{"message":"No such member: a"}`, false},
	}
	for _, c := range cases {
		r, internal := ReplyResponse(c.req, c.rep, c.err)
		assert.Equal(t, c.status, r.Status, c.name)
		assert.Equal(t, c.body, string(r.Body), c.name)
		assert.Equal(t, c.internal, internal, c.name)
	}
}

func TestListAndLeaderAnswers(t *testing.T) {
	ms := []node.Member{{ID: 0x20, Name: "b"}, {ID: 0x3, Name: "a", PeerURLs: []string{"http://a:2380"}}}
	r := ListResponse(ms)
	assert.Equal(t, http.StatusOK, r.Status)
	assert.Equal(t, `{"members":[{"id":"3","name":"a","peerURLs":["http://a:2380"],"clientURLs":[]},{"id":"20","name":"b","peerURLs":[],"clientURLs":[]}]}`+"\n", string(r.Body))
	a, err := Decode(r.Status, r.Body, true)
	require.NoError(t, err)
	require.Len(t, a.Members, 2)
	assert.Equal(t, "3", a.Members[0].ID)
	assert.Equal(t, uint64(0x20), ms[0].ID, "the caller's slice is left as it was")

	r = LeaderResponse(ms, 0x20)
	a, err = Decode(r.Status, r.Body, false)
	require.NoError(t, err)
	assert.Equal(t, "b", a.Member.Name)
	r = LeaderResponse(ms, 0)
	assert.Equal(t, http.StatusServiceUnavailable, r.Status)
	a, err = Decode(r.Status, r.Body, false)
	require.NoError(t, err)
	assert.False(t, a.OK())
	assert.Equal(t, "During election", a.Message)
}

func TestDecodeRefusesWhatIsNotTheAnswer(t *testing.T) {
	for _, c := range []struct {
		status int
		body   string
	}{{204, "x"}, {201, "{"}, {404, "not json"}, {200, `{"members":3}`}} {
		_, err := Decode(c.status, []byte(c.body), c.status == 200)
		assert.Error(t, err, "%d %s", c.status, c.body)
	}
}

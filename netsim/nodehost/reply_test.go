package nodehost

import (
	"errors"
	"net/http"
	"testing"

	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/netsim"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A simulated membership change is the members API request a v2 client sends, and its answer the
// API's bytes.
func TestMembershipChangesGoThroughTheMembersAPI(t *testing.T) {
	cases := []struct {
		name     string
		req      netsim.Request
		kind     node.RequestKind
		rep      node.Reply
		status   int
		body     string
		memberID uint64
	}{
		{"add", netsim.Request{ID: 1, Kind: netsim.ReqMemberAdd, Member: netsim.MemberSpec{ID: 7, Name: "n7"}},
			node.KindMemberAdd, node.Reply{}, http.StatusCreated,
			`{"id":"7","name":"","peerURLs":["http://n7:2380"],"clientURLs":[]}` + "\n", 0},
		{"learner", netsim.Request{ID: 2, Kind: netsim.ReqMemberAddLearner, Member: netsim.MemberSpec{ID: 8, Name: "n8"}},
			node.KindMemberAddLearner, node.Reply{Err: node.ErrIDExists}, http.StatusConflict,
			`{"message":"` + node.ErrIDExists.Error() + `"}`, 0},
		{"remove", netsim.Request{ID: 3, Kind: netsim.ReqMemberRemove, MemberID: 0xab},
			node.KindMemberRemove, node.Reply{}, http.StatusNoContent, "", 0xab},
		{"remove unknown", netsim.Request{ID: 4, Kind: netsim.ReqMemberRemove, MemberID: 0xab},
			node.KindMemberRemove, node.Reply{Err: node.ErrIDNotFound}, http.StatusNotFound, `{"message":"No such member: ab"}`, 0xab},
		{"promote", netsim.Request{ID: 5, Kind: netsim.ReqMemberPromote, MemberID: 9},
			node.KindMemberPromote, node.Reply{Err: errors.New("timeout")}, http.StatusInternalServerError,
			`{"message":"Internal Server Error"}`, 9},
	}
	for _, c := range cases {
		call, refused := translateMembers(c.req)
		require.Nil(t, refused, c.name)
		assert.Equal(t, c.kind, call.Request.Kind, c.name)
		assert.Equal(t, c.req.ID, call.Request.ID, c.name)
		assert.Equal(t, c.memberID, call.Request.MemberID, c.name)
		if call.Adds() {
			assert.Equal(t, c.req.Member.ID, call.Request.Member.ID, c.name)
			assert.Equal(t, []string{"http://" + c.req.Member.Name + ":2380"}, call.Request.Member.PeerURLs, c.name)
		}
		r := memberReply(call.Request, c.rep)
		assert.Equal(t, c.status, r.Wire.Status, c.name)
		assert.Equal(t, c.body, string(r.Wire.Body), c.name)
	}
}

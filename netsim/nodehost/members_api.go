package nodehost

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/core/v2keys"
	"github.com/raftlab/raftlab/core/v2members"
	"github.com/raftlab/raftlab/netsim"
)

// membersRequest is the /v2/members request a v2 client sends for a membership change: the method,
// the path after /v2/members/ and the JSON body (ETCD_V2_API.md §9; isLearner and .../promote are
// raftlab's).
func membersRequest(req netsim.Request) (method, rest string, body []byte) {
	hex := strconv.FormatUint(req.MemberID, 16)
	switch req.Kind {
	case netsim.ReqMemberRemove:
		return http.MethodDelete, hex, nil
	case netsim.ReqMemberPromote:
		return http.MethodPost, hex + "/promote", nil
	}
	add := struct {
		PeerURLs  []string `json:"peerURLs"`
		IsLearner bool     `json:"isLearner,omitempty"`
	}{member(req.Member).PeerURLs, req.Kind == netsim.ReqMemberAddLearner}
	body, err := json.Marshal(add)
	if err != nil {
		panic("nodehost: marshal a member add: " + err.Error()) // strings and a bool
	}
	return http.MethodPost, "", body
}

// translateMembers turns a membership change into what the members API would ask the node, through
// the API's own translation (v2members.Translate), or the API's answer to a request it refuses. An
// added member gets the ID the simulator reserved for it (kvd derives it from the clock).
func translateMembers(req netsim.Request) (v2members.Call, *v2members.Response) {
	method, rest, body := membersRequest(req)
	call, refused := v2members.Translate(method, rest, "application/json", strings.NewReader(string(body)))
	if refused != nil {
		return call, refused
	}
	if call.Adds() {
		call.Request.Member.ID = req.Member.ID
	}
	call.Request.ID = req.ID
	return call, nil
}

// membersAnswer is the reply of a membership change as the API answers it: the bytes on the wire.
func membersAnswer(id uint64, resp v2members.Response) netsim.Reply {
	return netsim.Reply{ID: id, Wire: v2keys.Wire{Status: resp.Status, Body: resp.Body}}
}

// memberReply is the members API's answer to change req, which the node answered with rep.
func memberReply(req node.Request, rep node.Reply) netsim.Reply {
	resp, _ := v2members.ReplyResponse(req, rep, nil)
	return membersAnswer(req.ID, resp)
}

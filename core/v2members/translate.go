package v2members

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/raftlab/raftlab/core/node"
)

// Route says how a members request is served.
type Route uint8

const (
	// RouteList is GET /v2/members: the members from the node's status (ListResponse).
	RouteList Route = iota + 1
	// RouteLeader is GET /v2/members/leader (LeaderResponse).
	RouteLeader
	// RouteSubmit is a membership change submitted to the node (Call.Request).
	RouteSubmit
)

// promoteSuffix ends the path of POST /v2/members/<id>/promote, raftlab's promotion of a learner
// (etcd's v2 API has none; its v3 MemberPromote is the model).
const promoteSuffix = "/promote"

// Call is how a parsed members request is served and, for a change, what the node is asked. An
// add's Member has its peer URLs and no ID: the caller gives it one (MemberID) before submitting.
type Call struct {
	Route   Route
	Request node.Request
}

// Translate parses a members request: its method (one of GET, POST, DELETE, PUT: the shell answers
// any other with 405), rest (the path after /v2/members/, slashes trimmed), the Content-Type header
// and the body. It returns the call, or the answer etcd gives at once to a request it refuses.
func Translate(method, rest, contentType string, body io.Reader) (Call, *Response) {
	switch method {
	case http.MethodGet:
		switch rest {
		case "":
			return Call{Route: RouteList}, nil
		case "leader":
			return Call{Route: RouteLeader}, nil
		}
		return Call{}, errorResponse(http.StatusNotFound, "Not found")
	case http.MethodPost:
		if id, ok := strings.CutSuffix(rest, promoteSuffix); ok {
			return changeOf(node.KindMemberPromote, id)
		}
		add, resp := readBody(contentType, body)
		if resp != nil {
			return Call{}, resp
		}
		kind := node.KindMemberAdd
		if add.IsLearner {
			kind = node.KindMemberAddLearner
		}
		return Call{Route: RouteSubmit, Request: node.Request{Kind: kind, Member: node.Member{PeerURLs: add.PeerURLs}}}, nil
	case http.MethodDelete:
		return changeOf(node.KindMemberRemove, rest)
	}
	call, resp := changeOf(node.KindMemberUpdate, rest)
	if resp != nil {
		return call, resp
	}
	upd, resp := readBody(contentType, body)
	if resp != nil {
		return Call{}, resp
	}
	call.Request.Member = node.Member{ID: call.Request.MemberID, PeerURLs: upd.PeerURLs}
	return call, nil
}

// changeOf is the change kind of the member with the hex ID in the path: no ID is 405, a non-hex
// one 404.
func changeOf(kind node.RequestKind, rest string) (Call, *Response) {
	if rest == "" {
		return Call{}, &Response{Status: http.StatusMethodNotAllowed, Body: []byte("Method Not Allowed"), Text: true}
	}
	id, err := strconv.ParseUint(rest, 16, 64)
	if err != nil {
		return Call{}, errorResponse(http.StatusNotFound, "No such member: "+rest)
	}
	return Call{Route: RouteSubmit, Request: node.Request{Kind: kind, MemberID: id}}, nil
}

// memberBody is the body of POST and PUT /v2/members read. isLearner (POST only) is raftlab's, after
// etcd's v3 MemberAdd.
type memberBody struct {
	PeerURLs  []string
	IsLearner bool
}

// readBody reads a {"peerURLs":[...]} JSON body: 415 for another content type, 400 for bad JSON or
// bad URLs. The peer URLs come back normalised and sorted.
func readBody(contentType string, body io.Reader) (memberBody, *Response) {
	ct := contentType
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = strings.TrimSpace(strings.ToLower(ct[:i]))
	}
	if ct != "application/json" {
		return memberBody{}, errorResponse(http.StatusUnsupportedMediaType, fmt.Sprintf("Bad Content-Type %s, accept application/json", ct))
	}
	var b []byte
	var err error
	if body != nil {
		b, err = io.ReadAll(body)
	}
	if err != nil {
		return memberBody{}, BadRequest(err)
	}
	// An unnamed struct type, as etcd's: a decoding error names the field ".peerURLs".
	var req struct {
		PeerURLs  []string `json:"peerURLs"`
		IsLearner bool     `json:"isLearner"`
	}
	if err := json.Unmarshal(b, &req); err != nil {
		return memberBody{}, BadRequest(err)
	}
	urls, err := parsePeerURLs(req.PeerURLs)
	if err != nil {
		return memberBody{}, BadRequest(err)
	}
	return memberBody{PeerURLs: urls, IsLearner: req.IsLearner}, nil
}

// Adds reports whether c adds a member (a voter or a learner), whose ID the caller gives.
func (c Call) Adds() bool { return adds(c.Request.Kind) }

// adds reports whether kind adds a member.
func adds(kind node.RequestKind) bool {
	return kind == node.KindMemberAdd || kind == node.KindMemberAddLearner
}

package v2members

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"

	"github.com/raftlab/raftlab/core/node"
)

// Member is a member as the members API shows it.
type Member struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	PeerURLs   []string `json:"peerURLs"`
	ClientURLs []string `json:"clientURLs"`
}

// Collection is the GET /v2/members body.
type Collection struct {
	Members []Member `json:"members"`
}

// errorBody is the body of a members API error.
type errorBody struct {
	Message string `json:"message"`
}

// Response is a members answer: the status code and the body bytes, application/json unless Text
// (net/http's plain-text error) or empty (204).
type Response struct {
	Status int
	Body   []byte
	Text   bool
}

// toMember is m as the API shows it.
func toMember(m node.Member) Member {
	return Member{
		ID:         strconv.FormatUint(m.ID, 16),
		Name:       m.Name,
		PeerURLs:   append(make([]string, 0, len(m.PeerURLs)), m.PeerURLs...),
		ClientURLs: append(make([]string, 0, len(m.ClientURLs)), m.ClientURLs...),
	}
}

// jsonResponse is status with v as etcd's json.Encoder writes it (HTML-escaped, newline-terminated).
func jsonResponse(status int, v any) Response {
	var b bytes.Buffer
	if err := json.NewEncoder(&b).Encode(v); err != nil {
		panic("v2members: encode: " + err.Error()) // only strings and slices of strings
	}
	return Response{Status: status, Body: b.Bytes()}
}

// errorResponse is status with {"message":msg} (json.Marshal: no newline, as etcd).
func errorResponse(status int, msg string) *Response {
	b, err := json.Marshal(errorBody{Message: msg})
	if err != nil {
		panic("v2members: marshal error: " + err.Error())
	}
	return &Response{Status: status, Body: b}
}

// BadRequest is the 400 of a body that cannot be read or parsed.
func BadRequest(err error) *Response { return errorResponse(http.StatusBadRequest, err.Error()) }

// ListResponse is GET /v2/members: the members sorted by ID.
func ListResponse(members []node.Member) Response {
	ms := slices.Clone(members)
	slices.SortFunc(ms, func(a, b node.Member) int { return cmp.Compare(a.ID, b.ID) })
	c := Collection{Members: make([]Member, 0, len(ms))}
	for _, m := range ms {
		c.Members = append(c.Members, toMember(m))
	}
	return jsonResponse(http.StatusOK, c)
}

// LeaderResponse is GET /v2/members/leader: the leader's member, 503 while there is none.
func LeaderResponse(members []node.Member, lead uint64) Response {
	i := slices.IndexFunc(members, func(m node.Member) bool { return m.ID == lead })
	if lead == 0 || i < 0 {
		return *errorResponse(http.StatusServiceUnavailable, "During election")
	}
	return jsonResponse(http.StatusOK, toMember(members[i]))
}

// ReplyResponse is the answer to the change req once the node answered rep (err: it could not be
// submitted or waited for). internal reports a 500 whose cause the server logs.
func ReplyResponse(req node.Request, rep node.Reply, err error) (r Response, internal bool) {
	if err == nil {
		err = rep.Err
	}
	hex := strconv.FormatUint(req.MemberID, 16)
	add := adds(req.Kind)
	byID := req.Kind == node.KindMemberRemove || req.Kind == node.KindMemberPromote
	switch {
	case err == nil && add:
		m := req.Member
		if rep.Member != nil {
			m = *rep.Member
		}
		return jsonResponse(http.StatusCreated, toMember(m)), false
	case err == nil:
		return Response{Status: http.StatusNoContent}, false
	case errors.Is(err, node.ErrIDExists) && add, errors.Is(err, node.ErrPeerURLExists) && !byID:
		return *errorResponse(http.StatusConflict, err.Error()), false
	case add:
	case errors.Is(err, node.ErrIDRemoved) && byID:
		return *errorResponse(http.StatusGone, "Member permanently removed: "+hex), false
	case errors.Is(err, node.ErrIDNotFound):
		return *errorResponse(http.StatusNotFound, "No such member: "+hex), false
	}
	return *errorResponse(http.StatusInternalServerError, "Internal Server Error"), true
}

// Write writes r on w (after any headers the shell set).
func (r *Response) Write(w http.ResponseWriter) {
	switch {
	case r.Text:
		http.Error(w, string(r.Body), r.Status)
		return
	case r.Body == nil:
		w.WriteHeader(r.Status)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(r.Status)
	_, _ = w.Write(r.Body)
}

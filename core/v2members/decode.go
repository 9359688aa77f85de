package v2members

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// Answer is what a client reads from a members response.
type Answer struct {
	Status int
	// Member is the body of a 201 (an add) or of GET /v2/members/leader.
	Member *Member
	// Members is the body of GET /v2/members.
	Members []Member
	// Message is the body of an error.
	Message string
}

// OK reports whether the answer says the request succeeded.
func (a Answer) OK() bool { return a.Status >= 200 && a.Status < 300 }

// Decode reads a members response the way a v2 client does: the status code says what the body
// is; list says it answers GET /v2/members. A body that is not the JSON it should be is an error.
func Decode(status int, body []byte, list bool) (Answer, error) {
	a := Answer{Status: status}
	var err error
	switch {
	case status == http.StatusNoContent:
		if len(body) != 0 {
			err = fmt.Errorf("a 204 with a body of %d bytes", len(body))
		}
	case status == http.StatusMethodNotAllowed:
		a.Message = string(body)
	case !a.OK():
		var e errorBody
		err = json.Unmarshal(body, &e)
		a.Message = e.Message
	case list:
		var c Collection
		err = json.Unmarshal(body, &c)
		a.Members = c.Members
	default:
		a.Member = new(Member)
		err = json.Unmarshal(body, a.Member)
	}
	if err != nil {
		return a, fmt.Errorf("v2members: body of a %d answer: %w", status, err)
	}
	return a, nil
}

package netsim

import (
	"fmt"
	"net/http"

	"github.com/raftlab/raftlab/core/v2members"
)

// decodeMembersWire turns a members API answer into the reply the client records, as a v2 client
// reads it (v2members.Decode): a 2xx is a success; a 500 (a timeout, a lost leader, a refused
// reconfiguration: the client cannot tell) or an unreadable body an indefinite failure; any other
// status a definite one, recorded with the HTTP status as its error code.
func decodeMembersWire(r Reply) Reply {
	a, err := v2members.Decode(r.Wire.Status, r.Wire.Body, false)
	out := Reply{ID: r.ID}
	switch {
	case err != nil:
		out.Err = fmt.Errorf("netsim: unreadable members answer: %w", err)
	case !a.OK():
		out.Err = fmt.Errorf("netsim: members API answered %d: %s", a.Status, a.Message)
		if a.Status != http.StatusInternalServerError {
			out.ErrorCode = a.Status
		}
	}
	return out
}

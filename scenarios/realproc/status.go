package realproc

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// statusTimeout bounds one status request (a member catching up on a busy machine can be slow to
// answer; a paused one is not asked).
const statusTimeout = 2 * time.Second

// Status is what a running member says about itself through the client API, the way any
// etcd-compatible server says it.
type Status struct {
	// Role is leader, follower, candidate or pre-candidate. Leader means /v2/stats/leader answers
	// (it does only while the member leads); otherwise /v2/stats/self's state tells the rest. etcd's
	// state never says candidate, and may still say leader after a step-down: /v2/stats/leader
	// decides that.
	Role string
	// LeaderID is the member ID /v2/stats/self's leaderInfo names (0 when none).
	LeaderID uint64
	// ID is the member's own ID.
	ID uint64
	// Term and Commit are the X-Raft-Term and X-Raft-Index headers of a local read: the member's
	// Raft term and commit index (internal entries included). kvd's term is its Raft term; etcd's
	// is the term of the last entry it applied, so a new etcd leader shows its term once its first
	// entry of the term commits (milliseconds later), and a member cut off shows the term of what
	// it last applied.
	Term, Commit uint64
	// Index is the X-Etcd-Index header of that read: the etcd index the member has applied.
	Index uint64
}

// MemberStatus asks a running member about itself. A member that is down or paused is not asked.
func MemberStatus(ctx context.Context, m *Member) (Status, error) {
	if st := m.State(); st != Running {
		return Status{}, fmt.Errorf("realproc: %s is %s", m.Name, st)
	}
	ctx, cancel := context.WithTimeout(ctx, statusTimeout)
	defer cancel()
	self, err := Self(ctx, m)
	if err != nil {
		return Status{}, fmt.Errorf("realproc: %s: %w", m.Name, err)
	}
	st := Status{Role: roleName(self.State), LeaderID: self.Leader, ID: self.ID}
	if self.State == "StateLeader" {
		leads, err := leadsNow(ctx, m)
		if err != nil {
			return Status{}, fmt.Errorf("realproc: %s: %w", m.Name, err)
		}
		if !leads {
			st.Role = "follower"
		}
	}
	_, hdr, err := httpGet(ctx, m.ClientURL+"/v2/keys/")
	if err != nil {
		return Status{}, fmt.Errorf("realproc: %s: %w", m.Name, err)
	}
	for _, h := range []struct {
		name string
		into *uint64
	}{{"X-Raft-Term", &st.Term}, {"X-Raft-Index", &st.Commit}, {"X-Etcd-Index", &st.Index}} {
		if *h.into, err = strconv.ParseUint(strings.TrimSpace(hdr.Get(h.name)), 10, 64); err != nil {
			return Status{}, fmt.Errorf("realproc: %s: %s: %w", m.Name, h.name, err)
		}
	}
	return st, nil
}

// leadsNow says whether the member leads now: /v2/stats/leader answers 200 only on the leader
// (403 "not current leader" elsewhere).
func leadsNow(ctx context.Context, m *Member) (bool, error) {
	_, err := getOK(ctx, m.ClientURL+"/v2/stats/leader")
	var se *statusError
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &se) && se.status == http.StatusForbidden:
		return false, nil
	}
	return false, err
}

// roleName turns etcd's "StateLeader" into the lab's "leader".
func roleName(state string) string {
	switch state {
	case "StateLeader":
		return "leader"
	case "StateCandidate":
		return "candidate"
	case "StatePreCandidate":
		return "pre-candidate"
	default:
		return "follower"
	}
}

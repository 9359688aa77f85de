package server

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/core/raft"
)

// handOffPoll is how often a hand-off looks for the new leader.
const handOffPoll = 2 * time.Millisecond

// handOffLeadership is etcd's leadership transfer on a graceful stop: a leader asks an up-to-date
// voter to take over (raft catches it up first, then tells it to campaign at once) and waits until
// it has, so that the cluster does not sit an election timeout without a leader. Voters whose
// stream is up are tried; each attempt gets an election timeout, the time raft gives a
// transfer before it gives up. ctx bounds the whole hand-off; a failed one only costs that time,
// and with no voter in reach there is none.
func (s *Server) handOffLeadership(ctx context.Context) {
	st := s.Status()
	if st.Role != raft.RoleLeader {
		return
	}
	self := s.meta.MemberID
	candidates := s.transferCandidates(st.Members, st.Learners)
	if len(candidates) == 0 {
		s.log.Info("skipped leadership transfer: no other voting member in reach")
		return
	}
	for _, to := range candidates {
		start := time.Now()
		msg := raft.Message{Type: raft.MsgTransferLeader, From: to, To: self}
		select {
		case s.inbound <- msg: // the loop steps it like a transfer request forwarded by a follower
		case <-ctx.Done():
			return
		case <-s.loopDone:
			return
		}
		attempt, cancel := context.WithTimeout(ctx, s.cfg.ElectionTimeout)
		lead := s.awaitNewLeader(attempt, self)
		cancel()
		if lead != 0 {
			s.log.Info("transferred leadership before stopping", "to", strconv.FormatUint(lead, 16), "took", time.Since(start))
			return
		}
		if ctx.Err() != nil {
			break
		}
	}
	s.log.Warn("leadership transfer failed; stopping anyway")
}

// transferCandidates are the voters other than this member that its stream reaches, those with
// fewer stream failures first. A voter out of reach could not be told to campaign.
func (s *Server) transferCandidates(members []node.Member, learners []uint64) []uint64 {
	stats := s.tr.Stats()
	var ids []uint64
	for _, m := range members {
		if m.ID != s.meta.MemberID && !slices.Contains(learners, m.ID) && stats[m.ID].Connected {
			ids = append(ids, m.ID)
		}
	}
	slices.SortFunc(ids, func(a, b uint64) int {
		return cmp.Or(cmp.Compare(stats[a].Failures, stats[b].Failures), cmp.Compare(a, b))
	})
	return ids
}

// awaitNewLeader waits until this member follows another leader; it returns that leader, or 0 when
// ctx ended first.
func (s *Server) awaitNewLeader(ctx context.Context, self uint64) uint64 {
	t := time.NewTicker(handOffPoll)
	defer t.Stop()
	for {
		if st := s.Status(); st.Lead != 0 && st.Lead != self {
			return st.Lead
		}
		select {
		case <-t.C:
		case <-ctx.Done():
			return 0
		case <-s.loopDone:
			return 0
		}
	}
}

package run

import (
	"fmt"
	"time"

	"github.com/raftlab/raftlab/scenarios/realproc"
)

// Campaign emulates node id's election timeout, since no server has a campaign endpoint. Raft
// lets a node win only if the others are not following a live leader (check-quorum's lease) and
// no rival starts an election first, so the driver arranges both:
//
//  1. Unless every link is still cut since the start, every link is cut until nobody leads and an
//     election timeout has passed: every lease has run out.
//  2. The other nodes are paused (SIGSTOP), which freezes their election timers, and the links
//     between them stay cut; id, running, sends its (pre-)vote requests, which wait in their
//     sockets.
//  3. After two election timeouts (id's timer has fired at least once) they are resumed: they
//     answer id's requests before their frozen timers can fire, and id wins.
//
// The links are then put back as they were (every link opened, the first time). A rival that wins
// all the same is deposed the same way, until id leads or ten election timeouts have passed.
func (d *realDriver) Campaign(id uint64) error {
	restore := d.c.Network().Links()
	if d.pending {
		restore = d.openTable()
	}
	defer func() {
		d.pending = false
		d.c.Network().Restore(restore)
	}()
	deadline := time.Now().Add(10 * d.st.Election)
	for attempt := 0; time.Now().Before(deadline) && !d.stopped.Load(); attempt++ {
		if attempt > 0 || !d.pending {
			if err := d.expireLeases(deadline); err != nil {
				return err
			}
		}
		if err := d.campaignOnce(id, restore, deadline); err != nil {
			return err
		}
		if d.Status(id).Role == "leader" {
			return nil
		}
	}
	return unsupportedf("campaign %s: no server has a campaign endpoint, and emulating %s's election timeout did not make it leader within %s",
		d.Name(id), d.Name(id), 10*d.st.Election)
}

// expireLeases cuts every link until nobody leads, then waits an election timeout more: no node
// then follows a live leader.
func (d *realDriver) expireLeases(deadline time.Time) error {
	d.c.Network().Restore(d.everyLink(realproc.LinkState{Cut: true}))
	for {
		if lead, _ := d.Leader(); lead == 0 {
			break
		}
		if time.Now().After(deadline) || d.stopped.Load() {
			return nil // the caller sees no winner and gives up
		}
		time.Sleep(realPoll)
	}
	time.Sleep(d.st.Election)
	return nil
}

// campaignOnce pauses the other running nodes, lets id's requests reach them over the links of
// restore (minus the links between them) and resumes them once id's timer has fired, then waits
// (until deadline) for a leader.
func (d *realDriver) campaignOnce(id uint64, restore realproc.LinkTable, deadline time.Time) error {
	target := d.Name(id)
	var paused []*realproc.Member
	for _, o := range d.Nodes() {
		if m := d.member(o); o != id && m != nil && m.State() == realproc.Running {
			if err := m.Pause(); err != nil {
				return err
			}
			paused = append(paused, m)
		}
	}
	mask := realproc.LinkTable{}
	for l, st := range restore {
		mask[l] = st
	}
	for l := range d.everyLink(realproc.LinkState{}) {
		if l.From != target && l.To != target {
			st := mask[l]
			st.Cut = true
			mask[l] = st
		}
	}
	d.c.Network().Restore(mask)
	time.Sleep(2 * d.st.Election)
	for _, m := range paused {
		if err := m.Resume(); err != nil {
			return fmt.Errorf("campaign: %w", err)
		}
	}
	for time.Now().Before(deadline) && !d.stopped.Load() {
		if lead, _ := d.Leader(); lead != 0 {
			return nil
		}
		time.Sleep(realPoll)
	}
	return nil
}

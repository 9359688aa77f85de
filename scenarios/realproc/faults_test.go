package realproc

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// leaderAmong polls until one of ms says it leads and returns it with its status.
func leaderAmong(t *testing.T, ctx context.Context, ms ...*Member) (*Member, Status) {
	t.Helper()
	var lead *Member
	var st Status
	require.Eventually(t, func() bool {
		for _, m := range ms {
			if s, err := MemberStatus(ctx, m); err == nil && s.Role == "leader" {
				lead, st = m, s
				return true
			}
		}
		return false
	}, 30*time.Second, 20*time.Millisecond, "no leader among %d members", len(ms))
	return lead, st
}

func others(ms []*Member, drop *Member) []*Member {
	var out []*Member
	for _, m := range ms {
		if m != drop {
			out = append(out, m)
		}
	}
	return out
}

// TestFaultsAndMembershipOnRealProcesses runs, on kvd and on etcd behind proxies: a leader cut off
// from the others loses its leadership to a new one in a higher term; pause, resume, kill -9 and
// restart; a member added at runtime (started with --initial-cluster-state existing) serves the
// data, and once removed stops by itself.
func TestFaultsAndMembershipOnRealProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real server processes")
	}
	bins := binaries(t)
	for _, flavor := range []Flavor{Kvd, Etcd} {
		t.Run(string(flavor), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			c, err := Start(ctx, Config{Binary: bins[flavor], Flavor: flavor, Dir: t.TempDir(), Proxies: true,
				Heartbeat: 50 * time.Millisecond, Election: 500 * time.Millisecond})
			require.NoError(t, err)
			defer func() {
				require.NoError(t, c.Close())
				if t.Failed() {
					t.Log(c.Logs(3000))
				}
			}()
			ms := c.Members()
			for _, m := range ms {
				assert.NotEqual(t, m.PeerURL, m.PeerListen, "%s advertises its proxy", m.Name)
			}

			lead, st := leaderAmong(t, ctx, ms...)
			rest := others(ms, lead)
			for _, o := range rest {
				c.Network().SetCut(lead.Name, o.Name, true)
				c.Network().SetCut(o.Name, lead.Name, true)
			}
			newLead, _ := leaderAmong(t, ctx, rest...)
			require.Eventually(t, func() bool {
				s, err := MemberStatus(ctx, newLead)
				return err == nil && s.Term > st.Term
			}, 30*time.Second, 20*time.Millisecond, "the new leader's term is higher (etcd shows it once the leader's first entry applies)")
			require.Eventually(t, func() bool {
				s, err := MemberStatus(ctx, lead)
				return err == nil && s.Role != "leader"
			}, 30*time.Second, 20*time.Millisecond, "the cut-off leader steps down (check-quorum)")
			c.Network().HealCuts()
			require.Equal(t, 201, put(t, newLead, "/faults", "one"))

			require.NoError(t, c.Pause(newLead.Name))
			assert.Equal(t, Paused, newLead.State())
			_, err = MemberStatus(ctx, newLead)
			assert.Error(t, err, "a paused member is not asked")
			require.NoError(t, c.Resume(newLead.Name))
			assert.Equal(t, Running, newLead.State())

			require.NoError(t, c.Kill(newLead.Name))
			assert.Equal(t, Down, newLead.State())
			require.NoError(t, c.Restart(newLead.Name))
			require.NoError(t, c.WaitReady(ctx))

			// etcd refuses a reconfiguration until every member has been connected for 5s (its
			// strict reconfiguration check answers 500): the restart above just reconnected one.
			var joiner *Member
			require.Eventually(t, func() bool {
				joiner, err = c.AddMember(ctx, "infra4")
				if err != nil {
					t.Logf("add member: %v", err)
				}
				return err == nil
			}, 30*time.Second, 500*time.Millisecond)
			require.NoError(t, c.WaitReady(ctx), "the new member publishes itself and serves")
			assert.Contains(t, get(t, joiner, "/faults"), `"value":"one"`)
			_, err = c.AddMember(ctx, "infra4")
			assert.Error(t, err, "a name taken")

			require.NoError(t, c.RemoveMember(ctx, joiner.Name))
			assert.True(t, c.Removed(joiner.Name))
			select {
			case <-joiner.Exited():
			case <-ctx.Done():
				t.Fatal("the removed member did not stop")
			}
			require.Error(t, c.RemoveMember(ctx, joiner.Name), "a member removed twice")
			require.NoError(t, c.WaitReady(ctx), "the three remaining members are ready")
		})
	}
}

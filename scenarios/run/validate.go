package run

import (
	"fmt"
	"strings"

	"github.com/raftlab/raftlab/scenarios/story"
)

// validate rejects, before anything runs, what the simulator cannot do and node names the story
// never introduced (cluster names, `leader`, `let` aliases and members added earlier).
func validate(st *story.Story) error {
	known := map[string]bool{"leader": true}
	for _, n := range st.Nodes {
		known[n] = true
	}
	check := func(pos story.Pos, refs ...string) error {
		for _, r := range refs {
			if r != "" && !known[r] {
				return fmt.Errorf("run: %s: unknown node %q (expected one of the cluster's nodes, leader, or a name from an earlier `let`)", pos, r)
			}
		}
		return nil
	}
	for _, s := range st.Stmts {
		var err error
		switch s.Kind {
		case story.KindLet:
			err = check(s.Pos, s.Node)
			known[s.Alias] = true
		case story.KindCampaign, story.KindTransfer:
			err = check(s.Pos, s.Node)
		case story.KindOp:
			if s.Op.Verb == "mkdir" {
				return fmt.Errorf("run: %s: mkdir is not supported by the simulator's clients", s.Pos)
			}
			err = check(s.Pos, s.Op.On)
		case story.KindWait:
			if s.Cond != nil {
				err = check(s.Pos, append([]string{s.Cond.Node}, s.Cond.Nodes...)...)
			}
		case story.KindExpect:
			err = check(s.Pos, append([]string{s.Expect.Node}, s.Expect.Nodes...)...)
		case story.KindFault:
			if f := strings.Fields(s.Text); len(f) >= 3 && f[0] == "member" && f[1] == "add" {
				known[f[2]] = true
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

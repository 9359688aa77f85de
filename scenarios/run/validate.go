package run

import (
	"fmt"

	"github.com/raftlab/raftlab/scenarios/story"
)

// validate rejects, before anything runs, what the simulator cannot do. Everything a story names
// (nodes, operations, watches, term labels, faults) was already checked by story.Parse.
func validate(st *story.Story) error {
	for _, s := range st.Stmts {
		if s.Kind == story.KindOp && s.Op.Verb == "mkdir" {
			return fmt.Errorf("run: %s: mkdir is not supported by the simulator's clients", s.Pos)
		}
	}
	return nil
}

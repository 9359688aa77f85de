package suite

import (
	"strings"

	"github.com/raftlab/raftlab/checker"
	"github.com/raftlab/raftlab/checker/history"
)

// excuseRecursiveDeletes tells mon that every key below a recursively deleted key may be gone: the
// delete removed it without naming it.
func excuseRecursiveDeletes(mon *checker.Monitor, ops []history.Op) {
	var prefixes []string
	for _, op := range ops {
		if op.Kind == history.KindDelete && op.Recursive {
			prefixes = append(prefixes, op.Key+"/")
		}
	}
	if len(prefixes) == 0 {
		return
	}
	for _, op := range ops {
		for _, p := range prefixes {
			if strings.HasPrefix(op.Key, p) {
				mon.DeleteAttempted(op.Key)
				break
			}
		}
	}
}

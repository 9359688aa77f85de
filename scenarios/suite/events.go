package suite

import (
	"strings"

	"github.com/raftlab/raftlab/checker/history"
)

// checkableEvents leaves out the committed events of keys under the suite's unchecked prefix, whose
// operations are left out of the checks too.
func (s Suite) checkableEvents(events []history.WatchEvent) []history.WatchEvent {
	if s.Unchecked == "" {
		return events
	}
	out := make([]history.WatchEvent, 0, len(events))
	for _, ev := range events {
		if !strings.HasPrefix(ev.Key, s.Unchecked) {
			out = append(out, ev)
		}
	}
	return out
}

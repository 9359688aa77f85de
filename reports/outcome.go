package reports

import (
	"fmt"

	"github.com/raftlab/raftlab/internal/human"
)

// outcomeView is the banner at the top of a report: the run's outcome in one word, then the
// reasons, one line each.
type outcomeView struct {
	Failed bool
	Word   string
	Lines  []string
	// Failures are the first failed assertions, "line 21: expect leader n2 — expected …"; More
	// counts the others.
	Failures []string
	More     int
}

// maxBannerFailures bounds the failed assertions the banner quotes (the table lists them all).
const maxBannerFailures = 3

// buildOutcome says whether the run passed: it failed when an assertion failed, the history is not
// linearizable or the lab says so (Run.Failed). Skipped assertions neither pass nor fail; they are
// counted apart.
func buildOutcome(run Run, asserted assertionCounts, rows []assertionView) outcomeView {
	violation := !run.Verdict.Linearizable && !run.Verdict.NotChecked
	o := outcomeView{Failed: run.Failed || asserted.Failed > 0 || violation}
	o.Word = "PASSED"
	if o.Failed {
		o.Word = "FAILED"
	}
	total := asserted.Passed + asserted.Failed + asserted.Skipped
	switch {
	case total == 0:
	case asserted.Failed > 0:
		o.Lines = append(o.Lines, fmt.Sprintf("%d of %s failed", asserted.Failed, human.Count(total, "assertion")))
	default:
		o.Lines = append(o.Lines, fmt.Sprintf("%d of %s passed", asserted.Passed, human.Count(total, "assertion")))
	}
	if asserted.Skipped > 0 {
		o.Lines = append(o.Lines, fmt.Sprintf("%s skipped: not observable here, neither passed nor failed",
			human.Count(asserted.Skipped, "assertion")))
	}
	switch {
	case run.Verdict.NotChecked:
		o.Lines = append(o.Lines, "the history was not checked")
	case run.Verdict.Linearizable:
		o.Lines = append(o.Lines, "the history is linearizable")
	default:
		o.Lines = append(o.Lines, "the history is NOT linearizable")
	}
	if run.Failed && asserted.Failed == 0 && !violation {
		o.Lines = append(o.Lines, "the run failed a check of its own:")
	}
	for _, a := range rows {
		if a.Class != assertFailed {
			continue
		}
		if len(o.Failures) == maxBannerFailures {
			o.More++
			continue
		}
		text := a.Text
		if a.Line != "" {
			text = "line " + a.Line + ": " + text
		}
		if a.Detail != "" {
			text += " — " + a.Detail
		}
		o.Failures = append(o.Failures, text)
	}
	if len(o.Failures) == 0 && o.Failed {
		// No assertion failed: quote the problems the lab or the checker found.
		for i, p := range run.Verdict.Problems {
			if i == maxBannerFailures {
				o.More = len(run.Verdict.Problems) - i
				break
			}
			o.Failures = append(o.Failures, p)
		}
	}
	return o
}

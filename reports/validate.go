package reports

import (
	"errors"
	"fmt"
	"net/url"
	"path"
	"strings"
)

// ErrInvalidRun is wrapped by every error Write and WriteSweep return for bad
// input.
var ErrInvalidRun = errors.New("reports: invalid run")

// validate rejects a Run whose data the report could only draw wrongly.
func validate(run Run) error {
	seen := make(map[uint64]bool, len(run.Nodes))
	for i, n := range run.Nodes {
		if seen[n.ID] {
			return fmt.Errorf("%w: node %d: duplicate node id %d", ErrInvalidRun, i, n.ID)
		}
		seen[n.ID] = true
	}
	for i, s := range run.Samples {
		if !knownRole(s.Role) {
			return fmt.Errorf("%w: sample %d: unknown role %q", ErrInvalidRun, i, s.Role)
		}
	}
	for i, f := range run.Faults {
		if f.End < f.Start {
			return fmt.Errorf("%w: fault %d (%q): ends at %d before it starts at %d", ErrInvalidRun, i, f.Label, f.End, f.Start)
		}
	}
	for i, op := range run.Ops {
		switch op.Outcome {
		case OutcomeOK, OutcomeFail:
			if op.Return < op.Call {
				return fmt.Errorf("%w: op %d: %s op returns at %d before its call at %d", ErrInvalidRun, i, op.Outcome, op.Return, op.Call)
			}
		case OutcomeUnknown:
		default:
			return fmt.Errorf("%w: op %d: unknown outcome %q (want ok, fail or unknown)", ErrInvalidRun, i, op.Outcome)
		}
	}
	for i, st := range run.Steps {
		for j, l := range st.Logs {
			if l.Role != "" && !knownRole(l.Role) {
				return fmt.Errorf("%w: step %d log %d: unknown role %q", ErrInvalidRun, i, j, l.Role)
			}
		}
	}
	if err := checkRelativeLink(run.Verdict.VisualizationFile); err != nil {
		return fmt.Errorf("%w: visualization file: %w", ErrInvalidRun, err)
	}
	return nil
}

// checkRelativeLink accepts "" or a relative path that stays inside the
// report directory, so the report never points at an external URL.
func checkRelativeLink(link string) error {
	if link == "" {
		return nil
	}
	u, err := url.Parse(link)
	if err != nil {
		return fmt.Errorf("parse %q: %w", link, err)
	}
	if u.Scheme != "" || u.Host != "" {
		return fmt.Errorf("%q is not a relative path", link)
	}
	if strings.HasPrefix(link, "/") || strings.Contains(link, `\`) {
		return fmt.Errorf("%q must be relative with forward slashes", link)
	}
	clean := path.Clean(link)
	if clean == ".." || strings.HasPrefix(clean, "../") {
		return fmt.Errorf("%q leaves the report directory", link)
	}
	return nil
}

// knownRole reports whether role is one of the Role constants.
func knownRole(role string) bool {
	for _, r := range roleOrder {
		if r == role {
			return true
		}
	}
	return false
}

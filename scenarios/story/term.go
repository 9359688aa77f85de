package story

import (
	"regexp"
	"strconv"
)

// labelPattern is what a term label looks like: a letter, then letters, digits, '-' or '_'.
var labelPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]*$`)

// termRef parses a term: `2`, `T2`, `T2 after T1` or `after T1`.
func (p *lineParser) termRef() (*TermRef, error) {
	w, err := p.word("a term (a number, a label such as T2, or `after LABEL`)")
	if err != nil {
		return nil, err
	}
	ref := &TermRef{}
	if n, convErr := strconv.ParseUint(w, 10, 64); convErr == nil {
		ref.Number = n
		return ref, nil
	}
	if w != "after" {
		if !labelPattern.MatchString(w) {
			return nil, p.errf("expected a term (a number, a label such as T2, or `after LABEL`), found %q", w)
		}
		ref.Label = w
		if p.peek() != "after" {
			return ref, nil
		}
		p.i++
	}
	after, err := p.word("a term label after `after`")
	if err != nil {
		return nil, err
	}
	if !labelPattern.MatchString(after) || after == "after" {
		return nil, p.errf("expected a term label after `after`, found %q", after)
	}
	if after == ref.Label {
		return nil, p.errf("a term cannot be later than itself: %s after %s", ref.Label, after)
	}
	ref.After = after
	return ref, nil
}

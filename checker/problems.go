package checker

import "fmt"

// maxProblemsPerRule caps how many facts of one kind a verdict lists; the rest are summarised.
const maxProblemsPerRule = 20

// problemList collects facts of one kind, keeping the first few.
type problemList struct {
	items []string
	total int
}

func (p *problemList) add(s string) {
	p.total++
	if len(p.items) < maxProblemsPerRule {
		p.items = append(p.items, s)
	}
}

// flush appends the kept facts to out, with a line saying how many were left out.
func (p *problemList) flush(out *[]string, what string) {
	*out = append(*out, p.items...)
	if p.total > len(p.items) {
		*out = append(*out, fmt.Sprintf("... and %d more %s", p.total-len(p.items), what))
	}
}

package scenarios

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/raftlab/raftlab/core/mark"
	"github.com/raftlab/raftlab/scenarios/suite"
)

// pendingMarks are marks no suite can reach yet, each with what will reach it. The coverage check
// does not fail for them; it says so when one is hit (remove it from here once the standard budget
// hits it every time).
// None is pending: since the swarm's fault points crash nodes between a write and its fsync, the
// standard budget hits every mark.
var pendingMarks = map[mark.Mark]string{}

// coverage adds up the coverage marks of TestSuites' runs and, once every suite ran its standard
// budget (the seeds go test runs; RAFTLAB_SEEDS may raise it, a subset of suites or seeds skips the
// check), fails when a mark of core was never hit: a rare path no suite takes is a feature the lab
// does not test.
type coverage struct {
	mu       sync.Mutex
	total    *mark.Set
	expected map[string]int // suite -> its standard seeds
	complete map[string]bool
}

func newCoverage() *coverage {
	return &coverage{total: mark.NewSet(), expected: map[string]int{}, complete: map[string]bool{}}
}

func (c *coverage) expect(s suite.Suite) { c.expected[s.Name] = s.Seeds }

func (c *coverage) add(m *mark.Set) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.total.Add(m)
}

// ran records that suite s ran seeds (all of them, or it failed on the way: then the marks do not
// matter, the test fails anyway).
func (c *coverage) ran(s suite.Suite, seeds []uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.complete[s.Name] = len(seeds) >= c.expected[s.Name] && len(seeds) > 0 && seeds[0] == 1
}

func (c *coverage) check(t *testing.T) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for name := range c.expected {
		if !c.complete[name] {
			t.Logf("coverage marks not checked: suite %s did not run its standard seeds", name)
			return
		}
	}
	missed, surprise := coverageGaps(c.total)
	assert.Empty(t, missed, "marks no suite hit within the standard budget:\n  %s", strings.Join(missed, "\n  "))
	if len(surprise) > 0 {
		t.Logf("pending marks hit now (remove them from pendingMarks once they are hit every time): %s",
			strings.Join(surprise, " "))
	}
}

// coverageGaps lists the marks never hit (with their docs) and the pending marks that were hit.
func coverageGaps(total *mark.Set) (missed, surprise []string) {
	for _, m := range mark.All() {
		_, pending := pendingMarks[m]
		switch hits := total.Count(m); {
		case hits == 0 && !pending:
			missed = append(missed, fmt.Sprintf("%s (%s)", m, m.Doc()))
		case hits > 0 && pending:
			surprise = append(surprise, m.String())
		}
	}
	return missed, surprise
}

func TestCoverageGaps(t *testing.T) {
	total := mark.NewSet()
	for _, m := range mark.All() {
		if _, pending := pendingMarks[m]; !pending && m != mark.StoreMkdir {
			total.Hit(m)
		}
	}
	missed, surprise := coverageGaps(total)
	assert.Equal(t, []string{"store.mkdir (" + mark.StoreMkdir.Doc() + ")"}, missed)
	assert.Empty(t, surprise)
	for m := range pendingMarks {
		total.Hit(m)
	}
	_, surprise = coverageGaps(total)
	assert.Len(t, surprise, len(pendingMarks))
}

// Package mark counts how often a run takes the rare paths of core: conflict truncation, snapshot
// install, leader transfer, torn-tail repair and the like (TigerBeetle's coverage marks, FoundationDB's
// code probes). A lab run hands one Set to every component it builds; the components call Hit at the
// marked places, and the lab reports which marks a sweep reached and fails a test when one is never
// reached. Production hands in nil: Hit on a nil Set is a nil check and nothing else.
//
// A Set is not safe for concurrent use: it belongs to one single-threaded run.
package mark

import "strings"

// Mark names one rare path of core.
type Mark uint8

// Set counts the hits of every mark. The zero value is ready to use; a nil *Set ignores hits.
type Set struct {
	counts [count]uint64
}

// NewSet returns an empty set.
func NewSet() *Set { return &Set{} }

// Hit counts one pass through m. It does nothing on a nil set.
func (s *Set) Hit(m Mark) {
	if s != nil {
		s.counts[m]++
	}
}

// HitIf counts one pass through m when cond holds (for one-line call sites).
func (s *Set) HitIf(cond bool, m Mark) {
	if s != nil && cond {
		s.counts[m]++
	}
}

// Count is how often m was hit (0 on a nil set).
func (s *Set) Count(m Mark) uint64 {
	if s == nil || m >= count {
		return 0
	}
	return s.counts[m]
}

// Add adds every count of o to s.
func (s *Set) Add(o *Set) {
	if o == nil {
		return
	}
	for i, c := range o.counts {
		s.counts[i] += c
	}
}

// Missing returns the marks never hit, in declaration order.
func (s *Set) Missing() []Mark {
	var out []Mark
	for _, m := range All() {
		if s.Count(m) == 0 {
			out = append(out, m)
		}
	}
	return out
}

// Counts returns every mark's name with its count, in declaration order.
func (s *Set) Counts() []Counted {
	out := make([]Counted, 0, count)
	for _, m := range All() {
		out = append(out, Counted{Mark: m, Hits: s.Count(m)})
	}
	return out
}

// Counted is one mark and its hits.
type Counted struct {
	Mark Mark
	Hits uint64
}

// All returns every mark in declaration order.
func All() []Mark {
	out := make([]Mark, count)
	for i := range out {
		out[i] = Mark(i)
	}
	return out
}

// String is the mark's name, "package.what-happened".
func (m Mark) String() string {
	if m >= count {
		return "mark.unknown"
	}
	return catalog[m].name
}

// Doc says what the path is, in one line.
func (m Mark) Doc() string {
	if m >= count {
		return ""
	}
	return catalog[m].doc
}

// Package is the core package the mark is in ("raft", "node", "store" or "wal").
func (m Mark) Package() string {
	pkg, _, _ := strings.Cut(m.String(), ".")
	return pkg
}

// Parse finds a mark by name.
func Parse(name string) (Mark, bool) {
	for _, m := range All() {
		if m.String() == name {
			return m, true
		}
	}
	return 0, false
}

// Package mutants is the lab's mutation test: a catalog of realistic bugs, each a source edit of one
// file of core (an exact snippet and its replacement), and the search that decides whether the lab
// finds a mutant: every correct-code suite, seeds in turn, until the first failure or the budget.
//
// `labd mutants` builds labd once per mutant with the edit applied (go build -overlay: the tree on
// disk is never touched) and runs that binary's `labd hunt`; it prints one line per mutant and
// "mutants: caught C/N, median time to first failure T".
package mutants

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Mutant is one deliberate bug: in File (relative to the module root), the only occurrence of Find is
// replaced by Replace.
type Mutant struct {
	// Name identifies the mutant: "<package>-<what goes wrong>".
	Name string
	// File is the source file edited, relative to the module root.
	File string
	// Find must occur exactly once in File; Replace takes its place.
	Find, Replace string
	// Bug says what goes wrong and where the bug class comes from (the Raft paper or thesis, etcd's
	// and Jepsen's findings, ...).
	Bug string
}

// ErrNotApplicable is wrapped when a mutant's snippet does not occur exactly once in its file.
var ErrNotApplicable = errors.New("mutant does not apply")

// Package is the core package the mutant edits ("raft", "node", "store", "wal", "httpapi").
func (m Mutant) Package() string {
	dir := filepath.Dir(filepath.ToSlash(m.File))
	return dir[strings.LastIndex(dir, "/")+1:]
}

// Apply returns the mutated text of src, which must hold Find exactly once.
func (m Mutant) Apply(src string) (string, error) {
	switch n := strings.Count(src, m.Find); n {
	case 1:
		return strings.Replace(src, m.Find, m.Replace, 1), nil
	default:
		return "", fmt.Errorf("%w: %s: the snippet occurs %d times in %s", ErrNotApplicable, m.Name, n, m.File)
	}
}

// ApplyIn reads the mutant's file under root and returns its mutated text.
func (m Mutant) ApplyIn(root string) (string, error) {
	b, err := os.ReadFile(filepath.Join(root, m.File))
	if err != nil {
		return "", fmt.Errorf("mutant %s: %w", m.Name, err)
	}
	return m.Apply(string(b))
}

// Lookup finds a mutant of the catalog by name.
func Lookup(name string) (Mutant, error) {
	for _, m := range Catalog() {
		if m.Name == name {
			return m, nil
		}
	}
	return Mutant{}, fmt.Errorf("mutants: no mutant called %q", name)
}

package run

import (
	"fmt"
	"io"
	"time"

	"github.com/raftlab/raftlab/scenarios/story"
)

// DefaultMaxVirtual bounds a story's virtual time when Options.MaxVirtual is zero.
const DefaultMaxVirtual = 10 * time.Minute

// File parses the story at path and runs it.
func File(path string, opts Options) (*Result, error) {
	st, err := story.ParseFile(path)
	if err != nil {
		return nil, fmt.Errorf("run: %w", err)
	}
	return Run(st, opts)
}

// Run executes a parsed story on the simulator. The error is for setup problems only (a statement
// the simulator cannot perform, a node name the story never declared); failed expectations are in
// the Result.
func Run(st *story.Story, opts Options) (*Result, error) {
	if err := validate(st); err != nil {
		return nil, err
	}
	if err := checkTiming(st); err != nil {
		return nil, err
	}
	seed := st.Seed
	if opts.Seed != nil {
		seed = *opts.Seed
	}
	d, err := newSimDriver(st, seed, opts)
	if err != nil {
		return nil, err
	}
	return execute(st, d, seed, opts.Out, opts.MaxVirtual), nil
}

// execute runs every statement of st on d, then the end-of-story checks.
func execute(st *story.Story, d Driver, seed uint64, out io.Writer, maxTime time.Duration) *Result {
	if maxTime <= 0 {
		maxTime = DefaultMaxVirtual
	}
	if out == nil {
		out = io.Discard
	}
	info := d.Describe()
	x := &executor{
		st: st, d: d, info: info, out: out, maxVirtual: int64(maxTime),
		res:     &Result{Story: st, Seed: seed, Server: info.Server, Wall: info.Wall},
		aliases: map[string]uint64{},
		ops:     map[string]*namedOp{},
		watches: map[string]Watch{},
		skipped: map[string]bool{},
		removed: map[uint64]bool{},
	}
	for i := range st.Nodes {
		x.ids = append(x.ids, uint64(i+1))
	}
	x.noteUnsupportedSettings()
	for i := range st.Stmts {
		if x.stopped {
			break
		}
		x.exec(&st.Stmts[i])
	}
	x.finish()
	return x.res
}

package parity

import (
	"context"
	"fmt"
	"strings"
	"sync"
)

// Verdict is the outcome of one compared case.
type Verdict string

// The verdicts. Only Identical, Deliberate and Pending pass.
const (
	Identical Verdict = "identical"
	// Deliberate: the answers differ as listed, and kvd answered what the list says.
	Deliberate Verdict = "deliberate"
	// Pending: the answers differ and the list says the fix belongs to other work.
	Pending Verdict = "pending"
	// Differs: the answers differ and the case is not listed.
	Differs Verdict = "DIFFERS"
	// Unexpected: a listed deliberate case where kvd did not answer what the list says.
	Unexpected Verdict = "KVD ANSWER NOT AS LISTED"
	// NoLongerDiffers: a listed case whose answers are now identical; remove its entry.
	NoLongerDiffers Verdict = "LISTED BUT IDENTICAL"
)

// Result is one compared case.
type Result struct {
	ID      string
	Ctl     bool // an etcdctl/kvctl run, else an HTTP request
	Verdict Verdict
	// Etcd and Kvd are the normalised answers.
	Etcd, Kvd string
	// Listed is the entry of deliberate.txt, if any.
	Listed *listed
}

// Failed reports whether the case fails the suite.
func (r Result) Failed() bool {
	return r.Verdict != Identical && r.Verdict != Deliberate && r.Verdict != Pending
}

// compare is the verdict on a case from its two answers and its entry.
func compare(id string, ctl bool, etcd, kvd string, entry *listed) Result {
	r := Result{ID: id, Ctl: ctl, Etcd: etcd, Kvd: kvd, Listed: entry}
	same := sameAnswer(etcd, kvd)
	switch {
	case entry == nil && same:
		r.Verdict = Identical
	case entry == nil:
		r.Verdict = Differs
	case same:
		r.Verdict = NoLongerDiffers
	case entry.pending:
		r.Verdict = Pending
	case sameAnswer(entry.kvd, kvd):
		r.Verdict = Deliberate
	default:
		r.Verdict = Unexpected
	}
	return r
}

// suite runs case files against both sides.
type suite struct {
	etcd, kvd *side
	listed    map[string]*listed
}

// runSequence runs one case file on both clusters at once (each side in order) and compares.
func (s *suite) runSequence(ctx context.Context, seq *sequence) ([]Result, error) {
	answers := [2][]string{}
	errs := [2]error{}
	var wg sync.WaitGroup
	for i, sd := range []*side{s.etcd, s.kvd} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers[i], errs[i] = sd.runAll(ctx, seq)
		}()
	}
	wg.Wait()
	for i, sd := range []*side{s.etcd, s.kvd} {
		if errs[i] != nil {
			return nil, fmt.Errorf("%s on %s: %w", seq.name, sd.label, errs[i])
		}
	}
	var out []Result
	for i, st := range seq.steps {
		if !st.compared() {
			continue
		}
		entry := s.listed[st.id]
		if entry != nil {
			entry.used = true
		}
		out = append(out, compare(st.id, st.ctlCase, answers[0][i], answers[1][i], entry))
	}
	return out, nil
}

// runAll runs a sequence's steps in order on one side.
func (sd *side) runAll(ctx context.Context, seq *sequence) ([]string, error) {
	if err := sd.prepare(ctx); err != nil {
		return nil, err
	}
	renders := make([]func() string, len(seq.steps))
	for i, st := range seq.steps {
		render, err := sd.run(ctx, st)
		if err != nil {
			sd.finish()
			return nil, fmt.Errorf("step %q: %w", st.text, err)
		}
		renders[i] = render
	}
	sd.finish()
	out := make([]string, len(seq.steps))
	for i, render := range renders {
		if render != nil {
			out[i] = render()
		}
	}
	return out, nil
}

// Summary counts the verdicts: "N/M identical, K deliberate, P pending".
func Summary(results []Result) string {
	counts := map[Verdict]int{}
	http, ctl := 0, 0
	for _, r := range results {
		counts[r.Verdict]++
		if r.Ctl {
			ctl++
		} else {
			http++
		}
	}
	s := fmt.Sprintf("%d/%d identical, %d deliberate, %d pending (%d HTTP requests, %d etcdctl runs)",
		counts[Identical], len(results), counts[Deliberate], counts[Pending], http, ctl)
	if failed := len(results) - counts[Identical] - counts[Deliberate] - counts[Pending]; failed > 0 {
		s += fmt.Sprintf(", %d FAILED", failed)
	}
	return s
}

// Explain renders a failed case for a reader: the request, both answers, their line diff, and
// for a deliberate case the answer the list expects.
func Explain(r Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "=== %s: %s\n", r.Verdict, r.ID)
	if r.Listed != nil {
		fmt.Fprintf(&b, "listed (deliberate.txt:%d): %s\n", r.Listed.line, r.Listed.reason)
	}
	fmt.Fprintf(&b, "--- etcd answered:\n%s", indent(r.Etcd))
	fmt.Fprintf(&b, "--- kvd answered:\n%s", indent(r.Kvd))
	if r.Verdict == Unexpected {
		fmt.Fprintf(&b, "--- deliberate.txt expects kvd to answer:\n%s", indent(r.Listed.kvd))
	}
	fmt.Fprintf(&b, "--- diff (- etcd, + kvd):\n%s", lineDiff(r.Etcd, r.Kvd))
	if r.Verdict == Differs {
		fmt.Fprintf(&b, "--- to list it as deliberate, add to testdata/deliberate.txt:\ncase: %s\ndeliberate: WHY\nkvd:\n%s", r.ID, quoteAnswer(r.Kvd))
	}
	return b.String()
}

func indent(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		b.WriteString("    " + line + "\n")
	}
	return b.String()
}

// lineDiff lists the lines that differ, in order: a line-by-line comparison is enough for
// answers of a few lines.
func lineDiff(a, b string) string {
	la, lb := strings.Split(strings.TrimSuffix(a, "\n"), "\n"), strings.Split(strings.TrimSuffix(b, "\n"), "\n")
	var out strings.Builder
	for i := 0; i < len(la) || i < len(lb); i++ {
		var x, y string
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if x == y {
			continue
		}
		if i < len(la) {
			out.WriteString("  - " + x + "\n")
		}
		if i < len(lb) {
			out.WriteString("  + " + y + "\n")
		}
	}
	return out.String()
}

// proposals are deliberate.txt entries for the cases that differ and are not listed, their
// reasons left to fill in.
func proposals(results []Result) string {
	var b strings.Builder
	for _, r := range results {
		if r.Verdict == Differs {
			fmt.Fprintf(&b, "case: %s\ndeliberate: WHY\nkvd:\n%s\n", r.ID, quoteAnswer(r.Kvd))
		}
	}
	return b.String()
}

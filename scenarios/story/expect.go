package story

import (
	"strconv"
	"strings"
)

func (p *lineParser) expect() error {
	first, err := p.word("what to expect")
	if err != nil {
		return err
	}
	e := &Expect{}
	switch first {
	case "leader":
		e.What = "leader"
		if p.peek() == "among" {
			p.i++
			if e.Nodes, err = p.nodeSet("a set of nodes"); err != nil {
				return err
			}
		} else if e.Node, err = p.word("the leader's node"); err != nil {
			return err
		}
		if p.peek() == "term" {
			p.i++
			if e.Term, err = p.termRef(); err != nil {
				return err
			}
		}
	case "no":
		if err := p.keyword("leader"); err != nil {
			return err
		}
		e.What = "no-leader"
		if p.peek() == "among" {
			p.i++
			if e.Nodes, err = p.nodeSet("a set of nodes"); err != nil {
				return err
			}
		}
	case "term":
		e.What = "term"
		if e.Node, err = p.word("a node"); err != nil {
			return err
		}
		if e.Term, err = p.termRef(); err != nil {
			return err
		}
	case "log", "logs":
		return p.expectLog(e)
	case "committed":
		e.What = "committed"
		if e.Nodes, err = p.nodeSet("a node or a set of nodes"); err != nil {
			return err
		}
		n, err := p.uint("how many entries are committed")
		if err != nil {
			return err
		}
		e.Count = int(n)
	case "available", "unavailable", "linearizable":
		e.What = first
	case "watch":
		return p.expectWatch(e)
	case "one":
		// expect one of {a1,b1,c1} ok: exactly one of the named operations succeeded.
		if err := p.keyword("of"); err != nil {
			return err
		}
		if e.Names, err = p.nodeSet("a set of operation names"); err != nil {
			return err
		}
		if err := p.keyword("ok"); err != nil {
			return err
		}
		e.What = "one-ok"
	default:
		if p.peek() == "is" { // expect n1 is follower
			p.i++
			role, err := p.word("a role")
			if err != nil {
				return err
			}
			if !isOneOf(role, roles()) {
				return p.errf("expected a role (%s), found %q", strings.Join(roles(), ", "), role)
			}
			e.What, e.Node, e.Role = "role", first, role
			break
		}
		if err := p.expectResult(e, first); err != nil {
			return err
		}
	}
	p.add(Stmt{Kind: KindExpect, Expect: e})
	return p.end()
}

// expectResult parses `expect NAME ok|fail|timeout|not ok|not found|value V|error CODE ["cause"]`.
func (p *lineParser) expectResult(e *Expect, name string) error {
	e.What, e.Name = "result", name
	w, err := p.word("ok, fail, timeout, not ok, not found, value V or error CODE")
	if err != nil {
		return err
	}
	switch w {
	case "ok", "fail", "timeout":
		e.Outcome = w
	case "not":
		switch w, err := p.word("ok or found after `not`"); {
		case err != nil:
			return err
		case w == "ok":
			e.Outcome = "not-ok"
		case w == "found":
			e.Outcome = "not-found"
		default:
			return p.errf("expected `not ok` or `not found`, found %q", "not "+w)
		}
	case "value":
		e.Outcome = "value"
		if e.Value, err = p.value(); err != nil {
			return err
		}
	case "error":
		e.Outcome = "error"
		code, err := p.uint("an etcd error code")
		if err != nil {
			return err
		}
		if code < 100 || code > 999 {
			return p.errf("expected an etcd error code such as 101 or 105, found %d", code)
		}
		e.ErrorCode = int(code)
		if p.more() {
			t, _ := p.next("a cause")
			e.Cause = t.text
		}
	default:
		return p.errf("unknown expectation %q: expected leader, no leader, term, log, logs, committed, available, unavailable, linearizable, watch, NODE is ROLE, or NAME ok|fail|timeout|not ok|not found|value V|error CODE", name+" "+w)
	}
	return nil
}

// expectLog parses `expect log n1: 1 much, 2 wow (uncommitted)` and `expect logs {n1,n2}: empty`.
func (p *lineParser) expectLog(e *Expect) error {
	e.What = "log"
	_, rest, ok := strings.Cut(p.raw, ":")
	if !ok {
		return p.errf("expected `expect log NODE: 1 much, 2 wow (uncommitted)`: missing ':'")
	}
	head := strings.Fields(strings.TrimSpace(strings.TrimSuffix(strings.SplitN(p.raw, ":", 2)[0], ":")))
	// head: expect log n1 | expect logs {n1,n2,...}
	sub := &lineParser{pos: p.pos, raw: strings.Join(head[2:], " "), story: p.story}
	toks, err := tokenize(sub.raw)
	if err != nil {
		return p.errf("%v", err)
	}
	sub.toks = toks
	if e.Nodes, err = sub.nodeSet("a node or a set of nodes before ':'"); err != nil {
		return err
	}
	if err := sub.end(); err != nil {
		return err
	}
	rest = strings.TrimSpace(rest)
	if i := strings.Index(rest, "#"); i >= 0 {
		rest = strings.TrimSpace(rest[:i])
	}
	if rest != "empty" {
		for n, part := range strings.Split(rest, ",") {
			cell, err := parseCell(strings.TrimSpace(part), n+1)
			if err != nil {
				return p.errf("log cell %d: %v", n+1, err)
			}
			e.Cells = append(e.Cells, cell)
		}
	}
	p.add(Stmt{Kind: KindExpect, Expect: e})
	return nil
}

// parseCell parses `2 wow` or `2 "wow" (uncommitted)`.
func parseCell(s string, want int) (LogCell, error) {
	c := LogCell{Committed: true}
	if strings.HasSuffix(s, "(uncommitted)") {
		c.Committed = false
		s = strings.TrimSpace(strings.TrimSuffix(s, "(uncommitted)"))
	}
	pos, val, ok := strings.Cut(s, " ")
	if !ok {
		return c, errorString("expected `POSITION VALUE`, found " + strconv.Quote(s))
	}
	n, err := strconv.Atoi(pos)
	if err != nil || n != want {
		return c, errorString("expected position " + strconv.Itoa(want) + ", found " + strconv.Quote(pos))
	}
	c.Position = n
	c.Value = strings.Trim(strings.TrimSpace(val), `"`)
	return c, nil
}

// expectWatch parses `expect watch w1 events: set /a, delete /b`.
func (p *lineParser) expectWatch(e *Expect) error {
	e.What = "watch"
	name, err := p.word("the watch's name")
	if err != nil {
		return err
	}
	e.Name = strings.TrimSuffix(name, ":")
	if e.Name == name && p.peek() != "events:" {
		return p.errf("expected `events:` after the watch's name, found %q", p.peek())
	}
	_, rest, ok := strings.Cut(p.raw, ":")
	if !ok {
		return p.errf("expected `expect watch NAME events: set /a, delete /b`")
	}
	if i := strings.Index(rest, "#"); i >= 0 {
		rest = rest[:i]
	}
	for n, part := range strings.Split(rest, ",") {
		ev := strings.Fields(part)
		if len(ev) == 0 && strings.TrimSpace(rest) == "" {
			break // `events:` with nothing after it: no event is expected
		}
		if len(ev) != 2 || !isOneOf(ev[0], watchActions()) || !strings.HasPrefix(ev[1], "/") {
			return p.errf("watch event %d: expected ACTION /key with ACTION one of %s, found %q",
				n+1, strings.Join(watchActions(), ", "), strings.TrimSpace(part))
		}
		e.Events = append(e.Events, ev[0]+" "+ev[1])
	}
	p.add(Stmt{Kind: KindExpect, Expect: e})
	return nil
}

// watchActions are the actions a watch event can carry.
func watchActions() []string {
	return []string{"set", "create", "update", "compareAndSwap", "delete", "compareAndDelete", "expire"}
}

type errorString string

func (e errorString) Error() string { return string(e) }

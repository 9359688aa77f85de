package story

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Error is a mistake in a story file: where it is and what was expected.
type Error struct {
	Pos Pos
	Msg string
}

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// ParseFile reads and parses one story file.
func ParseFile(path string) (*Story, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("story: %w", err)
	}
	defer f.Close()
	return Parse(filepath.Base(path), f)
}

// opVerbs are the client operations a story can issue.
func opVerbs() []string {
	return []string{"get", "qget", "set", "create", "update", "cas", "delete", "cad", "mkdir", "watch"}
}

// roles are the roles a story can wait for or expect.
func roles() []string {
	return []string{"leader", "follower", "candidate", "pre-candidate", "down", "paused"}
}

func isOneOf(s string, set []string) bool {
	for _, x := range set {
		if s == x {
			return true
		}
	}
	return false
}

// Parse parses a story from r; file names the source in errors.
func Parse(file string, r io.Reader) (*Story, error) {
	st := &Story{
		File: file, Seed: 1,
		Heartbeat: 100 * time.Millisecond, Election: 1000 * time.Millisecond,
		LatencyMin: time.Millisecond, LatencyMax: 5 * time.Millisecond,
		CheckQuorum: true, PreVote: true,
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	headers := headerLines{}
	line := 0
	for sc.Scan() {
		line++
		raw := strings.TrimSpace(sc.Text())
		if raw == "" || strings.HasPrefix(raw, "#") {
			continue
		}
		p := &lineParser{pos: Pos{File: file, Line: line}, raw: raw, story: st}
		toks, err := tokenize(raw)
		if err != nil {
			return nil, p.errf("%v", err)
		}
		if len(toks) == 0 {
			continue
		}
		p.toks = toks
		if err := p.parse(); err != nil {
			return nil, err
		}
		if isHeader(toks[0].text) {
			headers[toks[0].text] = p.pos
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("story %s: %w", file, err)
	}
	if st.Name == "" {
		return nil, &Error{Pos: Pos{File: file, Line: 1}, Msg: "missing `story NAME` line"}
	}
	if len(st.Nodes) == 0 {
		return nil, &Error{Pos: Pos{File: file, Line: 1}, Msg: "missing `cluster` line (e.g. `cluster n1 n2 n3 n4 n5` or `cluster 5`)"}
	}
	if err := check(st, headers); err != nil {
		return nil, err
	}
	return st, nil
}

// headerWords are the first words of the header lines.
func headerWords() []string {
	return []string{"story", "title", "cluster", "seed", "heartbeat", "election", "latency", "check-quorum", "pre-vote"}
}

func isHeader(verb string) bool { return isOneOf(verb, headerWords()) }

type lineParser struct {
	pos   Pos
	raw   string
	toks  []token
	i     int
	story *Story
}

func (p *lineParser) errf(format string, args ...any) error {
	return &Error{Pos: p.pos, Msg: fmt.Sprintf(format, args...)}
}

func (p *lineParser) more() bool { return p.i < len(p.toks) }

func (p *lineParser) peek() string {
	if !p.more() {
		return ""
	}
	return p.toks[p.i].text
}

func (p *lineParser) next(what string) (token, error) {
	if !p.more() {
		return token{}, p.errf("expected %s at the end of the line", what)
	}
	t := p.toks[p.i]
	p.i++
	return t, nil
}

func (p *lineParser) word(what string) (string, error) {
	t, err := p.next(what)
	if err != nil {
		return "", err
	}
	if t.isSet() {
		return "", p.errf("expected %s, found the set %s", what, t.text)
	}
	return t.text, nil
}

func (p *lineParser) keyword(kw string) error {
	t, err := p.next("`" + kw + "`")
	if err != nil {
		return err
	}
	if t.text != kw {
		return p.errf("expected `%s`, found %q", kw, t.text)
	}
	return nil
}

func (p *lineParser) end() error {
	if p.more() {
		return p.errf("unexpected %q at the end of the line", p.toks[p.i].text)
	}
	return nil
}

func (p *lineParser) duration(what string) (time.Duration, error) {
	w, err := p.word(what)
	if err != nil {
		return 0, err
	}
	d, err := time.ParseDuration(w)
	if err != nil || d < 0 {
		return 0, p.errf("expected %s as a duration like 500ms or 2s, found %q", what, w)
	}
	return d, nil
}

func (p *lineParser) uint(what string) (uint64, error) {
	w, err := p.word(what)
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseUint(w, 10, 64)
	if err != nil {
		return 0, p.errf("expected %s as a whole number, found %q", what, w)
	}
	return n, nil
}

// nodeSet reads a {set} of node references, or a single one.
func (p *lineParser) nodeSet(what string) ([]string, error) {
	t, err := p.next(what)
	if err != nil {
		return nil, err
	}
	if t.isSet() {
		return t.set, nil
	}
	return []string{t.text}, nil
}

func (p *lineParser) add(s Stmt) {
	s.Pos = p.pos
	p.story.Stmts = append(p.story.Stmts, s)
}

func (p *lineParser) parse() error {
	verb := p.toks[0].text
	p.i = 1
	if isHeader(verb) {
		return p.header(verb)
	}
	switch verb {
	case "step", "say":
		t, err := p.next("a quoted text")
		if err != nil {
			return err
		}
		if !t.quoted {
			return p.errf("expected a quoted text after `%s`, found %q", verb, t.text)
		}
		p.add(Stmt{Kind: Kind(verb), Text: t.text})
		return p.end()
	case "let":
		alias, err := p.word("a name")
		if err != nil {
			return err
		}
		if err := p.keyword("="); err != nil {
			return err
		}
		node, err := p.word("a node (n1, leader, …)")
		if err != nil {
			return err
		}
		p.add(Stmt{Kind: KindLet, Alias: alias, Node: node})
		return p.end()
	case "campaign":
		node, err := p.word("a node")
		if err != nil {
			return err
		}
		p.add(Stmt{Kind: KindCampaign, Node: node})
		return p.end()
	case "transfer":
		if err := p.keyword("leadership"); err != nil {
			return err
		}
		if err := p.keyword("to"); err != nil {
			return err
		}
		node, err := p.word("a node")
		if err != nil {
			return err
		}
		p.add(Stmt{Kind: KindTransfer, Node: node})
		return p.end()
	case "wait":
		return p.wait()
	case "expect":
		return p.expect()
	}
	if isOneOf(verb, faultVerbs()) {
		return p.fault()
	}
	if isOneOf(verb, opVerbs()) {
		return p.op(verb)
	}
	return p.errf("unknown statement %q: expected one of story, cluster, seed, step, say, let, campaign, transfer, wait, expect, a client operation (%s) or a fault (%s)",
		verb, strings.Join(opVerbs(), ", "), strings.Join(faultVerbs(), ", "))
}

func (p *lineParser) header(verb string) error {
	st := p.story
	var err error
	switch verb {
	case "story":
		st.Name, err = p.word("the story's name")
	case "title":
		var t token
		if t, err = p.next("a quoted title"); err == nil {
			st.Title = t.text
		}
	case "cluster":
		if len(st.Nodes) > 0 {
			return p.errf("the cluster is already declared")
		}
		for p.more() {
			w, err := p.word("a node name")
			if err != nil {
				return err
			}
			if n, convErr := strconv.Atoi(w); convErr == nil && len(p.toks) == 2 {
				if n < 1 || n > 15 {
					return p.errf("expected a cluster size from 1 to 15, found %d", n)
				}
				for i := 1; i <= n; i++ {
					st.Nodes = append(st.Nodes, "n"+strconv.Itoa(i))
				}
				break
			}
			if w == "nodes" || w == "nodes:" {
				continue
			}
			st.Nodes = append(st.Nodes, strings.TrimSuffix(w, ","))
		}
		if len(st.Nodes) == 0 {
			return p.errf("expected node names or a size after `cluster`")
		}
	case "seed":
		st.Seed, err = p.uint("a seed")
	case "heartbeat":
		st.Heartbeat, err = p.duration("the heartbeat interval")
	case "election":
		st.Election, err = p.duration("the election timeout")
	case "check-quorum", "pre-vote":
		var w string
		if w, err = p.word("on or off"); err == nil {
			if w != "on" && w != "off" {
				return p.errf("expected on or off after `%s`, found %q", verb, w)
			}
			if verb == "check-quorum" {
				st.CheckQuorum = w == "on"
			} else {
				st.PreVote = w == "on"
			}
		}
	case "latency":
		var w string
		if w, err = p.word("a latency range like 1ms..5ms"); err == nil {
			lo, hi, ok := strings.Cut(w, "..")
			a, errA := time.ParseDuration(lo)
			b, errB := time.ParseDuration(hi)
			if !ok || errA != nil || errB != nil || a < 0 || b < a {
				return p.errf("expected a latency range like 1ms..5ms, found %q", w)
			}
			st.LatencyMin, st.LatencyMax = a, b
		}
	}
	if err != nil {
		return err
	}
	return p.end()
}

func (p *lineParser) op(verb string) error {
	op := &Op{Verb: verb, On: "leader"}
	var err error
	if op.Key, err = p.word("a key such as /message"); err != nil {
		return err
	}
	if !strings.HasPrefix(op.Key, "/") {
		return p.errf("expected a key starting with /, found %q", op.Key)
	}
	if strings.Trim(op.Key, "/") == "" && !isOneOf(verb, []string{"get", "qget", "watch"}) {
		return p.errf("%s %s: the root directory is read-only (etcd error 107)", verb, op.Key)
	}
	switch verb {
	case "set", "create", "update":
		if op.Value, err = p.value(); err != nil {
			return err
		}
	case "cas":
		if op.PrevValue, err = p.value(); err != nil {
			return err
		}
		if op.Value, err = p.value(); err != nil {
			return err
		}
	case "cad":
		if op.PrevValue, err = p.value(); err != nil {
			return err
		}
	}
	for p.more() {
		switch w, _ := p.word("an option"); w {
		case "on":
			if op.On, err = p.word("a node after `on`"); err != nil {
				return err
			}
		case "as":
			if op.Name, err = p.word("a name after `as`"); err != nil {
				return err
			}
		case "async":
			op.Async = true
		case "recursive":
			op.Recursive = true
		case "ttl":
			if op.TTL, err = p.duration("a ttl"); err != nil {
				return err
			}
			if !validTTL(op.TTL) {
				return p.errf("expected a ttl of whole seconds, at least 1s (etcd's TTLs are seconds), found %v", op.TTL)
			}
			op.HasTTL = true
		case "prev-index":
			if p.peek() == "of" {
				p.i++
				if op.PrevIndexOf, err = p.word("an operation's name after `prev-index of`"); err != nil {
					return err
				}
				continue
			}
			if op.PrevIndex, err = p.uint("an index or `of NAME`"); err != nil {
				return err
			}
			if op.PrevIndex == 0 {
				return p.errf("expected a prev-index above 0 (etcd's indexes start at 1)")
			}
		default:
			return p.errf("unknown option %q: expected on NODE, as NAME, async, recursive, ttl DURATION, prev-index N or prev-index of NAME", w)
		}
	}
	if verb == "watch" && op.Name == "" {
		return p.errf("a watch needs a name: `watch KEY [recursive] as NAME`")
	}
	if err := p.checkOptions(op); err != nil {
		return err
	}
	p.add(Stmt{Kind: KindOp, Op: op})
	return nil
}

// checkOptions refuses options the operation does not take.
func (p *lineParser) checkOptions(op *Op) error {
	checks := []struct {
		given  bool
		option string
		verbs  []string
	}{
		{op.Recursive, "recursive", []string{"watch", "get", "qget", "delete"}},
		{op.HasTTL, "ttl", []string{"set", "create", "update", "cas", "mkdir"}},
		{op.PrevIndex != 0 || op.PrevIndexOf != "", "prev-index", []string{"cas", "cad"}},
	}
	for _, c := range checks {
		if c.given && !isOneOf(op.Verb, c.verbs) {
			return p.errf("%s does not take `%s` (only %s do)", op.Verb, c.option, strings.Join(c.verbs, ", "))
		}
	}
	if op.Async && op.Verb == "watch" {
		return p.errf("a watch always runs alongside the story: drop `async`")
	}
	return nil
}

func (p *lineParser) value() (string, error) {
	t, err := p.next("a value")
	if err != nil {
		return "", err
	}
	return t.text, nil
}

func (p *lineParser) within(c *Stmt) error {
	c.Duration = 30 * time.Second
	if p.peek() == "within" {
		p.i++
		d, err := p.duration("a duration after `within`")
		if err != nil {
			return err
		}
		if d <= 0 {
			return p.errf("expected a duration above zero after `within`, found %v", d)
		}
		c.Duration = d
	}
	return p.end()
}

func (p *lineParser) wait() error {
	w, err := p.word("`for DURATION` or `until …`")
	if err != nil {
		return err
	}
	switch w {
	case "for":
		d, err := p.duration("a duration")
		if err != nil {
			return err
		}
		p.add(Stmt{Kind: KindWait, Duration: d})
		return p.end()
	case "until":
	default:
		return p.errf("expected `for DURATION` or `until …` after wait, found %q", w)
	}
	s := Stmt{Kind: KindWait, Cond: &Cond{}}
	first, err := p.word("what to wait for")
	if err != nil {
		return err
	}
	switch {
	case first == "leader":
		if err := p.keyword("elected"); err != nil {
			return err
		}
		s.Cond.What = "leader"
		if p.peek() == "among" {
			p.i++
			if s.Cond.Nodes, err = p.nodeSet("a set of nodes"); err != nil {
				return err
			}
		}
	case first == "logs":
		if err := p.keyword("converge"); err != nil {
			return err
		}
		s.Cond.What = "converged"
	default:
		second, err := p.word("`is ROLE` or `done`")
		if err != nil {
			return err
		}
		switch second {
		case "is":
			role, err := p.word("a role")
			if err != nil {
				return err
			}
			if !isOneOf(role, roles()) {
				return p.errf("expected a role (%s), found %q", strings.Join(roles(), ", "), role)
			}
			s.Cond.What, s.Cond.Node, s.Cond.Role = "role", first, role
		case "done":
			s.Cond.What, s.Cond.Name = "done", first
		default:
			return p.errf("expected `NODE is ROLE`, `NAME done`, `leader elected` or `logs converge` after `wait until`")
		}
	}
	if err := p.within(&s); err != nil {
		return err
	}
	p.add(s)
	return nil
}

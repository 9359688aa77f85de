package story

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// reservedNodeWords are node references a fault resolves when it is applied; they cannot name a
// node or an alias.
var reservedNodeWords = map[string]bool{"leader": true, "follower": true, "random": true, "all": true}

// scope is what a story has defined so far, statement by statement.
type scope struct {
	// nodes are the names a statement may use for a node: the cluster line's names, `let` aliases
	// and members added by `member add`, each with what it is.
	nodes map[string]string
	// ops are the names of client operations and membership changes, watches those of watches,
	// each with the line that defined it.
	ops, watches map[string]Pos
	// labels are the term labels bound so far.
	labels map[string]Pos
}

// headerLines are the lines of the header statements that the checks below point at.
type headerLines map[string]Pos

// check validates what single lines cannot: every name a statement uses (nodes, operations,
// watches, term labels) was defined before it, every fault is one the lab can apply to nodes that
// exist, and the header's timing is usable. The first problem is returned with its file and line.
func check(st *Story, headers headerLines) error {
	if err := checkHeader(st, headers); err != nil {
		return err
	}
	sc := &scope{nodes: map[string]string{}, ops: map[string]Pos{}, watches: map[string]Pos{}, labels: map[string]Pos{}}
	for _, n := range st.Nodes {
		sc.nodes[n] = "node"
	}
	for i := range st.Stmts {
		if err := sc.stmt(&st.Stmts[i]); err != nil {
			return err
		}
	}
	return nil
}

// checkHeader checks the cluster's node names and the timing lines.
func checkHeader(st *Story, headers headerLines) error {
	at := func(line string) Pos {
		if p, ok := headers[line]; ok {
			return p
		}
		return Pos{File: st.File, Line: 1}
	}
	seen := map[string]bool{}
	for _, n := range st.Nodes {
		switch {
		case !nodeNamePattern.MatchString(n):
			return &Error{Pos: at("cluster"), Msg: fmt.Sprintf("expected node names like n1 (a lower-case letter, then letters, digits, '-' or '_'), found %q", n)}
		case reservedNodeWords[n]:
			return &Error{Pos: at("cluster"), Msg: fmt.Sprintf("%q is a node reference (leader, follower, random, all), not a node name", n)}
		case seen[n]:
			return &Error{Pos: at("cluster"), Msg: fmt.Sprintf("node %s is named twice", n)}
		}
		seen[n] = true
	}
	if st.Heartbeat <= 0 {
		return &Error{Pos: at("heartbeat"), Msg: fmt.Sprintf("expected a heartbeat interval above zero, found %v", st.Heartbeat)}
	}
	line := "election"
	if _, ok := headers[line]; !ok {
		line = "heartbeat"
	}
	if st.Election <= st.Heartbeat || st.Election%st.Heartbeat != 0 {
		return &Error{Pos: at(line), Msg: fmt.Sprintf("expected the election timeout (%v) to be a whole number of heartbeats (%v), at least two", st.Election, st.Heartbeat)}
	}
	return nil
}

func (sc *scope) errf(pos Pos, format string, args ...any) error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// stmt checks one statement and adds what it defines.
func (sc *scope) stmt(s *Stmt) error {
	switch s.Kind {
	case KindLet:
		if err := sc.node(s.Pos, s.Node, "a node"); err != nil {
			return err
		}
		switch what := sc.nodes[s.Alias]; {
		case !nodeNamePattern.MatchString(s.Alias):
			return sc.errf(s.Pos, "expected a name like old-leader (a lower-case letter, then letters, digits, '-' or '_') after `let`, found %q", s.Alias)
		case reservedNodeWords[s.Alias] || (what != "" && what != "alias"):
			return sc.errf(s.Pos, "`let %s` would hide the %s %s: choose another name", s.Alias, orWord(what, "reference"), s.Alias)
		}
		sc.nodes[s.Alias] = "alias"
	case KindCampaign, KindTransfer:
		return sc.node(s.Pos, s.Node, "a node")
	case KindFault:
		return sc.fault(s)
	case KindOp:
		return sc.op(s)
	case KindWait:
		return sc.wait(s)
	case KindExpect:
		return sc.expect(s)
	}
	return nil
}

func orWord(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// node checks one node reference: a cluster node, `leader`, a `let` alias or a member added before.
func (sc *scope) node(pos Pos, ref, what string) error {
	if ref == "leader" || sc.nodes[ref] != "" {
		return nil
	}
	return sc.errf(pos, "unknown node %q: expected %s (%s)", ref, what, sc.knownNodes())
}

// knownNodes lists the node names usable at this point.
func (sc *scope) knownNodes() string {
	names := make([]string, 0, len(sc.nodes)+1)
	for n := range sc.nodes {
		names = append(names, n)
	}
	sort.Strings(names)
	return "one of " + strings.Join(append(names, "leader"), ", ")
}

func (sc *scope) nodeList(pos Pos, refs []string) error {
	for i, r := range refs {
		if err := sc.node(pos, r, "a node"); err != nil {
			return err
		}
		if slices.Contains(refs[:i], r) {
			return sc.errf(pos, "node %s is named twice in {%s}", r, strings.Join(refs, ","))
		}
	}
	return nil
}

// defineOp records a client operation's or membership change's name.
func (sc *scope) defineOp(pos Pos, name string) error {
	if name == "" {
		return nil
	}
	if at, dup := sc.ops[name]; dup {
		return sc.errf(pos, "the name %s is already used by the operation at line %d: choose another", name, at.Line)
	}
	if at, dup := sc.watches[name]; dup {
		return sc.errf(pos, "the name %s is already used by the watch at line %d: choose another", name, at.Line)
	}
	sc.ops[name] = pos
	return nil
}

// usedOp checks a reference to an earlier operation.
func (sc *scope) usedOp(pos Pos, name string) error {
	if _, ok := sc.ops[name]; ok {
		return nil
	}
	if _, ok := sc.watches[name]; ok {
		return sc.errf(pos, "%s is a watch, not an operation: use `expect watch %s events: ...`", name, name)
	}
	return sc.errf(pos, "no operation called %s before this line (name one with `as %s`)", name, name)
}

// op checks a client operation's node and names.
func (sc *scope) op(s *Stmt) error {
	o := s.Op
	if err := sc.node(s.Pos, o.On, "a node after `on`"); err != nil {
		return err
	}
	if o.PrevIndexOf != "" {
		if err := sc.usedOp(s.Pos, o.PrevIndexOf); err != nil {
			return err
		}
	}
	if o.Verb != "watch" {
		return sc.defineOp(s.Pos, o.Name)
	}
	if err := sc.defineOp(s.Pos, o.Name); err != nil {
		return err
	}
	delete(sc.ops, o.Name)
	sc.watches[o.Name] = s.Pos
	return nil
}

func (sc *scope) wait(s *Stmt) error {
	c := s.Cond
	if c == nil {
		return nil
	}
	switch c.What {
	case "leader":
		return sc.nodeList(s.Pos, c.Nodes)
	case "role":
		return sc.node(s.Pos, c.Node, "a node")
	case "done":
		return sc.usedOp(s.Pos, c.Name)
	}
	return nil
}

func (sc *scope) expect(s *Stmt) error {
	e := s.Expect
	switch e.What {
	case "leader":
		if e.Node != "" {
			if err := sc.node(s.Pos, e.Node, "the leader's node"); err != nil {
				return err
			}
		}
		if err := sc.nodeList(s.Pos, e.Nodes); err != nil {
			return err
		}
		return sc.term(s.Pos, e.Term)
	case "term":
		if err := sc.node(s.Pos, e.Node, "a node"); err != nil {
			return err
		}
		return sc.term(s.Pos, e.Term)
	case "no-leader", "log", "committed":
		return sc.nodeList(s.Pos, e.Nodes)
	case "role":
		return sc.node(s.Pos, e.Node, "a node")
	case "result":
		return sc.usedOp(s.Pos, e.Name)
	case "one-ok":
		for i, n := range e.Names {
			if err := sc.usedOp(s.Pos, n); err != nil {
				return err
			}
			if slices.Contains(e.Names[:i], n) {
				return sc.errf(s.Pos, "operation %s is named twice in {%s}", n, strings.Join(e.Names, ","))
			}
		}
	case "watch":
		if _, ok := sc.watches[e.Name]; !ok {
			return sc.errf(s.Pos, "no watch called %s before this line (start one with `watch KEY as %s`)", e.Name, e.Name)
		}
	}
	return nil
}

// term checks a term reference: `after LABEL` needs LABEL bound by an earlier assertion; a new
// label is bound by this one.
func (sc *scope) term(pos Pos, ref *TermRef) error {
	if ref == nil {
		return nil
	}
	if ref.After != "" {
		if _, ok := sc.labels[ref.After]; !ok {
			return sc.errf(pos, "term label %s is not defined before this line (the first assertion that says `term %s` defines it)", ref.After, ref.After)
		}
	}
	if ref.Label != "" {
		if _, ok := sc.labels[ref.Label]; !ok {
			sc.labels[ref.Label] = pos
		}
	}
	return nil
}

// validTTL reports whether a TTL can be sent to etcd: a whole number of seconds, at least one.
func validTTL(d time.Duration) bool { return d >= time.Second && d%time.Second == 0 }

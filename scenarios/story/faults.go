package story

import (
	"regexp"
	"strings"

	"github.com/raftlab/raftlab/nemesis"
)

// nodeNamePattern is what a node name (and a `let` alias, which faults use like one) looks like:
// the names nemesis accepts.
var nodeNamePattern = regexp.MustCompile(`^[a-z][a-z0-9_-]*$`)

// faultVerbs are the first words of nemesis faults, which a story writes as they are.
func faultVerbs() []string {
	return []string{"partition", "heal", "isolate", "bridge", "cut", "crash", "restart", "kill", "pause",
		"resume", "delay", "loss", "duplicate", "reorder", "net", "disk", "clock-skew", "clock-drift", "member"}
}

// splitFaultName cuts a trailing `as NAME` off a fault's text (membership changes can be named).
func splitFaultName(text string) (fault, name string) {
	f := strings.Fields(text)
	if len(f) >= 3 && f[len(f)-2] == "as" {
		return strings.Join(f[:len(f)-2], " "), f[len(f)-1]
	}
	return text, ""
}

// fault parses a fault line with nemesis's parser, so that a malformed fault is refused here and
// not when the story reaches it.
func (p *lineParser) fault() error {
	text, name := splitFaultName(p.raw)
	if i := strings.IndexByte(text, '#'); i >= 0 {
		text = strings.TrimSpace(text[:i])
	}
	f, err := nemesis.Parse(text)
	if err != nil {
		return p.errf("expected a fault the lab can apply, got %s", strings.TrimPrefix(err.Error(), "nemesis: "))
	}
	switch f.(type) {
	case nemesis.MemberAdd, nemesis.MemberRemove:
	default:
		if name != "" {
			return p.errf("only a membership change can be named with `as %s`", name)
		}
	}
	p.add(Stmt{Kind: KindFault, Text: p.raw, fault: f, Name: name})
	return nil
}

// fault checks the nodes a fault names and records a member it adds and the name it gives.
func (sc *scope) fault(s *Stmt) error {
	var refs []string
	switch f := s.fault.(type) {
	case nemesis.Partition:
		for _, g := range f.Groups {
			refs = append(refs, g...)
		}
	case nemesis.CutLink:
		refs = append(refs, f.From, f.To)
	case nemesis.Isolate:
		refs = append(refs, string(f.Node))
	case nemesis.Crash:
		refs = append(refs, string(f.Node))
	case nemesis.Restart:
		refs = append(refs, string(f.Node))
	case nemesis.Pause:
		refs = append(refs, string(f.Node))
	case nemesis.Resume:
		refs = append(refs, string(f.Node))
	case nemesis.DiskFault:
		refs = append(refs, string(f.Node))
	case nemesis.ClockSkew:
		refs = append(refs, string(f.Node))
	case nemesis.ClockDrift:
		refs = append(refs, string(f.Node))
	case nemesis.MemberRemove:
		refs = append(refs, string(f.Node))
	case nemesis.MemberAdd:
		if what := sc.nodes[f.Name]; what != "" || reservedNodeWords[f.Name] {
			return sc.errf(s.Pos, "`member add %s`: %s is already a %s", f.Name, f.Name, orWord(what, "node reference"))
		}
		sc.nodes[f.Name] = "member"
	}
	for _, r := range refs {
		if reservedNodeWords[r] {
			continue // nemesis resolves it when the fault is applied (and refused it where it is not allowed)
		}
		if err := sc.node(s.Pos, r, "a node in the fault"); err != nil {
			return err
		}
	}
	return sc.defineOp(s.Pos, s.Name)
}

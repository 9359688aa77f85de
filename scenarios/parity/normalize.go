package parity

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// normalizer rewrites what must differ between two clusters that went through the same steps:
// absolute indexes become relative to the sequence's start (i+N), member IDs, names and URLs
// become the role of the member they belong to (<id:L>, <client:F1>, ...), times become <time>.
// Everything else is kept, so every other difference shows.
type normalizer struct {
	// base is the etcd index the sequence started at (or was rebased to).
	base uint64
	tok  *tokens
}

// newNormalizer has no tokens yet and base 0.
func newNormalizer() *normalizer { return &normalizer{tok: &tokens{}} }

// at is a normalizer with the same tokens (including those added later) and another base: an
// answer is rendered at the end of its sequence, when every token is known, with the base of its
// step.
func (n *normalizer) at(base uint64) *normalizer { return &normalizer{base: base, tok: n.tok} }

// tokens are literal replacements: URLs, member IDs and names, saved values.
type tokens struct {
	pairs []string
	repl  *strings.Replacer
}

// addToken makes every occurrence of literal read as token.
func (n *normalizer) addToken(literal, token string) {
	if literal == "" {
		return
	}
	n.tok.pairs = append(n.tok.pairs, literal, token)
	n.tok.repl = nil
}

// replacer orders the literals longest first, so a URL is replaced before a name inside it.
func (n *normalizer) replacer() *strings.Replacer {
	t := n.tok
	if t.repl == nil {
		type pair struct{ from, to string }
		ps := make([]pair, 0, len(t.pairs)/2)
		for i := 0; i < len(t.pairs); i += 2 {
			ps = append(ps, pair{t.pairs[i], t.pairs[i+1]})
		}
		sort.SliceStable(ps, func(i, j int) bool { return len(ps[i].from) > len(ps[j].from) })
		flat := make([]string, 0, len(t.pairs))
		for _, p := range ps {
			flat = append(flat, p.from, p.to)
		}
		t.repl = strings.NewReplacer(flat...)
	}
	return t.repl
}

// rel writes an absolute etcd index relative to the base; 0 (no index) stays 0.
func (n *normalizer) rel(v uint64) string {
	if v == 0 {
		return "0"
	}
	d := int64(v) - int64(n.base)
	if d < 0 {
		return "i" + strconv.FormatInt(d, 10)
	}
	return "i+" + strconv.FormatInt(d, 10)
}

// relText is rel for a decimal string; anything else is kept.
func (n *normalizer) relText(s string) string {
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return s
	}
	return n.rel(v)
}

var (
	// Index-bearing patterns in text: etcdctl's extended output and error lines, error causes,
	// JSON written by etcdctl, in-order key names (20 digits), exec-watch's environment.
	reIndexLine  = regexp.MustCompile(`(?m)^((?:Created-Index|Modified-Index|Index): )(\d+)`)
	reIndexJSON  = regexp.MustCompile(`("(?:createdIndex|modifiedIndex|index)":)(\d+)`)
	reIndexTail  = regexp.MustCompile(`(?m)(\) \[)(\d+)(\]\s*$)`)
	reCompare    = regexp.MustCompile(`\[(\d+) != (\d+)\]`)
	reCleared    = regexp.MustCompile(`\[(\d+)/(\d+)\]`)
	reInOrder    = regexp.MustCompile(`\b\d{20}\b`)
	reWatchIndex = regexp.MustCompile(`(ETCD_WATCH_MODIFIED_INDEX=)(\d+)`)
	reTime       = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)`)
	// reTTL finds TTLs, compared within one second (see sameAnswer).
	reTTL = regexp.MustCompile(`("ttl":|TTL: )(\d+)`)
)

// text normalises free text: etcdctl output, text/plain bodies, error causes, header values.
func (n *normalizer) text(s string) string {
	s = n.replacer().Replace(s)
	s = reTime.ReplaceAllString(s, "<time>")
	s = reInOrder.ReplaceAllStringFunc(s, func(m string) string { return "<" + n.relText(m) + ">" })
	s = reIndexLine.ReplaceAllStringFunc(s, func(m string) string {
		g := reIndexLine.FindStringSubmatch(m)
		return g[1] + n.relText(g[2])
	})
	s = reIndexJSON.ReplaceAllStringFunc(s, func(m string) string {
		g := reIndexJSON.FindStringSubmatch(m)
		return g[1] + n.relText(g[2])
	})
	s = reIndexTail.ReplaceAllStringFunc(s, func(m string) string {
		g := reIndexTail.FindStringSubmatch(m)
		return g[1] + n.relText(g[2]) + g[3]
	})
	s = n.cause(s)
	return reWatchIndex.ReplaceAllStringFunc(s, func(m string) string {
		g := reWatchIndex.FindStringSubmatch(m)
		return g[1] + n.relText(g[2])
	})
}

// cause normalises the indexes in an error cause: "[prevIndex != modifiedIndex]" and the
// cleared-history "[oldest/waitIndex]". A number there may also be a literal of the request (a
// prevIndex of 1, a numeric prevValue): only numbers from the sequence's base on are indexes.
func (n *normalizer) cause(s string) string {
	s = reCompare.ReplaceAllStringFunc(s, func(m string) string {
		g := reCompare.FindStringSubmatch(m)
		return "[" + n.relCause(g[1]) + " != " + n.relCause(g[2]) + "]"
	})
	return reCleared.ReplaceAllStringFunc(s, func(m string) string {
		g := reCleared.FindStringSubmatch(m)
		return "[" + n.relCause(g[1]) + "/" + n.relCause(g[2]) + "]"
	})
}

// relCause is relText for the numbers in a cause: below the base, a number is kept as written.
func (n *normalizer) relCause(s string) string {
	if v, err := strconv.ParseUint(s, 10, 64); err == nil && v < n.base {
		return s
	}
	return n.relText(s)
}

// indexFields are the JSON members that hold an etcd index.
var indexFields = map[string]bool{"modifiedIndex": true, "createdIndex": true, "index": true}

// json normalises a JSON value in place, member by member.
func (n *normalizer) json(v *jvalue) {
	switch v.kind {
	case jObject:
		for i := range v.members {
			m := &v.members[i]
			switch {
			case indexFields[m.key] && m.val.kind == jNumber:
				m.val = str(n.relText(m.val.scalar))
			case m.key == "expiration" && m.val.kind == jString:
				m.val = str("<time>")
			case m.key == "cause" && m.val.kind == jString:
				m.val = str(n.text(m.val.scalar))
			default:
				n.json(m.val)
			}
		}
	case jArray:
		for _, item := range v.items {
			n.json(item)
		}
	case jString:
		v.scalar = n.replacer().Replace(v.scalar)
		v.scalar = reInOrder.ReplaceAllStringFunc(v.scalar, func(m string) string { return "<" + n.relText(m) + ">" })
	}
}

// sameAnswer compares two canonical answers. TTLs may differ by one second, since a TTL is the
// time left, rounded up, when the answer was written.
func sameAnswer(a, b string) bool {
	if a == b {
		return true
	}
	ta, tb := reTTL.FindAllStringSubmatch(a, -1), reTTL.FindAllStringSubmatch(b, -1)
	if len(ta) == 0 || len(ta) != len(tb) {
		return false
	}
	if reTTL.ReplaceAllString(a, "${1}<ttl>") != reTTL.ReplaceAllString(b, "${1}<ttl>") {
		return false
	}
	for i := range ta {
		x, _ := strconv.Atoi(ta[i][2])
		y, _ := strconv.Atoi(tb[i][2])
		if x-y > 1 || y-x > 1 {
			return false
		}
	}
	return true
}

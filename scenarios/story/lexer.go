package story

import (
	"fmt"
	"strings"
)

// token is one word of a story line: a bare word, a "quoted string" or a {set, of, names}.
type token struct {
	text   string
	quoted bool
	set    []string
}

func (t token) isSet() bool { return t.set != nil }

// tokenize splits a line into tokens, dropping a trailing # comment.
func tokenize(line string) ([]token, error) {
	var out []token
	for i := 0; i < len(line); {
		c := line[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case c == '#':
			return out, nil
		case c == '"':
			var b strings.Builder
			j := i + 1
			for ; j < len(line) && line[j] != '"'; j++ {
				if line[j] == '\\' && j+1 < len(line) {
					j++
				}
				b.WriteByte(line[j])
			}
			if j >= len(line) {
				return nil, fmt.Errorf("unterminated string starting at column %d", i+1)
			}
			out = append(out, token{text: b.String(), quoted: true})
			i = j + 1
		case c == '{':
			j := strings.IndexByte(line[i:], '}')
			if j < 0 {
				return nil, fmt.Errorf("unterminated set starting at column %d: expected '}'", i+1)
			}
			inner := line[i+1 : i+j]
			set := []string{}
			for _, part := range strings.FieldsFunc(inner, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
				set = append(set, part)
			}
			if len(set) == 0 {
				return nil, fmt.Errorf("empty set at column %d", i+1)
			}
			out = append(out, token{text: line[i : i+j+1], set: set})
			i += j + 1
		default:
			j := i
			for j < len(line) && line[j] != ' ' && line[j] != '\t' && line[j] != '#' && line[j] != '\r' {
				j++
			}
			out = append(out, token{text: line[i:j]})
			i = j
		}
	}
	return out, nil
}

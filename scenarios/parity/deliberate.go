package parity

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
)

// listed is an entry of testdata/deliberate.txt: a case whose answers differ on purpose, or
// whose difference waits for work owned elsewhere.
type listed struct {
	caseID string
	// reason says why kvd answers differently (deliberate), or what the difference waits for
	// (pending).
	reason  string
	pending bool
	// kvd is kvd's expected canonical answer to a deliberate case: a deliberate difference is
	// still asserted.
	kvd  string
	line int
	used bool
}

// loadListed reads the file of deliberate and pending cases.
func loadListed(path string) (map[string]*listed, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parseListed(path, f)
}

// parseListed parses entries of this form, separated by blank lines ('#' lines are comments):
//
//	case: keys.seq: PUT /v2/keys/d?dir=true&prevExist=true
//	deliberate: why kvd answers differently
//	kvd:
//	| HTTP 200
//	| ...
//
// or, for a difference that waits for work owned elsewhere:
//
//	case: limits.seq: PUT /v2/keys/...
//	pending: what it waits for
func parseListed(name string, r io.Reader) (map[string]*listed, error) {
	out := map[string]*listed{}
	var cur *listed
	inKvd := false
	finish := func() error {
		if cur == nil {
			return nil
		}
		if cur.reason == "" {
			return fmt.Errorf("%s:%d: entry %q has no deliberate: or pending: reason", name, cur.line, cur.caseID)
		}
		if !cur.pending && cur.kvd == "" {
			return fmt.Errorf("%s:%d: deliberate entry %q has no kvd: answer", name, cur.line, cur.caseID)
		}
		if _, dup := out[cur.caseID]; dup {
			return fmt.Errorf("%s:%d: case %q listed twice", name, cur.line, cur.caseID)
		}
		out[cur.caseID] = cur
		cur, inKvd = nil, false
		return nil
	}
	sc := bufio.NewScanner(r)
	for lineNo := 1; sc.Scan(); lineNo++ {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "#"):
		case strings.TrimSpace(line) == "":
			if err := finish(); err != nil {
				return nil, err
			}
		case inKvd && (line == "|" || strings.HasPrefix(line, "| ")):
			cur.kvd += strings.TrimPrefix(strings.TrimPrefix(line, "|"), " ") + "\n"
		case strings.HasPrefix(line, "case: "):
			if err := finish(); err != nil {
				return nil, err
			}
			cur = &listed{caseID: strings.TrimPrefix(line, "case: "), line: lineNo}
		case cur == nil:
			return nil, fmt.Errorf("%s:%d: %q outside an entry", name, lineNo, line)
		case strings.HasPrefix(line, "deliberate: "):
			cur.reason = strings.TrimPrefix(line, "deliberate: ")
		case strings.HasPrefix(line, "pending: "):
			cur.reason, cur.pending = strings.TrimPrefix(line, "pending: "), true
		case line == "kvd:":
			inKvd = true
		default:
			return nil, fmt.Errorf("%s:%d: unexpected line %q", name, lineNo, line)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if err := finish(); err != nil {
		return nil, err
	}
	return out, nil
}

// quoteAnswer writes an answer in the file's "| " form, for a new entry.
func quoteAnswer(answer string) string {
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimSuffix(answer, "\n"), "\n") {
		if line == "" {
			b.WriteString("|\n")
		} else {
			b.WriteString("| " + line + "\n")
		}
	}
	return b.String()
}

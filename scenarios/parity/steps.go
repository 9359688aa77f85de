package parity

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// A sequence is one case file: steps run in order against one cluster, since state matters.
type sequence struct {
	name  string // the file name, e.g. keys.seq
	steps []*step
}

// stepKind is what a step does.
type stepKind int

const (
	stepHTTP      stepKind = iota // one HTTP request; compared
	stepCtl                       // one etcdctl / kvctl run; compared
	stepBg                        // start an HTTP request or a ctl run in the background
	stepCollect                   // wait for a background step; compared
	stepSleep                     // let time pass (TTLs)
	stepUntilGone                 // poll a key on F2 until it is gone (expiry)
	stepSave                      // keep a field of the previous answer in a variable
	stepRepeat                    // the same HTTP request many times, concurrently; compared as a tally
	stepRebase                    // indexes count again from the current one (after a deliberate write)
	stepQuiet                     // an HTTP request whose answer is not compared (clean-up after a deliberate write)
	stepUptime                    // wait until the cluster has been up for a while (etcd's reconfiguration check)
	stepMatch                     // keep a group of a regexp over the previous answer in a variable
)

// step is one line of a case file.
type step struct {
	kind stepKind
	// id names the case in reports and in deliberate.txt: "file: text", with " #k" added for
	// the k-th repetition of the same text in one file.
	id   string
	text string
	// member is the alias of the member the step talks to: L (the leader), F1 or F2 (the
	// followers, by name).
	member  string
	http    *httpRequest
	ctl     *ctlRun
	name    string         // bg, collect: the background step's name
	lines   int            // collect: read this many lines, then stop (0: until the end)
	within  time.Duration  // collect: how long to wait for them (default collectTimeout)
	dur     time.Duration  // sleep
	key     string         // until-gone
	field   string         // save: a dotted path into the previous answer's JSON body
	pattern *regexp.Regexp // match
	count   int            // repeat
	inner   *step          // bg, repeat: the step run
	// ctlCase says a compared step is an etcdctl run (a ctl step, or the collect of one).
	ctlCase bool
}

// compared reports whether the step yields an answer compared between the two sides.
func (s *step) compared() bool {
	switch s.kind {
	case stepHTTP, stepCtl, stepCollect, stepRepeat:
		return true
	}
	return false
}

// httpRequest is an HTTP request as written in a case file; templates are expanded per side.
type httpRequest struct {
	method string
	target string // path and query, sent as written (after template expansion)
	body   string
	// hasBody is whether the line gives a body; it is then sent with contentType (by default
	// application/x-www-form-urlencoded).
	hasBody     bool
	contentType string
	user        string // user:password for basic auth
	headers     [][2]string
}

// ctlRun is an etcdctl invocation; the same arguments are given to kvctl.
type ctlRun struct {
	args     []string
	stdin    string
	hasStdin bool
	env      []string // NAME=VALUE, templates not yet expanded
}

// loadSequences reads every *.seq file of dir, in name order.
func loadSequences(dir string) ([]*sequence, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.seq"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var out []*sequence
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			return nil, err
		}
		seq, err := parseSequence(filepath.Base(f), fh)
		_ = fh.Close()
		if err != nil {
			return nil, err
		}
		out = append(out, seq)
	}
	return out, nil
}

// parseSequence parses one case file.
func parseSequence(name string, r io.Reader) (*sequence, error) {
	seq := &sequence{name: name}
	seen := map[string]int{}
	started := map[string]*step{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for lineNo := 1; sc.Scan(); lineNo++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		st, err := parseStep(text)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, lineNo, err)
		}
		st.text = text
		st.id = name + ": " + text
		if seen[text]++; seen[text] > 1 {
			st.id += " #" + strconv.Itoa(seen[text])
		}
		if err := linkBackground(st, started); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, lineNo, err)
		}
		seq.steps = append(seq.steps, st)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	for name := range started {
		return nil, fmt.Errorf("%s: bg %s is never collected", seq.name, name)
	}
	return seq, nil
}

// linkBackground pairs each collect with its bg step (started holds those not yet collected).
func linkBackground(st *step, started map[string]*step) error {
	switch st.kind {
	case stepCtl:
		st.ctlCase = true
	case stepBg:
		if started[st.name] != nil {
			return fmt.Errorf("bg %s started twice", st.name)
		}
		started[st.name] = st
	case stepCollect:
		bg := started[st.name]
		if bg == nil {
			return fmt.Errorf("collect %s: no bg %s before", st.name, st.name)
		}
		delete(started, st.name)
		st.ctlCase = bg.inner.kind == stepCtl
	}
	return nil
}

// parseStep parses one step line.
func parseStep(text string) (*step, error) {
	words, err := splitTokens(text)
	if err != nil {
		return nil, err
	}
	return parseWords(words)
}

func parseWords(words []string) (*step, error) {
	if len(words) == 0 {
		return nil, fmt.Errorf("empty step")
	}
	member := "L"
	if strings.HasPrefix(words[0], "@") {
		member = words[0][1:]
		if member != "L" && member != "F1" && member != "F2" {
			return nil, fmt.Errorf("unknown member %q: want @L, @F1 or @F2", words[0])
		}
		words = words[1:]
		if len(words) == 0 {
			return nil, fmt.Errorf("a member and no step")
		}
	}
	st := &step{member: member}
	switch kw, rest := words[0], words[1:]; kw {
	case "ctl":
		st.kind = stepCtl
		st.ctl = parseCtl(rest)
	case "bg", "repeat":
		if len(rest) < 2 {
			return nil, fmt.Errorf("%s NAME|COUNT STEP...", kw)
		}
		inner, err := parseWords(append(prefixMember(member), rest[1:]...))
		if err != nil {
			return nil, err
		}
		st.inner = inner
		if kw == "bg" {
			st.kind, st.name = stepBg, rest[0]
			if inner.kind != stepHTTP && inner.kind != stepCtl {
				return nil, fmt.Errorf("bg runs an HTTP request or a ctl run")
			}
			return st, nil
		}
		st.kind = stepRepeat
		if st.count, err = strconv.Atoi(rest[0]); err != nil || st.count < 1 {
			return nil, fmt.Errorf("repeat COUNT: bad count %q", rest[0])
		}
		if inner.kind != stepHTTP {
			return nil, fmt.Errorf("repeat runs an HTTP request")
		}
	case "collect":
		if len(rest) < 1 || len(rest) > 3 {
			return nil, fmt.Errorf("collect NAME [LINES [WITHIN]]")
		}
		st.kind, st.name, st.within = stepCollect, rest[0], collectTimeout
		if len(rest) >= 2 {
			n, err := strconv.Atoi(rest[1])
			if err != nil || n < 1 {
				return nil, fmt.Errorf("collect: bad line count %q", rest[1])
			}
			st.lines = n
		}
		if len(rest) == 3 {
			d, err := time.ParseDuration(rest[2])
			if err != nil {
				return nil, fmt.Errorf("collect: %w", err)
			}
			st.within = d
		}
	case "sleep", "uptime":
		if len(rest) != 1 {
			return nil, fmt.Errorf("%s DURATION", kw)
		}
		d, err := time.ParseDuration(rest[0])
		if err != nil {
			return nil, err
		}
		st.kind, st.dur = stepSleep, d
		if kw == "uptime" {
			st.kind = stepUptime
		}
	case "until-gone":
		if len(rest) != 1 {
			return nil, fmt.Errorf("until-gone KEY")
		}
		st.kind, st.key = stepUntilGone, rest[0]
	case "quiet":
		inner, err := parseWords(append(prefixMember(member), rest...))
		if err != nil {
			return nil, err
		}
		if inner.kind != stepHTTP {
			return nil, fmt.Errorf("quiet runs an HTTP request")
		}
		st.kind, st.inner = stepQuiet, inner
	case "rebase":
		if len(rest) != 0 {
			return nil, fmt.Errorf("rebase takes no arguments")
		}
		st.kind = stepRebase
	case "match":
		if len(rest) != 2 {
			return nil, fmt.Errorf("match VAR REGEXP")
		}
		re, err := regexp.Compile(rest[1])
		if err != nil {
			return nil, err
		}
		st.kind, st.name, st.pattern = stepMatch, rest[0], re
	case "save":
		if len(rest) != 2 || !strings.HasPrefix(rest[1], ".") {
			return nil, fmt.Errorf("save VAR .field.path")
		}
		st.kind, st.name, st.field = stepSave, rest[0], rest[1]
	default:
		req, err := parseHTTP(words)
		if err != nil {
			return nil, err
		}
		st.kind, st.http = stepHTTP, req
	}
	return st, nil
}

func prefixMember(alias string) []string {
	if alias == "L" {
		return nil
	}
	return []string{"@" + alias}
}

// parseCtl reads [stdin=TEXT] [env=NAME=VALUE]... ARGS...
func parseCtl(words []string) *ctlRun {
	run := &ctlRun{}
	if len(words) > 0 && strings.HasPrefix(words[0], "stdin=") {
		run.stdin, run.hasStdin = strings.TrimPrefix(words[0], "stdin="), true
		words = words[1:]
	}
	for len(words) > 0 && strings.HasPrefix(words[0], "env=") && strings.Contains(words[0][len("env="):], "=") {
		run.env = append(run.env, strings.TrimPrefix(words[0], "env="))
		words = words[1:]
	}
	run.args = append([]string(nil), words...)
	return run
}

// parseHTTP reads [ct=TYPE] [auth=USER:PASS] [hdr=NAME:VALUE]... METHOD TARGET [BODY].
func parseHTTP(words []string) (*httpRequest, error) {
	req := &httpRequest{contentType: "application/x-www-form-urlencoded"}
	for len(words) > 0 && strings.Contains(words[0], "=") && !isMethod(words[0]) {
		k, v, _ := strings.Cut(words[0], "=")
		switch k {
		case "ct":
			req.contentType = v
		case "auth":
			req.user = v
		case "hdr":
			name, value, ok := strings.Cut(v, ":")
			if !ok {
				return nil, fmt.Errorf("hdr=NAME:VALUE, got %q", v)
			}
			req.headers = append(req.headers, [2]string{name, strings.TrimSpace(value)})
		default:
			return nil, fmt.Errorf("unknown option %q", k)
		}
		words = words[1:]
	}
	if len(words) < 2 || len(words) > 3 || !isMethod(words[0]) {
		return nil, fmt.Errorf("want [options] METHOD TARGET [BODY], got %q", strings.Join(words, " "))
	}
	req.method, req.target = words[0], words[1]
	if !strings.HasPrefix(req.target, "/") {
		return nil, fmt.Errorf("target %q does not start with /", req.target)
	}
	if len(words) == 3 {
		req.body, req.hasBody = words[2], true
	}
	return req, nil
}

// isMethod reports whether w looks like an HTTP method: upper-case letters only.
func isMethod(w string) bool {
	if w == "" {
		return false
	}
	for _, c := range w {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}

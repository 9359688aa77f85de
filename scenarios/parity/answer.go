package parity

import (
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// httpAnswer is what a server answered to one request.
type httpAnswer struct {
	status int
	header http.Header
	body   []byte
	// lines are the body's lines, for a watch stream collected line by line.
	lines []string
	err   error // the request failed (no answer)
}

// comparedHeaders are the headers compared as they are (after normalisation).
var comparedHeaders = []string{"Allow", "Content-Type", "Location", "Www-Authenticate",
	"Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers"}

// presenceHeaders are compared by presence only: their values differ by nature (the Raft log
// counts internal entries differently, the cluster ID hashes the member IDs).
var presenceHeaders = []string{"X-Etcd-Cluster-Id", "X-Raft-Index", "X-Raft-Term"}

// canonicalHeaders renders the status line and the compared headers.
func canonicalHeaders(n *normalizer, a *httpAnswer) string {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP %d\n", a.status)
	for _, h := range comparedHeaders {
		for _, v := range a.header.Values(h) {
			fmt.Fprintf(&b, "%s: %s\n", h, n.text(v))
		}
	}
	if vs := a.header.Values("X-Etcd-Index"); len(vs) > 0 {
		fmt.Fprintf(&b, "X-Etcd-Index: %s\n", n.relText(vs[0]))
	}
	for _, h := range presenceHeaders {
		if a.header.Get(h) != "" {
			fmt.Fprintf(&b, "%s: <present>\n", h)
		}
	}
	return b.String()
}

// ctlAnswer is what an etcdctl or kvctl run printed.
type ctlAnswer struct {
	exit           int
	stdout, stderr string
	// stopped says the run was stopped after the collected lines (a watch --forever).
	stopped bool
	err     error
}

// canonical renders the run, normalised.
func (a *ctlAnswer) canonical(n *normalizer) string {
	if a.err != nil {
		return "run failed: " + a.err.Error()
	}
	var b strings.Builder
	if a.stopped {
		b.WriteString("stopped after the collected lines\n")
	} else {
		fmt.Fprintf(&b, "exit %d\n", a.exit)
	}
	b.WriteString("--- stdout\n")
	b.WriteString(ctlText(memberLines(n, a.stdout)))
	b.WriteString("--- stderr\n")
	b.WriteString(ctlText(n.text(a.stderr)))
	return b.String()
}

var (
	// reProgram is the client's own name, which must differ.
	reProgram = regexp.MustCompile(`\b(?:etcdctl|kvctl)\b`)
	// reDialTimeout is a deadline that passed while the client was still dialling (Go's dialer says
	// "i/o timeout"; once connected the same deadline reads "context deadline exceeded"): with
	// --total-timeout 1ns which of the two a client prints is a race inside the client.
	reDialTimeout = regexp.MustCompile(`dial tcp [^ ]+: i/o timeout`)
	// reInitialCluster is member add's ETCD_INITIAL_CLUSTER line, in the members' ID order.
	reInitialCluster = regexp.MustCompile(`(?m)^(ETCD_INITIAL_CLUSTER=")([^"]*)(")`)
)

// ctlText normalises what only a command-line client prints: its name becomes <ctl>, a deadline
// that passed during the dial reads as any other passed deadline, and the
// members of ETCD_INITIAL_CLUSTER, in ID order there, are sorted by their normalised names.
func ctlText(s string) string {
	s = reProgram.ReplaceAllString(s, "<ctl>")
	s = reDialTimeout.ReplaceAllString(s, "context deadline exceeded")
	return reInitialCluster.ReplaceAllStringFunc(s, func(m string) string {
		g := reInitialCluster.FindStringSubmatch(m)
		members := strings.Split(g[2], ",")
		sort.Strings(members)
		return g[1] + strings.Join(members, ",") + g[3]
	})
}

// tally renders many answers to the same request as a count per status and error code.
func tally(answers []*httpAnswer) string {
	counts := map[string]int{}
	for _, a := range answers {
		key := fmt.Sprintf("HTTP %d", a.status)
		if a.err != nil {
			key = "failed: " + a.err.Error()
		} else if v, err := parseJSON(a.body); err == nil {
			if code := v.get("errorCode"); code != nil {
				key += " errorCode " + code.scalar
			} else if action := v.get("action"); action != nil {
				key += " " + action.scalar
			}
		}
		counts[key]++
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%d × %s\n", counts[k], k)
	}
	return b.String()
}

// reMemberLine finds the lines of member list and cluster-health, which start with a member ID.
var reMemberLine = regexp.MustCompile(`^(?:member )?([0-9a-f]{1,16})(?:\[unstarted\])?[: ]`)

// memberLines normalises text; a run of lines that start with member IDs (etcdctl prints members
// in ID order) is checked to be in ID order and then sorted by the normalised IDs, which do not
// keep that order.
func memberLines(n *normalizer, text string) string {
	lines := strings.SplitAfter(text, "\n")
	var out []string
	for i := 0; i < len(lines); {
		j := i
		for j < len(lines) && reMemberLine.MatchString(lines[j]) {
			j++
		}
		if j == i {
			out = append(out, n.text(lines[i]))
			i++
			continue
		}
		run := make([]string, 0, j-i)
		ordered := true
		var prev uint64
		for k := i; k < j; k++ {
			id, _ := strconv.ParseUint(reMemberLine.FindStringSubmatch(lines[k])[1], 16, 64)
			if k > i && id < prev {
				ordered = false
			}
			prev = id
			run = append(run, n.text(lines[k]))
		}
		sort.Strings(run)
		out = append(out, run...)
		if !ordered {
			out = append(out, "[members not in ID order]\n")
		}
		i = j
	}
	return strings.Join(out, "")
}

package parity

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/raftlab/raftlab/scenarios/realproc"
)

// resolved is a request with its templates expanded for one side.
func (s *side) resolve(r *httpRequest) (*httpRequest, error) {
	out := *r
	var err error
	if out.target, err = s.expand(r.target); err != nil {
		return nil, err
	}
	if out.body, err = s.expand(r.body); err != nil {
		return nil, err
	}
	if out.user, err = s.expand(r.user); err != nil {
		return nil, err
	}
	out.headers = nil
	for _, h := range r.headers {
		v, err := s.expand(h[1])
		if err != nil {
			return nil, err
		}
		out.headers = append(out.headers, [2]string{h[0], v})
	}
	return &out, nil
}

// newRequest builds the request, sending the target exactly as written: unclean paths, bad
// escapes and raw bytes must reach the server as a client would send them.
func newRequest(ctx context.Context, m *realproc.Member, r *httpRequest) (*http.Request, error) {
	var body io.Reader
	if r.hasBody {
		body = strings.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, m.ClientURL+"/", body)
	if err != nil {
		return nil, err
	}
	path, query, _ := strings.Cut(r.target, "?")
	req.URL.Opaque, req.URL.RawQuery = path, query
	if r.hasBody && r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	if r.user != "" {
		user, pass, _ := strings.Cut(r.user, ":")
		req.SetBasicAuth(user, pass)
	}
	for _, h := range r.headers {
		req.Header.Set(h[0], h[1])
	}
	return req, nil
}

// do sends a resolved request and reads the whole answer.
func (s *side) do(ctx context.Context, m *realproc.Member, r *httpRequest) (*httpAnswer, error) {
	req, err := newRequest(ctx, m, r)
	if err != nil {
		return nil, err
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return &httpAnswer{err: err}, nil
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return &httpAnswer{status: resp.StatusCode, header: resp.Header, body: body, err: err}, nil
}

// bodyContext describes a resolved request for the normalisation of its answer.
func (s *side) bodyContext(alias string, r *httpRequest) *bodyContext {
	raw, query, _ := strings.Cut(r.target, "?")
	path, err := url.PathUnescape(raw)
	if err != nil {
		path = raw
	}
	q, _ := url.ParseQuery(query)
	return &bodyContext{method: r.method, path: path, query: q, prevStore: s.store[alias]}
}

// answered keeps what later steps need from an HTTP answer: the highest index seen (until-gone),
// the body (save, match). It returns the answer's rendering, deferred to the end of the sequence.
func (s *side) answered(alias string, r *httpRequest, a *httpAnswer) func() string {
	if x, err := strconv.ParseUint(a.header.Get("X-Etcd-Index"), 10, 64); err == nil && x > s.seenIndex {
		s.seenIndex = x
	}
	if a.lines == nil {
		s.lastBody = a.body
		s.lastRaw = string(a.body)
	} else {
		s.lastRaw = strings.Join(a.lines, "")
	}
	n := s.norm.at(s.norm.base)
	return func() string { return s.canonicalHTTP(n, alias, r, a) }
}

// canonicalHTTP renders an answer, normalised. Answers are rendered in step order, so that each
// /v2/stats/store read is compared with the member's previous one.
func (s *side) canonicalHTTP(n *normalizer, alias string, r *httpRequest, a *httpAnswer) string {
	if a.err != nil && a.status == 0 {
		return "request failed: " + n.text(a.err.Error()) + "\n"
	}
	out := canonicalHeaders(n, a)
	ctx := s.bodyContext(alias, r)
	if a.lines != nil {
		for _, line := range a.lines {
			out += canonicalBody(n, ctx, []byte(line))
		}
	} else {
		out += canonicalBody(n, ctx, a.body)
	}
	if ctx.newStore != nil {
		s.store[alias] = ctx.newStore
	}
	if a.err != nil {
		out += "reading the body failed: " + n.text(a.err.Error()) + "\n"
	}
	return out
}

// runHTTP runs one HTTP step.
func (s *side) runHTTP(ctx context.Context, st *step) (func() string, error) {
	r, err := s.resolve(st.http)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	if st.member != "L" && r.method == http.MethodGet && r.target == "/v2/stats/store" {
		if err := s.awaitApplied(ctx, s.members[st.member]); err != nil {
			return nil, err
		}
	}
	a, err := s.do(ctx, s.members[st.member], r)
	if err != nil {
		return nil, err
	}
	return s.answered(st.member, r, a), nil
}

// awaitApplied waits until follower m has applied every write the leader has: until its store
// counters of writes (which every member counts as it applies) equal the leader's. Reading them
// counts nothing, so the follower's counters can then be compared without a race against its
// apply loop.
func (s *side) awaitApplied(ctx context.Context, m *realproc.Member) error {
	read := func(m *realproc.Member) (map[string]int64, error) {
		a, err := s.do(ctx, m, &httpRequest{method: http.MethodGet, target: "/v2/stats/store"})
		if err != nil {
			return nil, err
		}
		if a.err != nil {
			return nil, a.err
		}
		v, err := parseJSON(a.body)
		if err != nil {
			return nil, fmt.Errorf("%s /v2/stats/store: %w", m.Name, err)
		}
		counters := storeCounters(v)
		for _, local := range []string{"getsSuccess", "getsFail", "watchers"} {
			delete(counters, local)
		}
		return counters, nil
	}
	want, err := read(s.members["L"])
	if err != nil {
		return err
	}
	for {
		got, err := read(m)
		if err != nil {
			return err
		}
		if maps.Equal(got, want) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s did not apply the leader's writes: %v, leader %v", m.Name, got, want)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// runRepeat sends the same request count times, 16 at a time, and tallies the answers.
func (s *side) runRepeat(ctx context.Context, st *step) (func() string, error) {
	r, err := s.resolve(st.inner.http)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 4*stepTimeout)
	defer cancel()
	answers := make([]*httpAnswer, st.count)
	next := make(chan int)
	done := make(chan error, repeatWorkers)
	for range repeatWorkers {
		go func() {
			for i := range next {
				a, err := s.do(ctx, s.members[st.member], r)
				if err != nil {
					done <- err
					for range next { // drain
					}
					return
				}
				answers[i] = a
			}
			done <- nil
		}()
	}
	for i := range st.count {
		next <- i
	}
	close(next)
	for range repeatWorkers {
		if err := <-done; err != nil {
			return nil, fmt.Errorf("repeat: %w", err)
		}
	}
	out := tally(answers)
	return func() string { return out }, nil
}

const repeatWorkers = 16

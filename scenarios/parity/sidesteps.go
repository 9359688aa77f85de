package parity

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// run runs one step; compared steps return the rendering of their answer, called once the
// sequence has ended.
func (s *side) run(ctx context.Context, st *step) (func() string, error) {
	switch st.kind {
	case stepHTTP:
		return s.runHTTP(ctx, st)
	case stepCtl:
		return s.runCtl(ctx, st)
	case stepRepeat:
		return s.runRepeat(ctx, st)
	case stepCollect:
		return s.collect(st)
	}
	return nil, s.runUncompared(ctx, st)
}

// runUncompared runs a step that yields no answer.
func (s *side) runUncompared(ctx context.Context, st *step) error {
	switch st.kind {
	case stepBg:
		return s.startBackground(ctx, st)
	case stepSleep:
		return sleep(ctx, st.dur)
	case stepUptime:
		return sleep(ctx, time.Until(s.started.Add(st.dur)))
	case stepUntilGone:
		return s.untilGone(ctx, st.key)
	case stepSave:
		return s.save(st.name, st.field)
	case stepMatch:
		return s.match(st.name, st.pattern)
	case stepRebase:
		return s.rebase(ctx)
	case stepQuiet:
		_, err := s.runHTTP(ctx, st.inner)
		return err
	}
	return fmt.Errorf("unknown step kind %d", st.kind)
}

// sleep waits for d or ctx.
func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-time.After(d):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// match keeps the first group of pattern in the previous answer as it came (an HTTP body, or a
// run's stdout and stderr) in a variable, as save does.
func (s *side) match(name string, pattern *regexp.Regexp) error {
	m := pattern.FindStringSubmatch(s.lastRaw)
	if len(m) < 2 {
		return fmt.Errorf("match %s: %s not found in %q", name, pattern, s.lastRaw)
	}
	s.keep(name, m[1])
	return nil
}

// untilGoneTimeout bounds the wait for a TTL to expire.
const untilGoneTimeout = 20 * time.Second

// untilGone polls the key on F2 until it is not found at an index above any this side answered
// before (so F2 has applied the writes before and the expiry, and is not merely behind): a TTL
// expired on this cluster. The leader applies before the followers learn of the commit, so the
// next step sees the expiry on L too. F2 is never the member whose /v2/stats/store a case reads,
// so the polls (gets) do not show there.
func (s *side) untilGone(ctx context.Context, key string) error {
	key, err := s.expand(key)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, untilGoneTimeout)
	defer cancel()
	for {
		a, err := s.do(ctx, s.members["F2"], &httpRequest{method: http.MethodGet, target: "/v2/keys" + key})
		if err != nil {
			return err
		}
		idx, _ := strconv.ParseUint(a.header.Get("X-Etcd-Index"), 10, 64)
		if a.err == nil && a.status == http.StatusNotFound && idx > s.seenIndex {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("until-gone %s: still there after %v", key, untilGoneTimeout)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// save keeps a field of the previous HTTP answer's JSON body in a variable; later steps use it
// as {{$name}} and the normaliser shows it as <$name>.
func (s *side) save(name, field string) error {
	v, err := parseJSON(s.lastBody)
	if err != nil {
		return fmt.Errorf("save %s: the previous answer is not JSON: %w", name, err)
	}
	for _, part := range strings.Split(strings.TrimPrefix(field, "."), ".") {
		if i, convErr := strconv.Atoi(part); convErr == nil && v.kind == jArray {
			if i < 0 || i >= len(v.items) {
				return fmt.Errorf("save %s: %s: index %d out of range", name, field, i)
			}
			v = v.items[i]
			continue
		}
		if v = v.get(part); v == nil {
			return fmt.Errorf("save %s: the previous answer has no %s: %s", name, field, s.lastBody)
		}
	}
	if v.kind == jObject || v.kind == jArray {
		return fmt.Errorf("save %s: %s is not a scalar", name, field)
	}
	s.keep(name, v.scalar)
	return nil
}

// keep sets a variable and has the normaliser show its value as <$name>, unless the value is a
// number: an index, which the normaliser already shows relative to the file's start, and whose
// digits would otherwise be rewritten wherever they appear (in a timestamp, another index).
func (s *side) keep(name, value string) {
	s.vars[name] = value
	if _, err := strconv.ParseUint(value, 10, 64); err != nil {
		s.norm.addToken(value, "<$"+name+">")
	}
}

package parity

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/raftlab/raftlab/scenarios/realproc"
)

// side is one of the two clusters under comparison with the command-line client that goes with
// it (etcd with etcdctl, kvd with kvctl), and its state within the running sequence.
type side struct {
	label   string // "etcd" or "kvd"
	cluster *realproc.Cluster
	ctl     string // the etcdctl or kvctl binary
	client  *http.Client
	started time.Time // when the cluster was ready

	// Per sequence.
	members  map[string]*realproc.Member // by alias: L, F1, F2
	ids      map[string]uint64           // member ID by alias
	norm     *normalizer
	vars     map[string]string
	lastBody []byte // the previous compared HTTP answer's body, for save
	// lastRaw is the previous compared answer as it came (a body, or stdout and stderr), for match.
	lastRaw string
	// seenIndex is the highest X-Etcd-Index of this side's answers, for until-gone.
	seenIndex uint64
	store     map[string]map[string]int64 // the previous /v2/stats/store counters by alias
	bg        map[string]*background
}

func newSide(label string, c *realproc.Cluster, ctl string) *side {
	return &side{label: label, cluster: c, ctl: ctl, started: time.Now(), client: &http.Client{
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport:     &http.Transport{MaxIdleConnsPerHost: 4},
	}}
}

// prepare finds the leader, names the members by role and reads the index the sequence starts at.
func (s *side) prepare(ctx context.Context) error {
	leader, err := s.cluster.Leader(ctx)
	if err != nil {
		return err
	}
	var followers []*realproc.Member
	for _, m := range s.cluster.Members() {
		if m != leader {
			followers = append(followers, m)
		}
	}
	sort.Slice(followers, func(i, j int) bool { return followers[i].Name < followers[j].Name })
	if len(followers) != 2 {
		return fmt.Errorf("%s: want 3 members, have %d", s.label, len(followers)+1)
	}
	s.members = map[string]*realproc.Member{"L": leader, "F1": followers[0], "F2": followers[1]}
	s.ids = map[string]uint64{}
	s.norm = newNormalizer()
	for alias, m := range s.members {
		self, err := realproc.Self(ctx, m)
		if err != nil {
			return err
		}
		s.ids[alias] = self.ID
		s.norm.addToken(m.ClientURL, "<client:"+alias+">")
		s.norm.addToken(strings.TrimPrefix(m.ClientURL, "http://"), "<client-addr:"+alias+">")
		s.norm.addToken(m.PeerURL, "<peer:"+alias+">")
		s.norm.addToken(strings.TrimPrefix(m.PeerURL, "http://"), "<peer-addr:"+alias+">")
		s.norm.addToken(strconv.FormatUint(self.ID, 16), "<id:"+alias+">")
		s.norm.addToken(m.Name, "<name:"+alias+">")
	}
	s.vars, s.lastBody, s.lastRaw, s.seenIndex = map[string]string{}, nil, "", 0
	s.store, s.bg = map[string]map[string]int64{}, map[string]*background{}
	return s.rebase(ctx)
}

// rebase makes indexes count from the current one: at the start of a sequence, and after a
// deliberate difference that wrote on one side only.
func (s *side) rebase(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	resp, err := s.do(ctx, s.members["L"], &httpRequest{method: http.MethodGet, target: "/v2/keys/"})
	if err != nil {
		return err
	}
	if resp.err != nil {
		return fmt.Errorf("%s: read the root: %w", s.label, resp.err)
	}
	s.norm.base, err = strconv.ParseUint(resp.header.Get("X-Etcd-Index"), 10, 64)
	if err != nil {
		return fmt.Errorf("%s: X-Etcd-Index of the root: %w", s.label, err)
	}
	return nil
}

// finish stops what the sequence left running in the background.
func (s *side) finish() {
	for _, b := range s.bg {
		b.stop()
	}
}

var reTemplate = regexp.MustCompile(`\{\{([^{}]+)\}\}`)

// expand fills in the templates of a step: {{N}} (the index N after the sequence's start),
// {{id:A}}, {{client:A}}, {{peer:A}}, {{name:A}} for the member of alias A, {{$var}}, and
// {{repeat:TEXT:COUNT}} (TEXT COUNT times, for large bodies and long keys).
func (s *side) expand(text string) (string, error) {
	var err error
	out := reTemplate.ReplaceAllStringFunc(text, func(m string) string {
		t := reTemplate.FindStringSubmatch(m)[1]
		if d, convErr := strconv.ParseInt(t, 10, 64); convErr == nil {
			return strconv.FormatInt(int64(s.norm.base)+d, 10)
		}
		if v, ok := strings.CutPrefix(t, "$"); ok {
			if val, found := s.vars[v]; found {
				return val
			}
			err = fmt.Errorf("no variable %q saved", v)
			return m
		}
		kind, alias, _ := strings.Cut(t, ":")
		if kind == "repeat" {
			text, count, _ := strings.Cut(alias, ":")
			n, convErr := strconv.Atoi(count)
			if convErr != nil || n < 0 {
				err = fmt.Errorf("template %s: want {{repeat:TEXT:COUNT}}", m)
				return m
			}
			return strings.Repeat(text, n)
		}
		mem := s.members[alias]
		if mem == nil {
			err = fmt.Errorf("template %s: unknown member %q", m, alias)
			return m
		}
		switch kind {
		case "id":
			return strconv.FormatUint(s.ids[alias], 16)
		case "client":
			return mem.ClientURL
		case "peer":
			return mem.PeerURL
		case "name":
			return mem.Name
		}
		err = fmt.Errorf("unknown template %s", m)
		return m
	})
	return out, err
}

// expandAll expands every string.
func (s *side) expandAll(in []string) ([]string, error) {
	out := make([]string, len(in))
	for i, t := range in {
		var err error
		if out[i], err = s.expand(t); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// stepTimeout bounds one request or run; collectTimeout bounds waiting for a background step.
const (
	stepTimeout    = 15 * time.Second
	collectTimeout = 10 * time.Second
)

package realproc

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config describes a cluster to start.
type Config struct {
	// Binary is the server executable: kvd, or etcd from scenarios/etcdref.
	Binary string
	// Flavor says which one it is.
	Flavor Flavor
	// Dir holds every member's data directory (NAME.etcd) and log (NAME.log). It must exist.
	Dir string
	// Names are the members, in order (default infra1, infra2, infra3).
	Names []string
	// Token is --initial-cluster-token (default "etcd-cluster", etcd's own default).
	Token string
	// Heartbeat and Election are --heartbeat-interval and --election-timeout (default 100ms and
	// 1s, etcd's defaults).
	Heartbeat, Election time.Duration
	// Args are extra flags for every member.
	Args []string
	// Env is added to every member's environment (GOMEMLIMIT, say).
	Env []string
	// StartTimeout bounds how long Start waits for the members to be ready (default 30s).
	StartTimeout time.Duration
}

// withDefaults fills in the zero fields.
func (cfg Config) withDefaults() Config {
	if len(cfg.Names) == 0 {
		cfg.Names = []string{"infra1", "infra2", "infra3"}
	}
	if cfg.Token == "" {
		cfg.Token = "etcd-cluster"
	}
	if cfg.Heartbeat == 0 {
		cfg.Heartbeat = 100 * time.Millisecond
	}
	if cfg.Election == 0 {
		cfg.Election = time.Second
	}
	if cfg.StartTimeout == 0 {
		cfg.StartTimeout = 30 * time.Second
	}
	return cfg
}

// Cluster is a running set of member processes, bootstrapped statically.
type Cluster struct {
	cfg     Config
	members []*Member
	initial string
}

// startAttempts is how many sets of ports Start tries: a port found free may be taken by another
// process before the member binds it.
const startAttempts = 3

// Start starts every member with etcd's static bootstrap flags and returns once all are ready
// (see WaitReady). On failure it kills what it started and says where the logs are.
func Start(ctx context.Context, cfg Config) (*Cluster, error) {
	cfg = cfg.withDefaults()
	if _, err := flavorArgs(cfg.Flavor); err != nil {
		return nil, err
	}
	for attempt := 1; ; attempt++ {
		c, err := newCluster(cfg)
		if err != nil {
			return nil, err
		}
		if err = c.startAll(ctx); err == nil {
			return c, nil
		}
		_ = c.Close()
		if attempt == startAttempts || !c.lostAPort() {
			return nil, err
		}
		if err := c.removeFiles(); err != nil {
			return nil, err
		}
	}
}

// newCluster picks every member's ports and paths.
func newCluster(cfg Config) (*Cluster, error) {
	c := &Cluster{cfg: cfg}
	var initial []string
	seen := map[string]bool{}
	for _, name := range cfg.Names {
		if seen[name] {
			return nil, fmt.Errorf("realproc: member %s named twice", name)
		}
		seen[name] = true
		peer, err := FreeAddr()
		if err != nil {
			return nil, err
		}
		client, err := FreeAddr()
		if err != nil {
			return nil, err
		}
		m := &Member{Name: name, ClientURL: "http://" + client, PeerURL: "http://" + peer,
			PeerListen: "http://" + peer, DataDir: filepath.Join(cfg.Dir, name+".etcd"),
			LogPath: filepath.Join(cfg.Dir, name+".log")}
		c.members = append(c.members, m)
		initial = append(initial, name+"="+m.PeerURL)
	}
	c.initial = strings.Join(initial, ",")
	return c, nil
}

func (c *Cluster) startAll(ctx context.Context) error {
	for _, m := range c.members {
		if err := m.start(c.cfg.Binary, c.args(m), c.cfg.Env); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.StartTimeout)
	defer cancel()
	return c.WaitReady(ctx)
}

// args are the flags of member m. A restart uses the same flags: with a data directory that
// holds a WAL, both kvd and etcd ignore the bootstrap flags and recover.
func (c *Cluster) args(m *Member) []string {
	args := []string{"--name", m.Name, "--data-dir", m.DataDir,
		"--listen-peer-urls", m.PeerListen, "--initial-advertise-peer-urls", m.PeerURL,
		"--listen-client-urls", m.ClientURL, "--advertise-client-urls", m.ClientURL,
		"--initial-cluster", c.initial, "--initial-cluster-token", c.cfg.Token, "--initial-cluster-state", "new",
		"--heartbeat-interval", strconv.FormatInt(c.cfg.Heartbeat.Milliseconds(), 10),
		"--election-timeout", strconv.FormatInt(c.cfg.Election.Milliseconds(), 10)}
	extra, _ := flavorArgs(c.cfg.Flavor) // checked by Start
	return append(append(args, extra...), c.cfg.Args...)
}

// lostAPort reports whether a member that exited could not bind its address.
func (c *Cluster) lostAPort() bool {
	for _, m := range c.members {
		if m.State() == Down && strings.Contains(m.Log(), "address already in use") {
			return true
		}
	}
	return false
}

// removeFiles deletes the members' data directories and logs after a failed start.
func (c *Cluster) removeFiles() error {
	for _, m := range c.members {
		if err := os.RemoveAll(m.DataDir); err != nil {
			return fmt.Errorf("realproc: clean up after a failed start: %w", err)
		}
		if err := os.Remove(m.LogPath); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("realproc: clean up after a failed start: %w", err)
		}
	}
	return nil
}

// Flavor is the kind of binary the cluster runs.
func (c *Cluster) Flavor() Flavor { return c.cfg.Flavor }

// Members are the members in the order of Config.Names.
func (c *Cluster) Members() []*Member { return append([]*Member(nil), c.members...) }

// Member is the member with that name, or nil.
func (c *Cluster) Member(name string) *Member {
	for _, m := range c.members {
		if m.Name == name {
			return m
		}
	}
	return nil
}

// ClientURLs are every member's client URL, in member order.
func (c *Cluster) ClientURLs() []string {
	out := make([]string, len(c.members))
	for i, m := range c.members {
		out[i] = m.ClientURL
	}
	return out
}

func (c *Cluster) member(name string) (*Member, error) {
	if m := c.Member(name); m != nil {
		return m, nil
	}
	return nil, fmt.Errorf("realproc: no member %q", name)
}

// Kill kills a member with SIGKILL (kill -9) and waits until it is gone.
func (c *Cluster) Kill(name string) error {
	m, err := c.member(name)
	if err != nil {
		return err
	}
	return m.kill()
}

// stopGrace is how long Stop waits for a clean exit before it kills.
const stopGrace = 10 * time.Second

// Stop asks a member to exit with SIGTERM and waits for it (killing it after 10s).
func (c *Cluster) Stop(name string) error {
	m, err := c.member(name)
	if err != nil {
		return err
	}
	return m.stop(stopGrace)
}

// Restart starts a member that is down again, from its data directory, with the flags it was
// first started with. It does not wait: call WaitReady.
func (c *Cluster) Restart(name string) error {
	m, err := c.member(name)
	if err != nil {
		return err
	}
	if m.State() != Down {
		return fmt.Errorf("realproc: %s is running", name)
	}
	return m.start(c.cfg.Binary, c.args(m), c.cfg.Env)
}

// Close kills every member that still runs. The files stay for the caller to inspect or remove.
func (c *Cluster) Close() error {
	var errs []error
	for _, m := range c.members {
		if m.State() == Running {
			errs = append(errs, m.kill())
		}
	}
	return errors.Join(errs...)
}

// Logs is the last n bytes of every member's log, for a failure message.
func (c *Cluster) Logs(n int) string {
	var b strings.Builder
	for _, m := range c.members {
		log := m.Log()
		if len(log) > n {
			log = "…" + log[len(log)-n:]
		}
		fmt.Fprintf(&b, "--- %s %s (%s) ---\n%s\n", c.cfg.Flavor, m.Name, m.LogPath, log)
	}
	return b.String()
}

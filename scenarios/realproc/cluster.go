package realproc

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
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
	// Args are extra flags for every member, after the others (so they override them).
	Args []string
	// Env is added to every member's environment (GOMEMLIMIT, say).
	Env []string
	// StartTimeout bounds how long Start waits for the members to be ready (default 30s).
	StartTimeout time.Duration
	// Proxies puts a fault-injecting proxy in front of every member's peer port (see Network):
	// the members advertise the proxies' addresses, so all their peer traffic passes through them.
	Proxies bool
	// Ports is where the members and their proxies listen (zero: DefaultPorts, shared with FreeAddr
	// so that no port is handed out twice in this process).
	Ports PortRange
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

// Cluster is a running set of member processes, bootstrapped statically, with the members added
// and removed at runtime since.
type Cluster struct {
	cfg     Config
	ports   *Ports   // hands out the members' and proxies' ports
	net     *Network // nil without Config.Proxies
	initial string

	mu      sync.Mutex // guards members and removed: AddMember grows them while samplers read them
	members []*Member
	removed map[string]bool
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
	ports := processPorts
	if cfg.Ports != (PortRange{}) {
		ports = NewPorts(cfg.Ports) // one record across the attempts: a port lost once is not tried again
	}
	for attempt := 1; ; attempt++ {
		c, err := newCluster(cfg, ports)
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

// newCluster picks every member's ports and paths, and starts the proxies.
func newCluster(cfg Config, ports *Ports) (*Cluster, error) {
	c := &Cluster{cfg: cfg, ports: ports}
	if cfg.Proxies {
		c.net = NewNetwork(IdentifyByProcess(c.pids))
		c.net.ports = ports
	}
	var initial []string
	for _, name := range cfg.Names {
		if c.Member(name) != nil {
			_ = c.Close()
			return nil, fmt.Errorf("realproc: member %s named twice", name)
		}
		m, err := c.newMember(name)
		if err != nil {
			_ = c.Close()
			return nil, err
		}
		c.members = append(c.members, m)
		initial = append(initial, name+"="+m.PeerURL)
	}
	c.initial = strings.Join(initial, ",")
	return c, nil
}

// newMember picks a member's ports and, with proxies, puts one in front of its peer port.
func (c *Cluster) newMember(name string) (*Member, error) {
	m, err := newMemberWith(c.ports, c.cfg.Dir, name)
	if err != nil {
		return nil, err
	}
	if c.net != nil {
		addr, err := c.net.AddProxy(name, strings.TrimPrefix(m.PeerListen, "http://"))
		if err != nil {
			return nil, err
		}
		m.PeerURL = "http://" + addr
	}
	return m, nil
}

// pids maps the PID of every member process to the member's name (for IdentifyByProcess).
func (c *Cluster) pids() map[int]string {
	out := map[int]string{}
	for _, m := range c.Members() {
		if pid := m.PID(); pid != 0 {
			out[pid] = m.Name
		}
	}
	return out
}

func (c *Cluster) startAll(ctx context.Context) error {
	for _, m := range c.Members() {
		if err := m.Start(c.cfg.Binary, c.args(m), c.cfg.Env); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.StartTimeout)
	defer cancel()
	return c.WaitReady(ctx)
}

// args are the flags of a member of the initial cluster. A restart uses the same flags: with a
// data directory that holds a WAL, both kvd and etcd ignore the bootstrap flags and recover.
func (c *Cluster) args(m *Member) []string {
	return c.memberArgs(m, "--initial-cluster", c.initial, "--initial-cluster-token", c.cfg.Token,
		"--initial-cluster-state", "new")
}

// memberArgs are the flags of a start of member m with the given bootstrap flags: its name, data
// directory and URLs, the cluster's timing, the flavor's flags, the bootstrap and Config.Args.
func (c *Cluster) memberArgs(m *Member, bootstrap ...string) []string {
	args := append(m.URLArgs(),
		"--heartbeat-interval", strconv.FormatInt(c.cfg.Heartbeat.Milliseconds(), 10),
		"--election-timeout", strconv.FormatInt(c.cfg.Election.Milliseconds(), 10))
	extra, _ := flavorArgs(c.cfg.Flavor) // checked by Start
	return append(append(append(args, extra...), bootstrap...), c.cfg.Args...)
}

// Initial is the --initial-cluster value the cluster was bootstrapped with.
func (c *Cluster) Initial() string { return c.initial }

// Token is the cluster's --initial-cluster-token.
func (c *Cluster) Token() string { return c.cfg.Token }

// Binary is the server executable the members run.
func (c *Cluster) Binary() string { return c.cfg.Binary }

// lostAPort reports whether a member that exited could not bind its address.
func (c *Cluster) lostAPort() bool {
	for _, m := range c.Members() {
		if m.State() == Down && strings.Contains(m.Log(), "address already in use") {
			return true
		}
	}
	return false
}

// removeFiles deletes the members' data directories and logs after a failed start.
func (c *Cluster) removeFiles() error {
	for _, m := range c.Members() {
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

// Network is the proxies between the members (nil unless Config.Proxies).
func (c *Cluster) Network() *Network { return c.net }

// Members are the members in the order they were started: Config.Names, then those added.
func (c *Cluster) Members() []*Member {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]*Member(nil), c.members...)
}

// Member is the member with that name, or nil.
func (c *Cluster) Member(name string) *Member {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, m := range c.members {
		if m.Name == name {
			return m
		}
	}
	return nil
}

// ClientURLs are every member's client URL, in member order.
func (c *Cluster) ClientURLs() []string {
	ms := c.Members()
	out := make([]string, len(ms))
	for i, m := range ms {
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
	return m.Kill()
}

// stopGrace is how long Stop waits for a clean exit before it kills.
const stopGrace = 10 * time.Second

// Stop asks a member to exit with SIGTERM and waits for it (killing it after 10s).
func (c *Cluster) Stop(name string) error {
	m, err := c.member(name)
	if err != nil {
		return err
	}
	return m.Stop(stopGrace)
}

// Restart starts a member that is down again, from its data directory, with the flags it was
// first started with. It does not wait: call WaitReady.
func (c *Cluster) Restart(name string) error {
	m, err := c.member(name)
	if err != nil {
		return err
	}
	return m.Restart()
}

// Pause freezes a member with SIGSTOP.
func (c *Cluster) Pause(name string) error {
	m, err := c.member(name)
	if err != nil {
		return err
	}
	return m.Pause()
}

// Resume unfreezes a paused member with SIGCONT.
func (c *Cluster) Resume(name string) error {
	m, err := c.member(name)
	if err != nil {
		return err
	}
	return m.Resume()
}

// Close kills every member that still runs (paused ones too) and closes the proxies. The files
// stay for the caller to inspect or remove.
func (c *Cluster) Close() error {
	var errs []error
	for _, m := range c.Members() {
		if m.State() != Down {
			errs = append(errs, m.Kill())
		}
	}
	if c.net != nil {
		errs = append(errs, c.net.Close())
	}
	return errors.Join(errs...)
}

// Logs is the last n bytes of every member's log, for a failure message.
func (c *Cluster) Logs(n int) string {
	var b strings.Builder
	for _, m := range c.Members() {
		log := m.Log()
		if len(log) > n {
			log = "…" + log[len(log)-n:]
		}
		fmt.Fprintf(&b, "--- %s %s (%s) ---\n%s\n", c.cfg.Flavor, m.Name, m.LogPath, log)
	}
	return b.String()
}

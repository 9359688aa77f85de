package realcluster

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/raftlab/raftlab/core/server"
)

// Config describes a cluster to start.
type Config struct {
	// Binary is the kvd executable.
	Binary string
	// Dir holds every member's data directory (NAME.etcd) and log (NAME.log).
	Dir string
	// Names are the members, in order.
	Names []string
	// Heartbeat and Election are kvd's --heartbeat-interval and --election-timeout.
	Heartbeat, Election time.Duration
	// StartTimeout bounds how long Start waits for every member to answer (default 20s).
	StartTimeout time.Duration
	// Ports is where the members and their proxies listen (zero: DefaultPorts).
	Ports PortRange
}

// Cluster is a running set of kvd processes behind a Network of proxies.
type Cluster struct {
	cfg     Config
	net     *Network
	procs   map[string]*process
	initial string
}

// Start starts every member with every peer link cut, so that no election can happen before the
// caller opens the links (Network().HealCuts or Restore): the caller decides who may win first.
// It returns once every member listens on its client port; a member answers only once it is ready
// (its publish committed), so not before links are opened.
func Start(cfg Config) (*Cluster, error) {
	if len(cfg.Names) == 0 {
		return nil, errors.New("realcluster: no members")
	}
	if cfg.StartTimeout == 0 {
		cfg.StartTimeout = 20 * time.Second
	}
	for attempt := 1; ; attempt++ {
		c := &Cluster{cfg: cfg, net: NewNetwork(), procs: map[string]*process{}}
		c.net.ports = newPorts(cfg.Ports.orDefault())
		err := c.start()
		if err == nil {
			return c, nil
		}
		_ = c.Close()
		if attempt == startAttempts || !c.lostAPort() {
			return nil, err
		}
		if err := c.cleanUpFailedStart(); err != nil {
			return nil, err
		}
	}
}

// startAttempts is how many sets of ports Start tries. Free ports are found by binding port 0 and
// letting go, so another process (an outgoing connection's ephemeral port, say) can take one before
// kvd binds it; the member then exits with "address already in use" and Start begins again.
const startAttempts = 3

// lostAPort reports whether a member that exited during start-up could not bind its address.
func (c *Cluster) lostAPort() bool {
	for _, p := range c.procs {
		if p.state() != StateDown {
			continue
		}
		if b, err := os.ReadFile(p.logPath); err == nil && strings.Contains(string(b), "address already in use") {
			return true
		}
	}
	return false
}

// cleanUpFailedStart deletes what a failed start left: the members' data directories and logs.
func (c *Cluster) cleanUpFailedStart() error {
	for _, p := range c.procs {
		if err := os.RemoveAll(p.dataDir); err != nil {
			return fmt.Errorf("realcluster: clean up after a failed start: %w", err)
		}
		if err := os.Remove(p.logPath); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("realcluster: clean up after a failed start: %w", err)
		}
	}
	return nil
}

func (c *Cluster) start() error {
	var initial []string
	for _, name := range c.cfg.Names {
		if _, dup := c.procs[name]; dup {
			return fmt.Errorf("realcluster: member %s named twice", name)
		}
		peer, err := c.net.ports.addr()
		if err != nil {
			return err
		}
		client, err := c.net.ports.addr()
		if err != nil {
			return err
		}
		proxyAddr, err := c.net.AddProxy(name, peer)
		if err != nil {
			return err
		}
		c.procs[name] = &process{name: name, dataDir: filepath.Join(c.cfg.Dir, name+".etcd"),
			logPath: filepath.Join(c.cfg.Dir, name+".log"), clientURL: "http://" + client,
			peerListen: peer, proxyAddr: proxyAddr}
		initial = append(initial, name+"=http://"+proxyAddr)
	}
	c.initial = strings.Join(initial, ",")
	for _, from := range c.cfg.Names {
		for _, to := range c.cfg.Names {
			if from != to {
				c.net.SetCut(from, to, true)
			}
		}
	}
	// The member IDs follow from the advertised peer URLs and the token, as kvd computes them: the
	// proxies know them before any member can talk, so the cuts hold from the first message on.
	ids := map[uint64]string{}
	for _, name := range c.cfg.Names {
		ids[server.MemberID([]string{"http://" + c.procs[name].proxyAddr}, clusterToken)] = name
	}
	c.net.SetMemberIDs(ids)
	for _, name := range c.cfg.Names {
		if err := c.procs[name].start(c.cfg.Binary, c.args(c.procs[name])); err != nil {
			return err
		}
	}
	deadline := time.Now().Add(c.cfg.StartTimeout)
	for _, name := range c.cfg.Names {
		if err := c.waitListening(name, deadline); err != nil {
			return err
		}
	}
	return nil
}

// clusterToken is the --initial-cluster-token of every cluster Start makes.
const clusterToken = "labd-real"

// args are kvd's flags for member p; a restart uses the same flags (kvd then ignores the
// bootstrap flags and recovers from the data directory).
func (c *Cluster) args(p *process) []string {
	return []string{"--name", p.name, "--data-dir", p.dataDir,
		"--listen-peer-urls", "http://" + p.peerListen, "--initial-advertise-peer-urls", "http://" + p.proxyAddr,
		"--listen-client-urls", p.clientURL, "--advertise-client-urls", p.clientURL,
		"--initial-cluster", c.initial, "--initial-cluster-token", clusterToken, "--initial-cluster-state", "new",
		"--heartbeat-interval", strconv.FormatInt(c.cfg.Heartbeat.Milliseconds(), 10),
		"--election-timeout", strconv.FormatInt(c.cfg.Election.Milliseconds(), 10),
		"--log-format", "text"}
}

// waitListening waits until the member's client port accepts connections. A member answers
// nothing before it is ready (its publish committed), which needs links that Start leaves cut.
func (c *Cluster) waitListening(name string, deadline time.Time) error {
	p := c.procs[name]
	addr := strings.TrimPrefix(p.clientURL, "http://")
	var lastErr error
	for time.Now().Before(deadline) {
		if p.state() == StateDown {
			return fmt.Errorf("realcluster: %s exited during start-up (see %s)", name, p.logPath)
		}
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			return conn.Close()
		}
		lastErr = err
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("realcluster: %s did not listen within %v (see %s): %w", name, c.cfg.StartTimeout, p.logPath, lastErr)
}

// Network is the proxies between the members.
func (c *Cluster) Network() *Network { return c.net }

// Names are the members in order.
func (c *Cluster) Names() []string { return append([]string(nil), c.cfg.Names...) }

// ClientURL is a member's client URL (http://127.0.0.1:PORT).
func (c *Cluster) ClientURL(name string) string {
	if p, ok := c.procs[name]; ok {
		return p.clientURL
	}
	return ""
}

// LogPath is the file a member's stderr goes to.
func (c *Cluster) LogPath(name string) string {
	if p, ok := c.procs[name]; ok {
		return p.logPath
	}
	return ""
}

// State says whether a member runs, is paused or is down.
func (c *Cluster) State(name string) MemberState {
	if p, ok := c.procs[name]; ok {
		return p.state()
	}
	return StateDown
}

func (c *Cluster) proc(name string) (*process, error) {
	p, ok := c.procs[name]
	if !ok {
		return nil, fmt.Errorf("realcluster: no member %q", name)
	}
	return p, nil
}

// Kill kills a member with SIGKILL (kill -9) and waits until it is gone.
func (c *Cluster) Kill(name string) error {
	p, err := c.proc(name)
	if err != nil {
		return err
	}
	return p.kill()
}

// Restart starts a member that is down again, from its data directory.
func (c *Cluster) Restart(name string) error {
	p, err := c.proc(name)
	if err != nil {
		return err
	}
	if p.state() != StateDown {
		return fmt.Errorf("realcluster: %s is %s, not down", name, p.state())
	}
	return p.start(c.cfg.Binary, c.args(p))
}

// Pause freezes a member with SIGSTOP.
func (c *Cluster) Pause(name string) error {
	p, err := c.proc(name)
	if err != nil {
		return err
	}
	if err := p.signal(syscall.SIGSTOP, StateRunning, true); err != nil {
		return fmt.Errorf("realcluster: pause: %w", err)
	}
	return nil
}

// Resume unfreezes a paused member with SIGCONT.
func (c *Cluster) Resume(name string) error {
	p, err := c.proc(name)
	if err != nil {
		return err
	}
	if err := p.signal(syscall.SIGCONT, StatePaused, false); err != nil {
		return fmt.Errorf("realcluster: resume: %w", err)
	}
	return nil
}

// Close kills every member that still runs (paused ones too) and closes the proxies.
func (c *Cluster) Close() error {
	var errs []error
	for _, name := range c.cfg.Names {
		p, ok := c.procs[name]
		if !ok || p.state() == StateDown {
			continue
		}
		if err := p.kill(); err != nil {
			errs = append(errs, err)
		}
	}
	errs = append(errs, c.net.Close())
	return errors.Join(errs...)
}

package main

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"time"

	"github.com/raftlab/raftlab/cmd/labd/internal/realcluster"
	"github.com/raftlab/raftlab/scenarios/story"
)

// kvdPackage is what labd real builds when no --kvd binary is given.
const kvdPackage = "github.com/raftlab/raftlab/cmd/kvd"

// realOptions are the inputs of one real run.
type realOptions struct {
	// Kvd is the kvd binary ("" builds one from this module).
	Kvd string
	// DataDir holds the members' data and logs ("" uses a temporary directory, removed at the end).
	DataDir string
	// ClientTimeout bounds one client operation (0: realClientTimeout).
	ClientTimeout time.Duration
	// Ports is where the members and their proxies listen (zero: realcluster.DefaultPorts).
	Ports realcluster.PortRange
}

// cmdReal runs a story against real kvd processes and writes its report.
func cmdReal(args []string, stdout, stderr io.Writer) int {
	const synopsis = "labd real STORY [--out DIR] [--kvd BINARY] [--data DIR] [--client-timeout D] [--ports LOW-HIGH]"
	fs := newFlagSet("real", synopsis, stderr)
	out := fs.String("out", "", "report directory (default "+defaultRunsDir+"/STORY-real)")
	kvd := fs.String("kvd", "", "kvd binary (default: build ./cmd/kvd with the go tool)")
	data := fs.String("data", "", "keep the members' data directories and logs here (default: a temporary directory)")
	timeout := fs.Duration("client-timeout", 0, "how long a client waits for one operation (default one election timeout, at least 1s)")
	var ports portsFlag
	fs.Var(&ports, "ports", fmt.Sprintf("the 127.0.0.1 ports the members and their proxies listen on, LOW-HIGH (default %d-%d, below the ephemeral range)",
		realcluster.DefaultPorts.Low, realcluster.DefaultPorts.High))
	pos, err := parseArgs(fs, args, 1, 1)
	if err != nil {
		fmt.Fprintf(stderr, "labd real: %v\n", err)
		return exitUsage
	}
	src, err := loadStory(pos[0])
	if err != nil {
		fmt.Fprintf(stderr, "labd real: %v\n", err)
		return exitUsage
	}
	st, err := src.parse()
	if err != nil {
		fmt.Fprintf(stderr, "labd real: %v\n", err)
		return exitUsage
	}
	res, err := runReal(src, st, realOptions{Kvd: *kvd, DataDir: *data, ClientTimeout: *timeout,
		Ports: realcluster.PortRange{Low: ports.low, High: ports.high}}, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "labd real: %v\n", err)
		return exitFailed
	}
	dir := *out
	if dir == "" {
		dir = filepath.Join(defaultRunsDir, src.Name+"-real")
	}
	files, err := writeRealReport(dir, res.Run, res.History, src.Text)
	if err != nil {
		fmt.Fprintf(stderr, "labd real: %v\n", err)
		return exitFailed
	}
	fmt.Fprintln(stdout)
	fmt.Fprintln(stdout, skippedSummary(res.Skipped))
	fmt.Fprintf(stdout, "report:     %s\n", files.Index)
	fmt.Fprintf(stdout, "verdict:    %s\n", res.Run.Verdict.Summary)
	if !res.Passed {
		fmt.Fprintf(stderr, "labd real: story %s FAILED on real processes:\n", src.Name)
		for _, f := range res.Failures {
			fmt.Fprintf(stderr, "  %s\n", f)
		}
		return exitFailed
	}
	fmt.Fprintf(stdout, "story %s passed on real kvd processes (%d skipped)\n", src.Name, len(res.Skipped))
	return exitOK
}

// realReplayCommand is the command that runs the story against real processes again.
func realReplayCommand(src storySource) string {
	arg := src.Name
	if src.Path != "" {
		arg = src.Path
	}
	return fmt.Sprintf("%s real %s", labdCommand, shellQuote(arg))
}

// runReal starts the cluster, runs the story on it and stops it. The error is for a run that could
// not happen at all (no kvd, a member that would not start); failed expectations are in the result.
func runReal(src storySource, st *story.Story, opts realOptions, out io.Writer) (*realResult, error) {
	dataDir := opts.DataDir
	if dataDir == "" {
		tmp, err := os.MkdirTemp("", "labd-real-")
		if err != nil {
			return nil, fmt.Errorf("data dir: %w", err)
		}
		defer os.RemoveAll(tmp)
		dataDir = tmp
	} else if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	binary := opts.Kvd
	if binary == "" {
		var err error
		if binary, err = buildKvd(dataDir); err != nil {
			return nil, err
		}
	}
	c, err := realcluster.Start(realcluster.Config{Binary: binary, Dir: dataDir, Names: st.Nodes,
		Heartbeat: st.Heartbeat, Election: st.Election, Ports: opts.Ports})
	if err != nil {
		return nil, fmt.Errorf("start cluster: %w", err)
	}
	timeout := opts.ClientTimeout
	if timeout <= 0 {
		timeout = realClientTimeout(st)
	}
	x := &realExecutor{st: st, src: src, c: c, out: out, start: time.Now(),
		rng: rand.New(rand.NewPCG(st.Seed, st.Seed^0x9e3779b97f4a7c15)), timeout: timeout,
		aliases: map[string]string{}, ops: map[string]*realOp{}, watches: map[string]*realWatch{}, pendingOpen: true}
	x.say(fmt.Sprintf("%s: %s against %d real kvd processes on 127.0.0.1 (heartbeat %s, election %s, data %s)",
		st.Name, st.Title, len(st.Nodes), st.Heartbeat, st.Election, dataDir))
	x.say(fmt.Sprintf("client timeout %s: kvd submits a waiting write again after a leader change, so a client still waiting when a partition heals can see its write commit late", timeout))
	x.sampler = startSampler(c, st.Nodes, x.start)
	x.run()
	samples := x.sampler.finish()
	if err := c.Close(); err != nil {
		x.event(fmt.Sprintf("stopping the cluster: %v", err))
	}
	hist := x.checked
	if hist == nil {
		hist = x.historyCopy()
	}
	res := &realResult{Failures: x.failures, Skipped: x.skipped, History: hist,
		Run: x.reportRun(samples, realReplayCommand(src))}
	if x.verdict != nil {
		res.Verdict = *x.verdict
	}
	res.Passed = len(res.Failures) == 0 && res.Verdict.Linearizable
	return res, nil
}

// realClientTimeout is how long one client operation may take by default: one election timeout,
// at least a second. The simulator's clients wait two election timeouts, but kvd (unlike the
// simulated node) submits every waiting request again after a leader change: a write cut off
// with a deposed leader is then committed once the partition heals if its client still waits,
// which a story (the slides' "wow") does not expect. A new leader takes at least one election
// timeout to be elected, so a client that waits one election timeout has given up by then.
func realClientTimeout(st *story.Story) time.Duration {
	return max(st.Election, time.Second)
}

// buildKvd builds kvd into dir with the go tool (labd real runs from the module, like go run).
func buildKvd(dir string) (string, error) {
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goTool); err != nil {
		if goTool, err = exec.LookPath("go"); err != nil {
			return "", errors.New("no go tool to build kvd: pass --kvd BINARY")
		}
	}
	bin := filepath.Join(dir, "kvd")
	cmd := exec.Command(goTool, "build", "-o", bin, kvdPackage)
	if outp, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build kvd (or pass --kvd BINARY): %w\n%s", err, outp)
	}
	return bin, nil
}

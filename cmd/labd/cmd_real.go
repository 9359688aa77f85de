package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/raftlab/raftlab/scenarios/etcdref"
	"github.com/raftlab/raftlab/scenarios/realproc"
	storyrun "github.com/raftlab/raftlab/scenarios/run"
)

// realSynopsis is labd real's usage line.
const realSynopsis = "labd real STORY [--server kvd|etcd] [--server-bin BINARY] [--out DIR] [--data DIR] [--client-timeout D] [--ports LOW-HIGH]"

// buildTimeout bounds building kvd or the reference etcd.
const buildTimeout = 10 * time.Minute

// cmdReal runs a story on real server processes (kvd, or the real etcd) and writes its report.
func cmdReal(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("real", realSynopsis, stderr)
	server := fs.String("server", "", "the server to run: kvd (built from this module) or etcd (the reference etcd "+etcdref.Version+")")
	bin := fs.String("server-bin", "", "the server binary to run (any server that takes etcd's flags; its kind is read from its --version)")
	out := fs.String("out", "", "report directory (default "+defaultRunsDir+"/STORY-real-SERVER)")
	data := fs.String("data", "", "keep the members' data directories and logs here (default: a temporary directory)")
	timeout := fs.Duration("client-timeout", 0, "how long a client waits for one operation (default one election timeout, at least 1s)")
	var ports portsFlag
	fs.Var(&ports, "ports", fmt.Sprintf("the 127.0.0.1 ports the members and their proxies listen on, LOW-HIGH (default %d-%d, below the ephemeral range)",
		realproc.DefaultPorts.Low, realproc.DefaultPorts.High))
	pos, err := parseArgs(fs, args, 1, 1)
	if err == nil && *server != "" && *server != string(realproc.Kvd) && *server != string(realproc.Etcd) {
		err = fmt.Errorf("%w: --server is kvd or etcd, not %q", errUsage, *server)
	}
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
	dataDir, cleanup, err := realDataDir(*data)
	if err != nil {
		fmt.Fprintf(stderr, "labd real: %v\n", err)
		return exitFailed
	}
	defer cleanup()
	binary, flavor, err := realServer(realproc.Flavor(*server), *bin, dataDir)
	if err != nil {
		fmt.Fprintf(stderr, "labd real: %v\n", err)
		return exitFailed
	}
	// Interrupted, the run stops its members at once rather than leave them running.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := storyrun.Real(st, storyrun.RealOptions{Binary: binary, Flavor: flavor, Dir: dataDir,
		ClientTimeout: *timeout, Ports: realproc.PortRange{Low: ports.low, High: ports.high}, Out: stdout, Context: ctx})
	if err != nil {
		fmt.Fprintf(stderr, "labd real: %v\n", err)
		return exitFailed
	}
	dir := *out
	if dir == "" {
		dir = filepath.Join(defaultRunsDir, src.Name+"-real-"+string(flavor))
	}
	replay := realReplayCommand(src, *server, *bin, ports.String())
	files, err := writeReport(dir, reportRun(res, string(src.Text), replay), res, src.Text)
	if err != nil {
		fmt.Fprintf(stderr, "labd real: %v\n", err)
		return exitFailed
	}
	fmt.Fprintln(stdout)
	printSkipped(stdout, res.Skipped)
	fmt.Fprintf(stdout, "report:     %s\n", files.Index)
	fmt.Fprintf(stdout, "verdict:    %s\n", reportVerdict(res.Verdict).Summary)
	fmt.Fprintf(stdout, "again:      %s\n", replay)
	if !res.Passed {
		fmt.Fprintf(stderr, "labd real: story %s FAILED on %s:\n", src.Name, res.Server)
		for _, f := range res.Failures {
			fmt.Fprintf(stderr, "  %s\n", f)
		}
		return exitFailed
	}
	fmt.Fprintf(stdout, "story %s passed on %s (%d skipped)\n", src.Name, res.Server, len(res.Skipped))
	return exitOK
}

// printSkipped lists what the run could not do or observe: never counted as passed.
func printSkipped(w io.Writer, skipped []string) {
	if len(skipped) == 0 {
		return
	}
	fmt.Fprintf(w, "skipped (%d, neither passed nor failed):\n", len(skipped))
	for _, s := range skipped {
		fmt.Fprintf(w, "  %s\n", s)
	}
}

// realDataDir is dir (created if needed), or a temporary directory that cleanup removes.
func realDataDir(dir string) (string, func(), error) {
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", nil, fmt.Errorf("data dir: %w", err)
		}
		return dir, func() {}, nil
	}
	tmp, err := os.MkdirTemp("", "labd-real-")
	if err != nil {
		return "", nil, fmt.Errorf("data dir: %w", err)
	}
	return tmp, func() { _ = os.RemoveAll(tmp) }, nil
}

// realServer is the binary to run and its flavor: --server-bin as given (its flavor from --server,
// else from its --version), the reference etcd for --server etcd, or kvd built from this module.
func realServer(server realproc.Flavor, bin, dir string) (string, realproc.Flavor, error) {
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	switch {
	case bin != "":
		if server == "" {
			server = flavorOf(ctx, bin)
		}
		return bin, server, nil
	case server == realproc.Etcd:
		ref, err := etcdref.Build(ctx)
		if err != nil {
			return "", "", err
		}
		return ref.Etcd, realproc.Etcd, nil
	}
	bins, err := realproc.BuildCommands(ctx, dir, false, "kvd")
	if err != nil {
		return "", "", fmt.Errorf("%w (or pass --server-bin BINARY)", err)
	}
	return bins[0], realproc.Kvd, nil
}

// flavorOf tells etcd from kvd by what `BINARY --version` prints ("etcd Version: 3.5.33").
func flavorOf(ctx context.Context, bin string) realproc.Flavor {
	out, _ := exec.CommandContext(ctx, bin, "--version").CombinedOutput()
	if strings.HasPrefix(string(out), "etcd Version:") {
		return realproc.Etcd
	}
	return realproc.Kvd
}

// realReplayCommand is the command that runs the story on the same server again.
func realReplayCommand(src storySource, server, bin, ports string) string {
	arg := src.Name
	if src.Path != "" {
		arg = src.Path
	}
	cmd := fmt.Sprintf("%s real %s", labdCommand, shellQuote(arg))
	if server != "" {
		cmd += " --server " + shellQuote(server)
	}
	if bin != "" {
		cmd += " --server-bin " + shellQuote(bin)
	}
	if ports != "" {
		cmd += " --ports " + ports
	}
	return cmd
}

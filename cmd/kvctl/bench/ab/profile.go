package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/raftlab/raftlab/scenarios/realproc"
)

// The profile pass runs each PUT row once more per side, with a CPU profile of every member
// (etcd's --enable-pprof; kvd built with cmd/kvctl/bench/kvd_pprof.go.in) and, where perf is
// installed, a count of every member's system calls (perf stat on syscall tracepoints). Its figures
// are not in the table: profiling costs a little CPU.

// perfEvents are the counts taken on every member.
var perfEvents = []string{
	"raw_syscalls:sys_enter", "syscalls:sys_enter_fdatasync", "syscalls:sys_enter_fsync",
	"syscalls:sys_enter_write", "syscalls:sys_enter_writev", "syscalls:sys_enter_pwrite64",
	"syscalls:sys_enter_read", "syscalls:sys_enter_futex", "syscalls:sys_enter_epoll_pwait",
	"syscalls:sys_enter_nanosleep", "context-switches",
}

// buildPprofKvd builds kvd with the pprof listener overlay.
func buildPprofKvd(ctx context.Context, binDir string) (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", fmt.Errorf("cannot locate the pprof overlay")
	}
	here := filepath.Dir(file)
	root := filepath.Join(here, "..", "..", "..", "..")
	overlay := filepath.Join(binDir, "overlay.json")
	spec := fmt.Sprintf(`{"Replace":{%q:%q}}`, filepath.Join(root, "cmd", "kvd", "zz_bench_pprof.go"), filepath.Join(here, "..", "kvd_pprof.go.in"))
	if err := os.WriteFile(overlay, []byte(spec), 0o644); err != nil {
		return "", err
	}
	out := filepath.Join(binDir, "kvd-pprof")
	cmd := exec.CommandContext(ctx, "go", "build", "-overlay", overlay, "-o", out, "./cmd/kvd")
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build kvd with pprof: %w\n%s", err, b)
	}
	return out, nil
}

// profilePass profiles the PUT rows of o.rows once per side into o.profile.
func profilePass(ctx context.Context, o options, bins binaries, work string, stdout, progress io.Writer) error {
	var rows []row
	for _, r := range o.rows {
		if r.write {
			rows = append(rows, r)
		}
	}
	if len(rows) == 0 {
		return nil
	}
	if err := os.MkdirAll(o.profile, 0o755); err != nil {
		return err
	}
	addrDir, err := keepDir(work, "pprof-addr")
	if err != nil {
		return err
	}
	window := o.duration - time.Second // inside the load, whole seconds
	window -= window % time.Second
	_, perfErr := exec.LookPath("perf")
	var ms []measurement
	for _, flavor := range []realproc.Flavor{realproc.Etcd, realproc.Kvd} {
		t := trial{flavor: flavor, binary: bins.etcd, kvctl: bins.kvctl, dir: work, rows: rows, duration: o.duration,
			progress: progress, verbose: o.verbose}
		if flavor == realproc.Etcd {
			t.args, t.timerSlack = []string{"--enable-pprof"}, o.etcdTimerSlack
		} else {
			t.binary, t.env = bins.kvdPprof, []string{"KVD_PPROF_DIR=" + addrDir}
		}
		t.observe = func(ctx context.Context, c *realproc.Cluster, r row, leader int) func() {
			return observe(ctx, c, flavor, r, leader, window, o.profile, addrDir, perfErr == nil, progress)
		}
		fmt.Fprintf(progress, "profile pass: %s\n", flavor)
		got, err := t.runRows(ctx)
		if err != nil {
			return err
		}
		ms = append(ms, got...)
	}
	fmt.Fprintf(stdout, "\nProfiles in %s (go tool pprof -top FILE); %v windows inside each row.\n", o.profile, window)
	if perfErr == nil {
		printSyscalls(stdout, ms, o.profile, window)
	}
	return nil
}

// observe starts a CPU profile and a syscall count of every member for window and returns a
// function that waits for them.
func observe(ctx context.Context, c *realproc.Cluster, flavor realproc.Flavor, r row, leader int, window time.Duration,
	dir, addrDir string, perf bool, progress io.Writer) func() {
	var wg sync.WaitGroup
	for i, m := range c.Members() {
		base := filepath.Join(dir, fmt.Sprintf("%s-%s-%s", flavor, r.name, role(i, leader)))
		url := m.ClientURL
		if flavor == realproc.Kvd {
			addr, err := os.ReadFile(filepath.Join(addrDir, strconv.Itoa(m.PID())+".addr"))
			if err != nil {
				fmt.Fprintf(progress, "  no pprof address for %s: %v\n", m.Name, err)
				continue
			}
			url = "http://" + string(addr)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := fetch(ctx, fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", url, int(window.Seconds())), base+".pprof"); err != nil {
				fmt.Fprintf(progress, "  profile of %s: %v\n", m.Name, err)
			}
		}()
		if perf {
			wg.Add(1)
			go func() {
				defer wg.Done()
				cmd := exec.CommandContext(ctx, "perf", "stat", "-x,", "-o", base+".perfstat", "-e", strings.Join(perfEvents, ","),
					"-p", strconv.Itoa(m.PID()), "--", "sleep", strconv.Itoa(int(window.Seconds())))
				if b, err := cmd.CombinedOutput(); err != nil {
					fmt.Fprintf(progress, "  perf stat of %s: %v %s\n", m.Name, err, b)
				}
			}()
		}
	}
	return wg.Wait
}

// role names member i for file names: the leader, or a follower by index.
func role(i, leader int) string {
	if i == leader {
		return "leader"
	}
	return fmt.Sprintf("follower%d", i)
}

// fetch saves the body of a GET of url into path.
func fetch(ctx context.Context, url, path string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// parsePerfStat reads perf stat's CSV output (-x,): event name to count.
func parsePerfStat(r io.Reader) map[string]float64 {
	out := map[string]float64{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Split(sc.Text(), ",")
		if len(f) < 3 || strings.HasPrefix(f[0], "#") {
			continue
		}
		if n, err := strconv.ParseFloat(f[0], 64); err == nil {
			out[f[2]] = n
		}
	}
	return out
}

// printSyscalls prints each side's system calls per write, leader and followers apart.
func printSyscalls(w io.Writer, ms []measurement, dir string, window time.Duration) {
	fmt.Fprintln(w, "\nSystem calls per acknowledged write (perf stat over the window; leader / each follower):")
	fmt.Fprintln(w, "| side, row | all | fdatasync+fsync | write+writev+pwrite | read | futex | epoll_pwait | nanosleep | context switches |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|")
	for _, m := range ms {
		ops := m.OpsPerSecond * window.Seconds()
		cells := make([][]string, 8)
		for i := range m.MemberCPU {
			f, err := os.Open(filepath.Join(dir, fmt.Sprintf("%s-%s-%s.perfstat", m.Flavor, m.Row, role(i, m.Leader))))
			if err != nil {
				continue
			}
			c := parsePerfStat(f)
			_ = f.Close()
			// per is the count of events per write; a bare syscall name stands for its sys_enter tracepoint.
			per := func(events ...string) string {
				var n float64
				for _, e := range events {
					if !strings.Contains(e, ":") && e != "context-switches" {
						e = "syscalls:sys_enter_" + e
					}
					n += c[e]
				}
				return fmt.Sprintf("%.2f", n/ops)
			}
			vals := []string{per("raw_syscalls:sys_enter"), per("fdatasync", "fsync"), per("write", "writev", "pwrite64"),
				per("read"), per("futex"), per("epoll_pwait"), per("nanosleep"), per("context-switches")}
			if i == m.Leader {
				for j := range cells {
					cells[j] = append([]string{vals[j]}, cells[j]...)
				}
			} else {
				for j := range cells {
					cells[j] = append(cells[j], vals[j])
				}
			}
		}
		line := fmt.Sprintf("| %s %s |", m.Flavor, m.Row)
		for _, c := range cells {
			line += " " + strings.Join(c, " / ") + " |"
		}
		fmt.Fprintln(w, line)
	}
}

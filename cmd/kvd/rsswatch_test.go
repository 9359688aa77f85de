package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// rssWatch samples the resident memory of kvd processes and kills (kill -9, the whole process
// group) any that grows past its limit, so that a test of memory-hungry requests cannot take the
// machine down with it: the test then sees a dead member and fails.
type rssWatch struct {
	limit int64 // bytes
	mu    sync.Mutex
	pids  map[string]int   // name → current process
	peak  map[string]int64 // name → highest RSS seen, over every process of that name
	over  []string         // what was killed, and why
	stop  chan struct{}
	done  chan struct{}
}

// watchRSS starts a watchdog with the given limit in bytes; it stops at the end of the test.
func watchRSS(t *testing.T, limit int64) *rssWatch {
	w := &rssWatch{limit: limit, pids: map[string]int{}, peak: map[string]int64{},
		stop: make(chan struct{}), done: make(chan struct{})}
	go w.run()
	t.Cleanup(func() {
		close(w.stop)
		<-w.done
		for _, kill := range w.over {
			t.Errorf("memory watchdog: %s", kill)
		}
		if t.Failed() {
			for name, rss := range w.peak {
				t.Logf("memory watchdog: %s peaked at %d MiB RSS", name, rss>>20)
			}
		}
	})
	return w
}

// track watches m's current process (call it after every start).
func (w *rssWatch) track(m *member) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.pids[m.Name] = m.PID()
}

func (w *rssWatch) run() {
	defer close(w.done)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-w.stop:
			return
		case <-tick.C:
			w.sample()
		}
	}
}

func (w *rssWatch) sample() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for name, pid := range w.pids {
		rss, err := residentBytes(pid)
		if err != nil {
			continue // exited
		}
		w.peak[name] = max(w.peak[name], rss)
		if rss > w.limit {
			_ = syscall.Kill(-pid, syscall.SIGKILL)
			w.over = append(w.over, fmt.Sprintf("%s (pid %d) killed at %d MiB RSS", name, pid, rss>>20))
			delete(w.pids, name)
		}
	}
}

// report returns the peak RSS per member name and the kills.
func (w *rssWatch) report() (map[string]int64, []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	peak := make(map[string]int64, len(w.peak))
	for k, v := range w.peak {
		peak[k] = v
	}
	return peak, append([]string(nil), w.over...)
}

// residentBytes reads VmRSS from /proc/<pid>/status.
func residentBytes(pid int) (int64, error) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, err
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("pid %d: no VmRSS", pid)
}

package main

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWatchOnceFromHistory(t *testing.T) {
	h := newHarness(t)
	before := h.index(t)
	h.mustRun(t, "set", "/w/a", "1")
	h.mustRun(t, "mkdir", "/w/sub")
	h.mustRun(t, "set", "/w/b", "2")
	current := h.index(t)

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"a key", []string{"watch", "--after-index", fmt.Sprint(before), "/w/b"}, "2\n"},
		{"recursive prints action and key", []string{"watch", "-r", "--after-index", fmt.Sprint(before), "/w"}, "[set] /w/a\n1\n"},
		{"directory events are skipped", []string{"watch", "/w", "--recursive", "--after-index", fmt.Sprint(before + 1)}, "[set] /w/b\n2\n"},
		{"extended shows the registration index", []string{"-o", "extended", "watch", "--after-index", fmt.Sprint(before), "/w/a"},
			fmt.Sprintf("Key: /w/a\nCreated-Index: %d\nModified-Index: %d\nTTL: 0\nIndex: %d\n\n1\n", before+1, before+1, current)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, result{stdout: tt.want}, h.run(t, "", tt.args...))
		})
	}
	waits := h.requestsMatching("GET /v2/keys/w/b?")
	require.NotEmpty(t, waits)
	assert.Equal(t, fmt.Sprintf("GET /v2/keys/w/b?recursive=false&wait=true&waitIndex=%d", before+1), waits[0])
}

func TestWatchForeverResumesAfterEachEvent(t *testing.T) {
	h := newHarness(t)
	before := h.index(t)
	h.mustRun(t, "set", "/f", "one")
	h.mustRun(t, "set", "/f", "two")
	r := h.runUntil(t, "\n", 2, "watch", "--forever", "--after-index", fmt.Sprint(before), "/f")
	assert.Equal(t, 0, r.code)
	assert.Equal(t, "one\ntwo\n", r.stdout)
	waits := h.requestsMatching("GET /v2/keys/f?")
	require.GreaterOrEqual(t, len(waits), 2)
	for i, w := range waits[:2] {
		assert.True(t, strings.HasSuffix(w, fmt.Sprintf("waitIndex=%d", before+1+uint64(i))), w)
	}
}

func TestWatchLiveEventFromTheTalk(t *testing.T) {
	h := newHarness(t)
	ctx, cancel := context.WithTimeout(context.Background(), testWait)
	defer cancel()
	done := make(chan result, 1)
	go func() {
		var out, errOut bytes.Buffer
		code := runContext(ctx, []string{"--endpoints", h.srv.URL, "watch", "--recursive", "/web-service/backends"},
			strings.NewReader(""), &out, &errOut, h.getenv)
		done <- result{stdout: out.String(), stderr: errOut.String(), code: code}
	}()
	// The write must follow the watch's registration (its log entry comes earlier): a write in
	// between would be missed by this waitIndex-less watch, which would then wait forever.
	h.waitForWatches(t, 1, done)
	h.mustRun(t, "set", "/web-service/backends/b1", "10.0.0.1:8080")
	select {
	case r := <-done:
		assert.Equal(t, result{stdout: "[set] /web-service/backends/b1\n10.0.0.1:8080\n"}, r)
	case <-time.After(testWait):
		t.Fatal("the watch never printed the write")
	}
	assert.Contains(t, h.requestsMatching("GET /v2/keys/web-service/backends?"),
		"GET /v2/keys/web-service/backends?recursive=true&wait=true&waitIndex=0")
}

func TestExecWatch(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("needs sh")
	}
	h := newHarness(t)
	before := h.index(t)
	h.mustRun(t, "set", "/e/a", "va")
	h.mustRun(t, "mkdir", "/e/d")
	h.mustRun(t, "set", "/e/b", "vb")
	script := `echo "$ETCD_WATCH_ACTION $ETCD_WATCH_KEY $ETCD_WATCH_VALUE $ETCD_WATCH_MODIFIED_INDEX"`
	want := fmt.Sprintf("set /e/a va %d\nset /e/b vb %d\n", before+1, before+3)

	r := h.runUntil(t, "\n", 2, "exec-watch", "-r", "--after-index", fmt.Sprint(before-1), "/e", "--", "sh", "-c", script)
	assert.Equal(t, 0, r.code)
	assert.Equal(t, want, r.stdout)
	assert.Equal(t, "Ignored dir /e/d change\n", r.stderr)

	r = h.runUntil(t, "\n", 1, "exec-watch", "--after-index", fmt.Sprint(before), "sh", "-c", script, "/e/b")
	assert.Equal(t, fmt.Sprintf("set /e/b vb %d\n", before+3), r.stdout)
	waits := h.requestsMatching("GET /v2/keys/e/b?")
	require.NotEmpty(t, waits)
	assert.Equal(t, fmt.Sprintf("GET /v2/keys/e/b?recursive=false&wait=true&waitIndex=%d", before+1), waits[0],
		"etcdctl 3.5's exec-watch asks for after-index+1, as watch does (parity 16-ctl-watch.seq)")
}

func TestExecWatchBadArgs(t *testing.T) {
	h := newHarness(t)
	for _, args := range [][]string{{"exec-watch"}, {"exec-watch", "/k"}, {"exec-watch", "/k", "--"}} {
		r := h.run(t, "", args...)
		assert.Equal(t, result{stderr: "Error:  key and command to exec required\n", code: 128}, r, "%v", args)
	}
	assert.Empty(t, h.requests())
}

func TestExecWatchCommandThatCannotStart(t *testing.T) {
	h := newHarness(t)
	before := h.index(t)
	h.mustRun(t, "set", "/k", "v")
	r := h.run(t, "", "exec-watch", "--after-index", fmt.Sprint(before-1), "/k", "--", "/nonexistent/program")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "/nonexistent/program")
}

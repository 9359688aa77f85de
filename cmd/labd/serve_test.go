package main

import (
	"bytes"
	"context"
	"image/png"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/raftlab/raftlab/reports"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// get fetches path from the test server and returns its status and body.
func get(t *testing.T, base, path string) (int, string) {
	t.Helper()
	resp, err := http.Get(base + path)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(body)
}

// noRedirects is a client that shows redirects instead of following them.
func noRedirects() *http.Client {
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func TestServeListsStoriesAndSuites(t *testing.T) {
	ts := httptest.NewServer(newServer(t.TempDir()).handler())
	defer ts.Close()
	code, body := get(t, ts.URL, "/")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, "<code>much-wow-cool</code>")
	assert.Contains(t, body, `id="run-much-wow-cool"`)
	assert.Contains(t, body, "<code>register-partitions</code>")
	assert.Contains(t, body, `<option value="local-quorum-reads">`)
	assert.Contains(t, body, "No reports yet.")
	assert.NotContains(t, body, `http-equiv="refresh"`, "nothing running, no refresh")
}

func TestServeRunsAStoryAndServesItsReport(t *testing.T) {
	srv := newServer(t.TempDir())
	ts := httptest.NewServer(srv.handler())
	defer ts.Close()

	resp, err := noRedirects().PostForm(ts.URL+"/run", url.Values{"story": {"much-wow-cool"}, "seed": {"4"}})
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, "/", resp.Header.Get("Location"))
	job := resp.Header.Get("X-Labd-Job")
	require.Equal(t, "much-wow-cool-seed4", job)

	srv.board.wait()
	code, status := get(t, ts.URL, "/jobs/"+job)
	require.Equal(t, http.StatusOK, code)
	assert.True(t, strings.HasPrefix(status, jobPassed+"\ntrace "), status)

	code, report := get(t, ts.URL, "/runs/"+job+"/"+reports.IndexFile)
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, report, "RAFT - Log Replication")
	code, figure := get(t, ts.URL, "/runs/"+job+"/"+reports.FigureTimeline+".png")
	require.Equal(t, http.StatusOK, code)
	_, err = png.DecodeConfig(bytes.NewReader([]byte(figure)))
	require.NoError(t, err)

	_, page := get(t, ts.URL, "/")
	assert.Contains(t, page, `<a href="/runs/much-wow-cool-seed4/" class="report-link">`)
	assert.Contains(t, page, "much-wow-cool, seed 4: passed", "listed among past runs")
}

func TestServeRejectsBadRuns(t *testing.T) {
	srv := newServer(t.TempDir())
	ts := httptest.NewServer(srv.handler())
	defer ts.Close()
	cases := []struct {
		name string
		form url.Values
		want string
	}{
		{"path", url.Values{"story": {"../../etc/passwd.story"}}, "unknown story"},
		{"unknown story", url.Values{"story": {"nope"}}, "known stories"},
		{"bad seed", url.Values{"story": {"much-wow-cool"}, "seed": {"x"}}, "not a non-negative integer"},
		{"unknown bug", url.Values{"story": {"much-wow-cool"}, "bug": {"typo"}}, "known bugs"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, err := noRedirects().PostForm(ts.URL+"/run", c.form)
			require.NoError(t, err)
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			require.NoError(t, err)
			assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
			assert.Contains(t, string(body), c.want)
		})
	}
	assert.Empty(t, srv.board.list(), "nothing started")
	code, _ := get(t, ts.URL, "/jobs/nope")
	assert.Equal(t, http.StatusNotFound, code)
}

func TestServeDeduplicatesARunningJob(t *testing.T) {
	b := newJobBoard()
	release := make(chan struct{})
	var runs atomic.Int64
	b.run = func(string, storyJob) (string, string) {
		runs.Add(1)
		<-release
		return jobPassed, "done"
	}
	src, err := loadStory("much-wow-cool")
	require.NoError(t, err)
	dir := t.TempDir()
	now := time.Unix(100, 0)
	name, started := b.start(dir, storyJob{Source: src}, 1, now)
	require.True(t, started)
	assert.Equal(t, "much-wow-cool-seed1", name)
	same, again := b.start(dir, storyJob{Source: src}, 1, now)
	assert.False(t, again, "the same report directory is already being written")
	assert.Equal(t, name, same)
	other, started := b.start(dir, storyJob{Source: src, Bug: "local-quorum-reads"}, 1, now.Add(time.Second))
	assert.True(t, started)
	assert.Equal(t, "much-wow-cool-seed1-bug-local-quorum-reads", other)

	jobs := b.list()
	require.Len(t, jobs, 2)
	assert.Equal(t, other, jobs[0].Name, "newest first")
	assert.Equal(t, jobRunning, jobs[1].State)
	close(release)
	b.wait()
	assert.Equal(t, int64(2), runs.Load())
	j, ok := b.get(name)
	require.True(t, ok)
	assert.Equal(t, jobPassed, j.State)
	_, started = b.start(dir, storyJob{Source: src}, 1, now)
	assert.True(t, started, "a finished job may run again")
	b.wait()
}

func TestServeStopsWhenTheContextEnds(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- newServer(t.TempDir()).serve(ctx, ln) }()
	code, body := get(t, "http://"+ln.Addr().String(), "/")
	assert.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, "much-wow-cool")
	cancel()
	require.NoError(t, <-done)
}

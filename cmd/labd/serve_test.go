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

// requireRefused posts form to target and requires a 400 whose body says want.
func requireRefused(t *testing.T, target string, form url.Values, want string) {
	t.Helper()
	resp, err := noRedirects().PostForm(target, form)
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, string(body), want)
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
	assert.Equal(t, "/wait/much-wow-cool-seed4", resp.Header.Get("Location"), "the browser waits for the run")
	job := resp.Header.Get("X-Labd-Job")
	require.Equal(t, "much-wow-cool-seed4", job)

	srv.board.wait()
	resp, err = noRedirects().Get(ts.URL + "/wait/" + job)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, "/runs/much-wow-cool-seed4/", resp.Header.Get("Location"), "then lands on the run's report")
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
		t.Run(c.name, func(t *testing.T) { requireRefused(t, ts.URL+"/run", c.form, c.want) })
	}
	assert.Empty(t, srv.board.list(), "nothing started")
	code, _ := get(t, ts.URL, "/jobs/nope")
	assert.Equal(t, http.StatusNotFound, code)
}

func TestServeDeduplicatesARunningJob(t *testing.T) {
	b := newJobBoard()
	release := make(chan struct{})
	var runs atomic.Int64
	work := func(progress func(done, total int)) (string, string) {
		runs.Add(1)
		progress(1, 2)
		<-release
		return jobPassed, "done"
	}
	now := time.Unix(100, 0)
	require.True(t, b.start("much-wow-cool-seed1", kindStory, now, work))
	assert.False(t, b.start("much-wow-cool-seed1", kindStory, now, work), "the same report directory is already being written")
	require.True(t, b.start("sweep-register-partitions-1-2", kindSweep, now.Add(time.Second), work))

	jobs := b.list()
	require.Len(t, jobs, 2)
	assert.Equal(t, "sweep-register-partitions-1-2", jobs[0].Name, "newest first")
	assert.Equal(t, kindSweep, jobs[0].Kind)
	assert.Equal(t, jobRunning, jobs[1].State)
	close(release)
	b.wait()
	assert.Equal(t, int64(2), runs.Load())
	j, ok := b.get("much-wow-cool-seed1")
	require.True(t, ok)
	assert.Equal(t, jobPassed, j.State)
	assert.Equal(t, 1, j.Done, "progress is kept")
	assert.Equal(t, 2, j.Total)
	assert.True(t, b.start("much-wow-cool-seed1", kindStory, now, work), "a finished job may run again")
	b.wait()
}

// TestServeWaitsForARunningJob: while a job runs, its wait page refreshes itself and shows how far
// a sweep got; a job that could not run shows why.
func TestServeWaitsForARunningJob(t *testing.T) {
	srv := newServer(t.TempDir())
	release := make(chan struct{})
	srv.sweep = func(sweepJob) jobWork {
		return func(progress func(done, total int)) (string, string) {
			progress(3, 10)
			<-release
			return jobError, "disk full"
		}
	}
	ts := httptest.NewServer(srv.handler())
	defer ts.Close()
	resp, err := noRedirects().PostForm(ts.URL+"/sweep", url.Values{"suite": {"register-partitions"}, "seeds": {"1..10"}})
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	wait := resp.Header.Get("Location")
	assert.Equal(t, "/wait/sweep-register-partitions-1-10", wait)
	require.Eventually(t, func() bool {
		_, page := get(t, ts.URL, wait)
		return strings.Contains(page, "3 of 10 seeds")
	}, 10*time.Second, 10*time.Millisecond)
	_, page := get(t, ts.URL, wait)
	assert.Contains(t, page, `<meta http-equiv="refresh" content="1">`)
	close(release)
	srv.board.wait()
	code, page := get(t, ts.URL, wait)
	assert.Equal(t, http.StatusOK, code)
	assert.Contains(t, page, "disk full")
	assert.NotContains(t, page, "refresh")
	code, _ = get(t, ts.URL, "/wait/nothing-like-it")
	assert.Equal(t, http.StatusNotFound, code)
}

// TestServeSweepsASuite sweeps a suite from the page and lands on its sweep page.
func TestServeSweepsASuite(t *testing.T) {
	srv := newServer(t.TempDir())
	ts := httptest.NewServer(srv.handler())
	defer ts.Close()
	_, index := get(t, ts.URL, "/")
	assert.Contains(t, index, `id="sweep-register-partitions"`)
	assert.Contains(t, index, `<input type="text" name="seeds" value="1..`)

	resp, err := noRedirects().PostForm(ts.URL+"/sweep", url.Values{"suite": {"register-partitions"}, "seeds": {"1..2"}})
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	srv.board.wait()
	code, status := get(t, ts.URL, "/jobs/sweep-register-partitions-1-2")
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, jobPassed+"\n2 of 2 seeds passed\n", status)

	code, page := get(t, ts.URL, resp.Header.Get("Location")) // the client follows the redirect
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, page, `<div class="verdict pass" id="summary">2 of 2 seeds passed</div>`)
	assert.Contains(t, page, `<table class="totals" id="totals">`)
	_, index = get(t, ts.URL, "/")
	assert.Contains(t, index, "register-partitions, seeds 1..2: 0 of 2 runs failed", "listed among past runs")
}

func TestServeRejectsBadSweeps(t *testing.T) {
	srv := newServer(t.TempDir())
	ts := httptest.NewServer(srv.handler())
	defer ts.Close()
	for _, c := range []struct {
		name string
		form url.Values
		want string
	}{
		{"unknown suite", url.Values{"suite": {"register-partition"}}, `did you mean "register-partitions"`},
		{"bad seeds", url.Values{"suite": {"register-partitions"}, "seeds": {"5..1"}}, "greater than the last"},
		{"too many seeds", url.Values{"suite": {"register-partitions"}, "seeds": {"1..20000"}}, "labd sweep"},
	} {
		t.Run(c.name, func(t *testing.T) { requireRefused(t, ts.URL+"/sweep", c.form, c.want) })
	}
	assert.Empty(t, srv.board.list(), "nothing started")
}

func TestServeRendersCodeInDescriptions(t *testing.T) {
	ts := httptest.NewServer(newServer(t.TempDir()).handler())
	defer ts.Close()
	_, page := get(t, ts.URL, "/")
	assert.Contains(t, page, "<code>labd sweep chaos-standard --seeds 1..1000</code>")
	assert.NotContains(t, page, "`", "no literal backticks")
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

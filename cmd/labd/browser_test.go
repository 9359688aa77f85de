package main

import (
	"context"
	"html"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Test driver pages, served next to the real page so the browser's scripts may reach into it
// (same origin). Each loads a page of labd in an iframe, acts on it like a user, and writes what it
// saw into <pre id="out">, which --dump-dom prints. The page the driver lands on after a button is
// whatever the server sends the browser to: the wait page, refreshing itself, then the report.
const (
	// driverRunStory presses Run next to much-wow-cool and reads the report it lands on.
	driverRunStory = `<!DOCTYPE html><html><body><pre id="out">waiting</pre>
<iframe id="f" src="/" width="1200" height="900"></iframe>
<script>
let loads = 0;
const f = document.getElementById('f'), out = document.getElementById('out');
f.addEventListener('load', () => {
  loads++;
  const doc = f.contentDocument;
  if (loads === 1) {
    const button = doc.getElementById('run-much-wow-cool');
    if (!button) { out.textContent = 'no run button'; return; }
    out.textContent = 'clicked';
    button.click();
    return;
  }
  const path = f.contentWindow.location.pathname;
  if (!path.startsWith('/runs/')) { out.textContent = 'waiting at ' + path; return; }
  const imgs = Array.from(doc.images);
  Promise.all(imgs.map(i => i.complete ? null : new Promise(r => { i.onload = r; i.onerror = r; })))
    .then(() => {
      const home = doc.getElementById('home');
      out.textContent = 'landed on ' + path + '\n' +
        'title: ' + doc.title + '\n' +
        'outcome: ' + doc.getElementById('outcome').innerText.replace(/\s+/g, ' ') + '\n' +
        'home link shown: ' + (home && !home.hidden) + '\n' +
        imgs.map(i => 'figure ' + i.getAttribute('src') + ' ' + i.naturalWidth).join('\n');
    });
});
</script></body></html>`

	// driverSweepSuite presses Sweep next to register-partitions over seeds 1..3 and reads the sweep
	// page it lands on.
	driverSweepSuite = `<!DOCTYPE html><html><body><pre id="out">waiting</pre>
<iframe id="f" src="/" width="1200" height="900"></iframe>
<script>
let loads = 0;
const f = document.getElementById('f'), out = document.getElementById('out');
f.addEventListener('load', () => {
  loads++;
  const doc = f.contentDocument;
  if (loads === 1) {
    const button = doc.getElementById('sweep-register-partitions');
    if (!button) { out.textContent = 'no sweep button'; return; }
    button.form.elements['seeds'].value = '1..3';
    out.textContent = 'clicked';
    button.click();
    return;
  }
  const path = f.contentWindow.location.pathname;
  if (!path.startsWith('/runs/')) { out.textContent = 'waiting at ' + path; return; }
  out.textContent = 'landed on ' + path + '\n' +
    'summary: ' + doc.getElementById('summary').innerText + '\n' +
    'totals: ' + doc.getElementById('totals').innerText.replace(/\s+/g, ' ');
});
</script></body></html>`
)

// findChromium returns Debian's chromium, skipping the test when it is missing outside CI.
func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
		t.Fatal("chromium is not installed (CI must install it: apt-get install -y chromium)")
	}
	t.Skip("chromium is not installed")
	return ""
}

// chromium runs headless chromium with args and returns what it printed.
func chromium(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
		"--hide-scrollbars", "--user-data-dir=" + t.TempDir()}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	out, err := cmd.Output()
	require.NoError(t, err, "chromium %v", args)
	return out
}

// driverOutput loads a driver page in headless chromium and returns what its script wrote into
// <pre id="out"> once the page and its scripts ran (virtual time stands still while a request is
// open, so the runs the page starts have all the real time they need).
func driverOutput(t *testing.T, bin, url string) string {
	t.Helper()
	out := chromium(t, bin, "--virtual-time-budget=30000", "--dump-dom", url)
	m := regexp.MustCompile(`<pre id="out">([\s\S]*?)</pre>`).FindStringSubmatch(string(out))
	require.NotNil(t, m, "the driver page's output:\n%s", out)
	return html.UnescapeString(m[1])
}

// screenshotDir is where the browser tests keep their screenshots: $LABD_SCREENSHOTS, or the
// test's temporary directory.
func screenshotDir(t *testing.T) string {
	if dir := os.Getenv("LABD_SCREENSHOTS"); dir != "" {
		require.NoError(t, os.MkdirAll(dir, 0o755))
		return dir
	}
	return t.TempDir()
}

// screenshot saves a PNG of url, width x height pixels, as dir/name and checks it decodes.
func screenshot(t *testing.T, bin, url, dir, name string, width, height int) string {
	t.Helper()
	path := filepath.Join(dir, name)
	chromium(t, bin, "--window-size="+strconv.Itoa(width)+","+strconv.Itoa(height), "--virtual-time-budget=5000",
		"--screenshot="+path, url)
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	require.NoError(t, err)
	assert.Equal(t, width, cfg.Width, path)
	t.Logf("screenshot: %s", path)
	return path
}

// browserServer serves labd's page and the driver pages on one origin.
func browserServer(t *testing.T) (*server, *httptest.Server) {
	t.Helper()
	srv := newServer(t.TempDir())
	mux := http.NewServeMux()
	mux.Handle("/", srv.handler())
	for path, page := range map[string]string{"/test-driver/run": driverRunStory, "/test-driver/sweep": driverSweepSuite} {
		mux.HandleFunc("GET "+path, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(page))
		})
	}
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	t.Cleanup(srv.board.wait)
	return srv, ts
}

// TestBrowserRunsAStoryAndLandsOnItsReport drives the page in a real browser: press Run next to
// much-wow-cool, land on its report (through the wait page), see the outcome, the home link and
// every figure load; then keep screenshots of the report and of the home page.
func TestBrowserRunsAStoryAndLandsOnItsReport(t *testing.T) {
	bin := findChromium(t)
	srv, ts := browserServer(t)

	out := driverOutput(t, bin, ts.URL+"/test-driver/run")
	require.True(t, strings.HasPrefix(out, "landed on /runs/much-wow-cool-seed1/"), out)
	assert.Contains(t, out, "title: RAFT - Log Replication (with network partitions)")
	assert.Contains(t, out, "outcome: PASSED 19 of 19 assertions passed the history is linearizable")
	assert.Contains(t, out, "home link shown: true", "a served report links home")
	figures := regexp.MustCompile(`figure (\S+\.png) (\d+)`).FindAllStringSubmatch(out, -1)
	require.Len(t, figures, 5, "the report shows its five figures:\n%s", out)
	for _, f := range figures {
		width, err := strconv.Atoi(f[2])
		require.NoError(t, err)
		assert.Positive(t, width, "figure %s loaded in the browser", f[1])
	}
	job, ok := srv.board.get("much-wow-cool-seed1")
	require.True(t, ok, "the button started the story")
	require.Equal(t, jobPassed, job.State, job.Detail)

	dir := screenshotDir(t)
	screenshot(t, bin, ts.URL+"/runs/much-wow-cool-seed1/", dir, "much-wow-cool-report.png", 1280, 7200)
	screenshot(t, bin, ts.URL+"/", dir, "labd-serve-home.png", 1280, 2600)
}

// TestBrowserSweepsASuite presses Sweep next to a suite and lands on the sweep's page, with its
// verdict and totals; a screenshot of it is kept.
func TestBrowserSweepsASuite(t *testing.T) {
	bin := findChromium(t)
	_, ts := browserServer(t)

	out := driverOutput(t, bin, ts.URL+"/test-driver/sweep")
	require.True(t, strings.HasPrefix(out, "landed on /runs/sweep-register-partitions-1-3/"), out)
	assert.Contains(t, out, "summary: 3 of 3 seeds passed")
	assert.Regexp(t, `totals: seeds passed failed operations operations checked virtual time wall time 3 3 0 \d+ \d+ [0-9.]+ s [0-9.]+ s`, out)
	screenshot(t, bin, ts.URL+"/runs/sweep-register-partitions-1-3/", screenshotDir(t), "sweep-page.png", 1280, 1000)
}

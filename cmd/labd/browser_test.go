package main

import (
	"context"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
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
// saw into <pre id="out">, which --dump-dom prints.
const (
	driverClickRun = `<!DOCTYPE html><html><body><pre id="out">waiting</pre>
<iframe id="f" src="/"></iframe>
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
  } else if (loads === 2) {
    out.textContent = 'after run: ' + doc.body.innerText;
  }
});
</script></body></html>`

	driverOpenReport = `<!DOCTYPE html><html><body><pre id="out">waiting</pre>
<iframe id="f" src="/"></iframe>
<script>
let loads = 0;
const f = document.getElementById('f'), out = document.getElementById('out');
f.addEventListener('load', () => {
  loads++;
  const doc = f.contentDocument;
  if (loads === 1) {
    const link = doc.querySelector('a.report-link');
    if (!link) { out.textContent = 'no report link'; return; }
    out.textContent = 'opening ' + link.getAttribute('href');
    link.click();
    return;
  }
  if (loads !== 2) { return; }
  const imgs = Array.from(doc.images);
  Promise.all(imgs.map(i => i.complete ? null : new Promise(r => { i.onload = r; i.onerror = r; })))
    .then(() => {
      out.textContent = 'report: ' + doc.title + '\n' +
        imgs.map(i => 'figure ' + i.getAttribute('src') + ' ' + i.naturalWidth).join('\n');
    });
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

// driverOutput loads a driver page in headless chromium and returns what its script wrote into
// <pre id="out"> once the page and its scripts ran.
func driverOutput(t *testing.T, chromium, url string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-dev-shm-usage", "--user-data-dir="+t.TempDir(), "--virtual-time-budget=10000",
		"--dump-dom", url)
	out, err := cmd.Output()
	require.NoError(t, err, "chromium --dump-dom %s", url)
	m := regexp.MustCompile(`<pre id="out">([\s\S]*?)</pre>`).FindStringSubmatch(string(out))
	require.NotNil(t, m, "the driver page's output:\n%s", out)
	return html.UnescapeString(m[1])
}

// TestBrowserRunsAStoryAndOpensItsReport drives the page in a real browser: press Run next to
// much-wow-cool, see the run listed, open its report and see every figure load.
func TestBrowserRunsAStoryAndOpensItsReport(t *testing.T) {
	chromium := findChromium(t)
	srv := newServer(t.TempDir())
	mux := http.NewServeMux()
	mux.Handle("/", srv.handler())
	driver := func(page string) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(page))
		}
	}
	mux.HandleFunc("GET /test-driver/run", driver(driverClickRun))
	mux.HandleFunc("GET /test-driver/report", driver(driverOpenReport))
	ts := httptest.NewServer(mux)
	defer ts.Close()

	out := driverOutput(t, chromium, ts.URL+"/test-driver/run")
	require.True(t, strings.HasPrefix(out, "after run: "), out)
	assert.Contains(t, out, "much-wow-cool-seed1", "the run is listed after pressing Run")
	srv.board.wait()
	job, ok := srv.board.get("much-wow-cool-seed1")
	require.True(t, ok, "the button started the story")
	require.Equal(t, jobPassed, job.State, job.Detail)

	out = driverOutput(t, chromium, ts.URL+"/test-driver/report")
	require.True(t, strings.HasPrefix(out, "report: "), out)
	assert.Contains(t, out, "RAFT - Log Replication")
	figures := regexp.MustCompile(`figure (\S+\.png) (\d+)`).FindAllStringSubmatch(out, -1)
	require.Len(t, figures, 5, "the report shows its five figures:\n%s", out)
	for _, f := range figures {
		width, err := strconv.Atoi(f[2])
		require.NoError(t, err)
		assert.Positive(t, width, "figure %s loaded in the browser", f[1])
	}
}

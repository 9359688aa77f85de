package main

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/raftlab/raftlab/reports"
	"github.com/raftlab/raftlab/scenarios/suite"
)

//go:embed serve.html.tmpl
var pageTemplateText string

// pageTemplate parses the index page's template; `code` spans of descriptions become <code>.
func pageTemplate() *template.Template {
	return template.Must(template.New("page").Funcs(template.FuncMap{"code": reports.CodeHTML}).Parse(pageTemplateText))
}

//go:embed serve_wait.html.tmpl
var waitTemplateText string

// waitTemplate parses the page shown while a job runs.
func waitTemplate() *template.Template {
	return template.Must(template.New("wait").Parse(waitTemplateText))
}

// server is labd's web page: stories to run, suites to sweep, jobs started, past reports (served
// statically).
type server struct {
	dir   string
	page  *template.Template
	wait  *template.Template
	board *jobBoard
	now   func() time.Time
	// story and sweep make the work of a job; tests replace them.
	story func(reportDir string, job storyJob) jobWork
	sweep func(job sweepJob) jobWork
}

func newServer(dir string) *server {
	return &server{dir: dir, page: pageTemplate(), wait: waitTemplate(), board: newJobBoard(), now: time.Now,
		story: storyWork, sweep: sweepWork}
}

// handler routes the page's requests.
func (s *server) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.index)
	mux.HandleFunc("POST /run", s.startRun)
	mux.HandleFunc("POST /sweep", s.startSweep)
	mux.HandleFunc("GET /wait/{name}", s.waitFor)
	mux.HandleFunc("GET /jobs/{name}", s.jobStatus)
	mux.Handle("GET /runs/", http.StripPrefix("/runs/", http.FileServer(http.Dir(s.dir))))
	return mux
}

// pageData is what the index template shows.
type pageData struct {
	Dir     string
	Stories []storyInfo
	Suites  []suite.Suite
	Bugs    []string
	Jobs    []serveJob
	Past    []pastRun
	Running bool
}

func (s *server) index(w http.ResponseWriter, r *http.Request) {
	stories, err := storyCatalog()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	past, err := pastRuns(s.dir)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	data := pageData{Dir: s.dir, Stories: stories, Suites: suite.List(), Bugs: bugNames(), Jobs: s.board.list(),
		Past: past}
	for _, j := range data.Jobs {
		if j.State == jobRunning {
			data.Running = true
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := s.page.Execute(w, data); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

// startRun starts the story named in the form (an embedded story only: the page never reads paths)
// and sends the browser to wait for it: the wait page turns into the run's report once written.
func (s *server) startRun(w http.ResponseWriter, r *http.Request) {
	name := r.FormValue("story")
	if isStoryPath(name) {
		http.Error(w, "unknown story "+strconv.Quote(name), http.StatusBadRequest)
		return
	}
	src, err := loadStory(name)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	st, err := src.parse()
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	job := storyJob{Source: src, Bug: r.FormValue("bug")}
	seed := st.Seed
	if text := strings.TrimSpace(r.FormValue("seed")); text != "" {
		var f seedFlag
		if err := f.Set(text); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		seed = f.value
		job.Seed = f.ptr()
	}
	if _, err := job.bugs(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	dir := job.defaultReportDir(s.dir, seed)
	s.board.start(jobName(dir), kindStory, s.now(), s.story(dir, job))
	s.sendToWait(w, r, jobName(dir))
}

// maxPageSweepSeeds bounds the sweeps the page starts (a shell runs more: labd sweep).
const maxPageSweepSeeds = 10_000

// startSweep sweeps the suite named in the form over its seeds ("A..B", default the suite's own
// count) and sends the browser to wait for the sweep's page.
func (s *server) startSweep(w http.ResponseWriter, r *http.Request) {
	st, err := lookupSuite(r.FormValue("suite"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	text := strings.TrimSpace(r.FormValue("seeds"))
	if text == "" {
		text = "1.." + strconv.Itoa(st.Seeds)
	}
	seeds, err := parseSeedRange(text)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if seeds.Len() > maxPageSweepSeeds {
		http.Error(w, fmt.Sprintf("seeds %s: the page sweeps at most %d seeds; run labd sweep for more", seeds,
			maxPageSweepSeeds), http.StatusBadRequest)
		return
	}
	plan := sweepPlan{Suite: st, Seeds: seeds}
	dir := sweepDir(s.dir, plan.name(), seeds, plan.Bug)
	job := sweepJob{Plan: plan, Share: sweepShare{Seeds: seeds}, Dir: dir, Reports: reportsFailed,
		Version: currentVersion(versionTag(""))}
	s.board.start(jobName(dir), kindSweep, s.now(), s.sweep(job))
	s.sendToWait(w, r, jobName(dir))
}

// sendToWait redirects to the page that waits for the job called name.
func (s *server) sendToWait(w http.ResponseWriter, r *http.Request, name string) {
	w.Header().Set("X-Labd-Job", name)
	http.Redirect(w, r, "/wait/"+url.PathEscape(name), http.StatusSeeOther)
}

// waitFor shows a running job's progress, refreshing itself, and sends the browser on to the job's
// report (or sweep page) once it is written; a job that could not run shows its error.
func (s *server) waitFor(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	// Hold the answer a moment: a job that ends meanwhile sends the browser on at once.
	j, ok := s.board.await(r.Context(), name, waitHold)
	if !ok {
		if _, err := os.Stat(filepath.Join(s.dir, name, reports.IndexFile)); err == nil && filepath.Base(name) == name {
			http.Redirect(w, r, reportPath(name), http.StatusSeeOther)
			return
		}
		http.NotFound(w, r)
		return
	}
	if j.State == jobPassed || j.State == jobFailed {
		http.Redirect(w, r, reportPath(name), http.StatusSeeOther)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := s.wait.Execute(w, j); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

// waitHold is how long the wait page holds its answer for a job to end before it answers "running"
// (and refreshes itself).
const waitHold = 2 * time.Second

// reportPath is where the page serves the report of the job called name.
func reportPath(name string) string { return "/runs/" + url.PathEscape(name) + "/" }

// jobStatus answers a job's state as plain text ("running", "passed", ...): for scripts and tests.
func (s *server) jobStatus(w http.ResponseWriter, r *http.Request) {
	j, ok := s.board.get(r.PathValue("name"))
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "%s\n%s\n", j.State, j.Detail)
}

// serve serves the page on ln until ctx ends, then waits for the runs it started.
func (s *server) serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: s.handler(), ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := srv.Shutdown(shutdown)
	s.board.wait()
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shut down: %w", err)
	}
	return nil
}

// cmdServe serves the web page until interrupted.
func cmdServe(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("serve", "labd serve [--addr 127.0.0.1:8080] [--dir labd-runs]", stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	dir := fs.String("dir", defaultRunsDir, "directory of the reports (runs started on the page go there too)")
	if _, err := parseArgs(fs, args, 0, 0); err != nil {
		fmt.Fprintf(stderr, "labd serve: %v\n", err)
		return exitUsage
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "labd serve: %v\n", err)
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	fmt.Fprintf(stdout, "labd serve: http://%s/ (reports in %s; Ctrl-C stops)\n", ln.Addr(), *dir)
	if err := newServer(*dir).serve(ctx, ln); err != nil {
		fmt.Fprintf(stderr, "labd serve: %v\n", err)
		return exitFailed
	}
	return exitOK
}

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
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/raftlab/raftlab/scenarios/suite"
)

//go:embed serve.html.tmpl
var pageTemplateText string

// pageTemplate parses the index page's template.
func pageTemplate() *template.Template {
	return template.Must(template.New("page").Parse(pageTemplateText))
}

// server is labd's web page: stories to run, runs started, past reports (served statically).
type server struct {
	dir   string
	page  *template.Template
	board *jobBoard
	now   func() time.Time
}

func newServer(dir string) *server {
	return &server{dir: dir, page: pageTemplate(), board: newJobBoard(), now: time.Now}
}

// handler routes the page's requests.
func (s *server) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.index)
	mux.HandleFunc("POST /run", s.startRun)
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
// and redirects to the index, where the run shows as running, then finished with its report.
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
	jobName, _ := s.board.start(s.dir, job, seed, s.now())
	w.Header().Set("X-Labd-Job", jobName)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

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

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"time"

	"github.com/raftlab/raftlab/core/httpapi"
	"github.com/raftlab/raftlab/core/server"
)

// Exit statuses.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// shutdownGrace bounds a graceful stop: open watches are cut after it.
const shutdownGrace = 5 * time.Second

// run is kvd without the process around it; ctx ends on SIGTERM/SIGINT.
func run(ctx context.Context, args []string, getenv func(string) (string, bool), environ []string, stderr io.Writer) int {
	o, err := parseOptions(args, getenv, environ, stderr)
	if err != nil {
		if errors.Is(err, errUsage) {
			return exitUsage
		}
		fmt.Fprintf(stderr, "kvd: %v\n", err)
		return exitError
	}
	s, err := o.validate()
	if err != nil {
		fmt.Fprintf(stderr, "kvd: %v\n", err)
		return exitError
	}
	log := newLogger(s, stderr)
	for _, n := range o.notices {
		log.Info(n, "path", o.configFile)
	}
	for _, w := range o.warnings {
		log.Warn(w)
	}
	if err := serve(ctx, s, log); err != nil {
		// Once, in the log format asked for: a log collector gets the record, a person the reason.
		log.Error("kvd failed", "err", err)
		return exitError
	}
	return exitOK
}

func newLogger(s *settings, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: s.logLevel}
	if s.logFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// serve bootstraps (discovery when asked), starts the member and its client listeners, and runs
// until ctx ends or the member is removed.
func serve(ctx context.Context, s *settings, log *slog.Logger) error {
	if s.discovery != "" && !server.HasWAL(s.dataDir) {
		if err := discover(ctx, s, log); err != nil {
			return err
		}
	}
	peerLn, err := s.tls.listenPeer(s.listenPeer)
	if err != nil {
		return fmt.Errorf("listen on peer URL %s: %w", s.listenPeer, err)
	}
	clientLns := make([]net.Listener, 0, len(s.listenClients))
	closeClients := func() {
		for _, ln := range clientLns {
			_ = ln.Close()
		}
	}
	for _, u := range s.listenClients {
		ln, err := s.tls.listenClient(u)
		if err != nil {
			closeClients()
			_ = peerLn.Close()
			return fmt.Errorf("listen on client URL %s: %w", u, err)
		}
		clientLns = append(clientLns, ln)
	}
	srv, err := server.StartContext(ctx, server.Config{
		Name: s.name, DataDir: s.dataDir, PeerListener: peerLn, PeerTLS: s.tls.peerClient,
		PeerURLs: s.advertisePeers, ClientURLs: s.advertiseClients,
		InitialCluster: s.initialCluster, Token: s.token, Join: s.join,
		CheckClusterID:    s.explicitCluster && !s.join && !s.forceNewCluster,
		ForceNewCluster:   s.forceNewCluster,
		HeartbeatInterval: s.heartbeat, ElectionTimeout: s.election, SnapshotCount: s.snapshotCount,
		PeerMaxFrameBytes:   s.peerMaxFrame,
		StrictReconfigCheck: s.strict, Logger: log,
	})
	if err != nil {
		closeClients()
		return err
	}
	handler := httpapi.New(httpapi.Config{Backend: srv, Logger: log.With("component", "httpapi")})
	httpSrv := newClientServer(handler, clientLimits)
	served := make(chan error, len(clientLns))
	var runErr error
	if waitReady(ctx, srv, log) {
		for i, ln := range clientLns {
			log.Info("serving client requests", "address", ln.Addr().String())
			tls := s.listenClients[i].Scheme == "https"
			go func() { served <- serveClients(httpSrv, ln, tls) }()
		}
	} else {
		closeClients()
	}
	select {
	case <-ctx.Done():
		log.Info("received signal, shutting down")
	case <-srv.Done():
		if err := srv.Err(); err != nil {
			log.Warn("the member has been permanently removed from the cluster; exiting")
		}
	case err := <-served:
		runErr = fmt.Errorf("serve clients: %w", err)
	}
	// Client requests under way finish first (a leader still leads meanwhile), then the member
	// stops: a leader hands leadership to another voter before it does (server.Stop).
	httpCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := httpSrv.Shutdown(httpCtx); err != nil {
		_ = httpSrv.Close() // long watches do not end on their own
	}
	stopCtx, cancelStop := context.WithTimeout(context.Background(), shutdownGrace+2*s.election)
	defer cancelStop()
	if err := srv.Stop(stopCtx); err != nil {
		runErr = errors.Join(runErr, err)
	}
	log.Info("stopped")
	return runErr
}

// waitReady waits until the member is ready to serve clients (its name and client URLs are
// committed, or it caught up after a restart with the same ones), as etcd serves its client
// listeners only after its publish committed. Until then the listeners are bound but nothing is
// accepted: a client's connection waits in the listen queue instead of being refused or answered
// from a member that is not part of the cluster's view yet. False if kvd stops first.
func waitReady(ctx context.Context, srv *server.Server, log *slog.Logger) bool {
	select {
	case <-srv.Ready():
		return true
	default:
	}
	log.Info("waiting to publish this member to the cluster before serving clients")
	select {
	case <-srv.Ready():
		return true
	case <-ctx.Done():
	case <-srv.Done():
	}
	return false
}

// discover runs the discovery protocol and turns its answer into a static bootstrap whose token is
// the discovery URL.
func discover(ctx context.Context, s *settings, log *slog.Logger) error {
	id := server.MemberID(s.advertisePeers, s.discovery)
	d := newDiscoverer(s.discovery, id, s.name, s.advertisePeers, log.With("component", "discovery"))
	cluster, err := d.run(ctx)
	if errors.Is(err, errFullCluster) {
		if s.fallback == "exit" {
			log.Error("failed to bootstrap; discovery token was already used", "discovery", s.discovery)
			return err
		}
		return fmt.Errorf("%w (kvd cannot fall back to proxy mode; use --discovery-fallback exit)", err)
	}
	if err != nil {
		return err
	}
	members, err := parseInitialCluster(cluster)
	if err != nil {
		return fmt.Errorf("discovery: bad registry value %q: %w", cluster, err)
	}
	log.Info("discovery found the initial cluster", "initial-cluster", cluster)
	s.initialCluster, s.token, s.join = members, s.discovery, false
	return nil
}

package main

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// clientServer is kvd's client HTTP server: net/http's, and the fronts that serve its plain
// listeners. Its Shutdown and Close treat the fronts' connections as net/http's treat its own.
type clientServer struct {
	*http.Server

	mu     sync.Mutex
	fronts []*clientFront
}

func (s *clientServer) addFront(f *clientFront) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fronts = append(s.fronts, f)
}

func (s *clientServer) frontList() []*clientFront {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*clientFront(nil), s.fronts...)
}

// Shutdown is http.Server.Shutdown, which closes the listeners (and so the fronts' idle
// connections) and waits for net/http's connections to finish their requests; it then waits for
// the requests the fronts are serving likewise. It gives up with ctx's error when ctx ends first.
func (s *clientServer) Shutdown(ctx context.Context) error {
	if err := s.Server.Shutdown(ctx); err != nil {
		return err
	}
	for _, f := range s.frontList() {
		if err := f.waitIdle(ctx); err != nil {
			return err
		}
	}
	return nil
}

// Close is http.Server.Close, and closes the fronts' connections too, serving or not.
func (s *clientServer) Close() error {
	err := s.Server.Close()
	for _, f := range s.frontList() {
		f.closeAll()
	}
	return err
}

// waitIdle waits until the front has no connection left (once closed it accepts none, idle ones
// are closed and busy ones close when answered), polling as net/http's Shutdown does.
func (f *clientFront) waitIdle(ctx context.Context) error {
	poll := time.Millisecond
	for {
		f.mu.Lock()
		left := len(f.conns)
		f.mu.Unlock()
		if left == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(poll):
		}
		poll = min(2*poll, 500*time.Millisecond)
	}
}

// closeAll closes every connection of the front.
func (f *clientFront) closeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for fc := range f.conns {
		_ = fc.conn.Close()
	}
}

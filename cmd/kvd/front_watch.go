package main

import (
	"context"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// disconnectWatch is the state of a fast connection that the front's other goroutines share: is a
// request under way (Close leaves such a connection open until it is answered), is its handler
// running, and the read that watches for the client going away while it runs.
//
// net/http starts that read for every request as its handler starts: a goroutine and a read per
// request. The front starts it only for a request whose handler has run through one
// disconnectCheck (watchLoop looks at every connection that often), which is when a vanished
// client matters: a request parked in the node waiting for a leader, a watch. As net/http's, the
// read takes one byte: an error or EOF cancels the request's context; a byte (the client
// pipelined its next request) ends the watch and is kept for the next read of the connection.
type disconnectWatch struct {
	conn net.Conn

	mu        sync.Mutex
	readDone  sync.Cond // signalled when the watch's read returns
	serving   bool      // a request is under way
	inHandler bool
	requests  uint64 // handlers started
	looked    uint64 // requests at the previous look
	watched   bool   // the handler's request has had its watch
	inRead    bool   // the watch's read is under way
	aborted   bool   // the handler returned: the read was made to time out
	cancel    context.CancelFunc

	hasByte atomic.Bool // byteBuf holds a byte the watch read
	byteBuf [1]byte
}

// aLongTimeAgo is a deadline in the past, to make a pending read return.
var aLongTimeAgo = time.Unix(1, 0)

func (w *disconnectWatch) init(c net.Conn) {
	w.conn = c
	w.readDone.L = &w.mu
}

// begin marks a request under way; false once the front is closed.
func (w *disconnectWatch) begin(f *clientFront) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if f.isClosed() {
		return false
	}
	w.serving = true
	return true
}

// end marks the request answered; false when the front closed meanwhile (the connection is then
// to be closed).
func (w *disconnectWatch) end(f *clientFront) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.serving = false
	return !f.isClosed()
}

// busy reports whether a request is under way.
func (w *disconnectWatch) busy() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.serving
}

// handlerStarts records that the handler of a request runs; cancel cancels its context.
func (w *disconnectWatch) handlerStarts(cancel context.CancelFunc) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.inHandler, w.watched, w.cancel = true, false, cancel
	w.requests++
}

// handlerDone records that the handler returned, and stops the watch's read if one is under way
// (as net/http's abortPendingRead). Calling it again does nothing.
func (w *disconnectWatch) handlerDone() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.inHandler {
		return
	}
	w.inHandler, w.cancel = false, nil
	if !w.inRead {
		return
	}
	w.aborted = true
	_ = w.conn.SetReadDeadline(aLongTimeAgo)
	for w.inRead {
		w.readDone.Wait()
	}
}

// startIfSlow starts the watch's read when the same handler has been running since the previous
// call.
func (w *disconnectWatch) startIfSlow() {
	w.mu.Lock()
	defer w.mu.Unlock()
	slow := w.inHandler && w.requests == w.looked
	w.looked = w.requests
	if !slow || w.watched || w.inRead || w.hasByte.Load() {
		return
	}
	w.watched, w.inRead = true, true
	_ = w.conn.SetReadDeadline(time.Time{}) // net/http reads a body and waits with no deadline
	go w.read()
}

func (w *disconnectWatch) read() {
	n, err := w.conn.Read(w.byteBuf[:])
	w.mu.Lock()
	defer w.mu.Unlock()
	if n == 1 {
		w.hasByte.Store(true)
	}
	if err != nil && !(w.aborted && isTimeout(err)) && w.cancel != nil {
		w.cancel() // the client went away
	}
	w.inRead, w.aborted = false, false
	w.readDone.Broadcast()
}

// takeByte moves the byte the watch read, if any, into p; it returns how many bytes it moved.
func (w *disconnectWatch) takeByte(p []byte) int {
	if !w.hasByte.Load() || len(p) == 0 {
		return 0
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	p[0] = w.byteBuf[0]
	w.hasByte.Store(false)
	return 1
}

package netsim

import (
	"fmt"

	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/core/store"
	"github.com/raftlab/raftlab/core/v2keys"
)

// A simulated client reads the answers of a v2 process as an HTTP client reads a response: the
// status code, X-Etcd-Index and the JSON body (v2keys.Decode), and records what it read.

// decodeWire turns an answer on the wire into the reply the client records. A body that does not
// decode is an indefinite failure (the client cannot tell what happened), as are 500s (etcd's 300
// "Raft Internal Error" carries timeouts, lost leaders and stopped members): every other error
// code is a definite failure.
func decodeWire(r Reply) Reply {
	a, err := v2keys.Decode(r.Wire)
	out := Reply{ID: r.ID, EtcdIndex: a.EtcdIndex}
	switch {
	case err != nil:
		out.Err = fmt.Errorf("netsim: unreadable answer: %w", err)
	case a.Error != nil:
		out.Err = a.Error
		if definite(a.Error.ErrorCode) {
			out.ErrorCode = a.Error.ErrorCode
		}
	default:
		eventReply(&out, a.Event)
	}
	return out
}

// definite reports whether an answer with error code says the request did not take effect.
func definite(code int) bool {
	return code != store.EcodeRaftInternal && code != store.EcodeLeaderElect
}

// eventReply fills r from the event a successful answer carried: the node read or written, its
// value (a directory's listing for a read of a directory), indexes and key.
func eventReply(r *Reply, ev *store.Event) {
	n := ev.Node
	if n == nil {
		return
	}
	r.Index, r.Key = n.ModifiedIndex, n.Key
	switch ev.Action {
	case store.ActionDelete, store.ActionCompareAndDelete, store.ActionExpire:
		return
	}
	r.Found, r.Created = true, n.CreatedIndex
	if n.Value != nil {
		r.Value = *n.Value
	}
	if ev.Action == store.ActionGet && n.Dir {
		r.Dir, r.Value = true, listing(n)
	}
}

// wireError is the error of a refused watch: a *CodeError with the answer's error code, or an
// indefinite error.
func wireError(w v2keys.Wire) error {
	r := decodeWire(Reply{Wire: w})
	if r.ErrorCode != 0 {
		return &CodeError{Code: r.ErrorCode, Err: r.Err}
	}
	if r.Err == nil {
		return fmt.Errorf("netsim: a refused watch answered %d", w.Status)
	}
	return r.Err
}

// decodeWatchEvent reads an event off a watch's body; an unreadable one is reported with Action
// "unreadable" (the watch checks then fail on it).
func decodeWatchEvent(e WatchEvent) WatchEvent {
	ev, err := v2keys.DecodeEvent(e.Line)
	if err != nil {
		return WatchEvent{Action: "unreadable: " + err.Error()}
	}
	out := WatchEvent{Action: ev.Action}
	if n := ev.Node; n != nil {
		out.Key, out.Index, out.Dir = n.Key, n.ModifiedIndex, n.Dir
	}
	return out
}

// listing is the history.Listing of a directory a read returned: its children as listed (in byte
// order of their keys, hidden ones left out), and after each directory its own children when the
// read was recursive, named by their path below dir.
func listing(dir *store.NodeExtern) string {
	cut := len(dir.Key) + 1
	if dir.Key == "/" || dir.Key == "" {
		cut = 1
	}
	return history.Listing(appendEntries(nil, dir, cut))
}

func appendEntries(entries []history.Entry, dir *store.NodeExtern, cut int) []history.Entry {
	for _, c := range dir.Nodes {
		if c == nil {
			continue
		}
		e := history.Entry{Name: c.Key[min(cut, len(c.Key)):], Dir: c.Dir}
		if c.Value != nil {
			e.Value = *c.Value
		}
		entries = append(entries, e)
		if c.Dir {
			entries = appendEntries(entries, c, cut)
		}
	}
	return entries
}

// RefusedWatch is the error a v2 process returns from Watch when the API refused the watch: its
// answer on the wire, which the watcher reads as a client would.
type RefusedWatch struct {
	Wire v2keys.Wire
}

// Error renders the answer's status and body.
func (e *RefusedWatch) Error() string {
	return fmt.Sprintf("watch refused: %d %s", e.Wire.Status, e.Wire.Body)
}

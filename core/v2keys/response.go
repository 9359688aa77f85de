package v2keys

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/core/store"
)

// ErrEmptyReply is what a reply with neither an event nor an error is answered as.
var ErrEmptyReply = errors.New("received response with no Event/Watcher")

// Response is the answer to a keys request before it is written: the status code, the index
// headers and a body of either an event or an error (neither for a watch's first answer, whose
// events follow as the body).
type Response struct {
	Status int
	// EtcdIndex is X-Etcd-Index. RaftIndex and RaftTerm are X-Raft-Index and X-Raft-Term, sent
	// with successful answers only (Raft set).
	EtcdIndex, RaftIndex, RaftTerm uint64
	Raft                           bool
	Event                          *store.Event
	Error                          *store.Error
}

// EventResponse is a successful answer with ev: 201 for a create or a set of a new key, else 200.
// noValueOnSuccess reduces a set, create, update or compareAndSwap to its action.
func EventResponse(ev *store.Event, etcdIndex, raftIndex, raftTerm uint64, noValueOnSuccess bool) Response {
	code := http.StatusOK
	if ev.IsCreated() {
		code = http.StatusCreated
	}
	if noValueOnSuccess && hidesValue(ev.Action) {
		ev = &store.Event{Action: ev.Action}
	}
	return Response{Status: code, EtcdIndex: etcdIndex, RaftIndex: raftIndex, RaftTerm: raftTerm, Raft: true, Event: ev}
}

// ErrorResponse is the answer with e: its status code, X-Etcd-Index its index.
func ErrorResponse(e *store.Error) Response {
	return Response{Status: e.StatusCode(), EtcdIndex: e.Index, Error: e}
}

// ErrorFor is the key-API error err is answered with: a *store.Error as itself, a write the node
// found too large as the door's 400/210, anything else as
// 500 {"errorCode":300,"message":"Raft Internal Error","cause":"<err>","index":0} (ETCD_V2_API.md
// §8), which internal reports (the server logs those).
func ErrorFor(err error) (e *store.Error, internal bool) {
	if errors.As(err, &e) {
		return e, false
	}
	if errors.Is(err, node.ErrTooLarge) { // the door let through what the node refuses: not a 500
		return RequestTooLarge(), false
	}
	return store.NewError(store.EcodeRaftInternal, err.Error(), 0), true
}

// ReplyResponse is the answer to a request the node answered with rep (err: it could not be
// submitted or waited for): an error, or the event with X-Etcd-Index the reply's index (the
// event's when the reply has none). internal is as ErrorFor's.
func ReplyResponse(rep node.Reply, err error, noValueOnSuccess bool) (r Response, internal bool) {
	if err == nil {
		err = rep.Err
	}
	if err == nil && rep.Event == nil {
		err = ErrEmptyReply
	}
	if err != nil {
		e, internal := ErrorFor(err)
		return ErrorResponse(e), internal
	}
	index := rep.EtcdIndex
	if index == 0 {
		index = rep.Event.EtcdIndex
	}
	return EventResponse(rep.Event, index, rep.RaftIndex, rep.RaftTerm, noValueOnSuccess), false
}

// WatchResponse is a watch's first answer, sent before any event: 200, X-Etcd-Index the index the
// watch starts from.
func WatchResponse(startIndex, raftIndex, raftTerm uint64) Response {
	return Response{Status: http.StatusOK, EtcdIndex: startIndex, RaftIndex: raftIndex, RaftTerm: raftTerm, Raft: true}
}

// hidesValue reports whether noValueOnSuccess applies to action.
func hidesValue(action string) bool {
	switch action {
	case store.ActionSet, store.ActionCreate, store.ActionUpdate, store.ActionCompareAndSwap:
		return true
	}
	return false
}

// SetHeaders sets Content-Type and the index headers of r on hdr, the values in one array.
func (r *Response) SetHeaders(hdr http.Header) {
	hdr["Content-Type"] = contentTypeJSON
	if !r.Raft {
		hdr["X-Etcd-Index"] = []string{strconv.FormatUint(r.EtcdIndex, 10)}
		return
	}
	v := [...]string{strconv.FormatUint(r.EtcdIndex, 10), strconv.FormatUint(r.RaftIndex, 10), strconv.FormatUint(r.RaftTerm, 10)}
	hdr["X-Etcd-Index"] = v[0:1:1]
	hdr["X-Raft-Index"] = v[1:2:2]
	hdr["X-Raft-Term"] = v[2:3:3]
}

// contentTypeJSON is the Content-Type of every keys answer; http.Header values are never changed
// in place, so one slice serves every response.
var contentTypeJSON = []string{"application/json"}

// AppendBody appends r's body: its event or error as etcd's json.Encoder writes them
// (HTML-escaped, newline-terminated); nothing for a watch's first answer.
func (r *Response) AppendBody(b []byte) []byte {
	switch {
	case r.Event != nil:
		return AppendEvent(b, r.Event)
	case r.Error != nil:
		return appendError(b, r.Error)
	}
	return b
}

// AppendEvent appends ev as one line of JSON, as etcd's json.Encoder writes it (a watch's events
// too).
func AppendEvent(b []byte, ev *store.Event) []byte {
	if out, ok := ev.AppendJSON(b); ok {
		return append(out, '\n')
	}
	// An expiration with no JSON form: encoding/json decides, and when it cannot encode the event
	// either the body stays empty, as etcd's json.Encoder leaves it.
	out, err := json.Marshal(ev)
	if err != nil {
		return b
	}
	return append(append(b, out...), '\n')
}

// appendError appends e as json.Marshal encodes it, newline-terminated.
func appendError(b []byte, e *store.Error) []byte {
	b = strconv.AppendInt(append(b, `{"errorCode":`...), int64(e.ErrorCode), 10)
	b = store.AppendJSONString(append(b, `,"message":`...), e.Message)
	if e.Cause != "" {
		b = store.AppendJSONString(append(b, `,"cause":`...), e.Cause)
	}
	b = strconv.AppendUint(append(b, `,"index":`...), e.Index, 10)
	return append(b, "}\n"...)
}

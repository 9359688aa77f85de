package v2client

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
)

// ErrNoEndpoints is returned when the client has no endpoint to talk to, for example after a
// Sync found no member with a published client URL.
var ErrNoEndpoints = errors.New("client: no endpoints available")

// ErrInvalidJSON is returned when a server's answer is not the JSON the v2 API promises.
var ErrInvalidJSON = errors.New("client: response is invalid json. The endpoint is probably not valid etcd cluster endpoint")

// ErrEmptyBody is returned when a successful key answer has no body.
var ErrEmptyBody = errors.New("client: response body is empty")

// Error is an error answer of the keys API (a v2 store error such as "100: Key not found").
type Error struct {
	// ErrorCode is the v2 error code, e.g. 100 for "Key not found".
	ErrorCode int `json:"errorCode"`
	// Message is the fixed text that goes with the code.
	Message string `json:"message"`
	// Cause is the detail, usually the key concerned.
	Cause string `json:"cause,omitempty"`
	// Index is the etcd index when the error happened.
	Index uint64 `json:"index"`
}

// Error renders the error the way etcdctl and client/v2 print it:
// "<code>: <message> (<cause>) [<index>]".
func (e *Error) Error() string {
	return fmt.Sprintf("%d: %s (%s) [%d]", e.ErrorCode, e.Message, e.Cause, e.Index)
}

// ClusterError is returned when no endpoint could answer a request. It lists what went wrong
// with each endpoint that was tried, in order.
type ClusterError struct {
	// Errors holds one error per failed attempt.
	Errors []error
}

// Error renders the error exactly as client/v2 does, one "; error #i: ..." part per attempt,
// each ending in a newline.
func (ce *ClusterError) Error() string {
	var b strings.Builder
	b.WriteString("client: etcd cluster is unavailable or misconfigured")
	for i, err := range ce.Errors {
		fmt.Fprintf(&b, "; error #%d: %s\n", i, err)
	}
	return b.String()
}

// Detail lists the attempts one per line ("error #i: ..."), as etcdctl prints them after the
// error itself.
func (ce *ClusterError) Detail() string {
	var b strings.Builder
	for i, err := range ce.Errors {
		fmt.Fprintf(&b, "error #%d: %s\n", i, err)
	}
	return b.String()
}

// Unwrap gives access to the individual attempts' errors for errors.Is and errors.As.
func (ce *ClusterError) Unwrap() []error {
	return ce.Errors
}

// MembersError is an error answer of the members API, whose body is {"message": "..."}.
type MembersError struct {
	// StatusCode is the HTTP status of the answer.
	StatusCode int
	// Message is the server's message, e.g. "membership: peerURL exists".
	Message string
}

// Error returns the server's message unchanged, as client/v2 does.
func (e *MembersError) Error() string {
	return e.Message
}

// StatusError is returned when a members request, or the role list, gets an HTTP status the API
// does not define for it.
type StatusError struct {
	// StatusCode is the unexpected HTTP status.
	StatusCode int
}

// Error renders the status as client/v2 does: "unexpected status code <n>".
func (e *StatusError) Error() string {
	return fmt.Sprintf("unexpected status code %d", e.StatusCode)
}

// IsConnectionError tells whether err means the cluster could not be reached at all (every
// attempt failed to dial or read, or timed out): etcdctl exits with 2 then, and etcd's discovery
// retries.
func IsConnectionError(err error) bool {
	var ce *ClusterError
	if errors.As(err, &ce) {
		for _, e := range ce.Errors {
			if !IsConnectionError(e) {
				return false
			}
		}
		return len(ce.Errors) > 0
	}
	var op *net.OpError
	if errors.As(err, &op) {
		if op.Op == "dial" || op.Op == "read" {
			return true
		}
		return IsConnectionError(op.Err)
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

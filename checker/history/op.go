package history

import (
	"errors"
	"fmt"
)

// Kind is the type of a client operation against the v2 key space.
type Kind string

// The operation kinds.
const (
	KindGet    Kind = "get"    // local read: served from the answering node's state, may be stale
	KindQGet   Kind = "qget"   // quorum read (quorum=true): must be linearizable
	KindSet    Kind = "set"    // PUT without conditions
	KindCreate Kind = "create" // PUT prevExist=false
	KindUpdate Kind = "update" // PUT prevExist=true
	KindCAS    Kind = "cas"    // compareAndSwap (prevValue and/or prevIndex)
	KindDelete Kind = "delete" // DELETE without conditions
	KindCAD    Kind = "cad"    // compareAndDelete (prevValue and/or prevIndex)
)

// IsRead reports whether k reads without changing the store.
func (k Kind) IsRead() bool { return k == KindGet || k == KindQGet }

// IsWrite reports whether k may change the store.
func (k Kind) IsWrite() bool {
	switch k {
	case KindSet, KindCreate, KindUpdate, KindCAS, KindDelete, KindCAD:
		return true
	}
	return false
}

// WritesValue reports whether k leaves the key holding Op.Value when it takes effect.
func (k Kind) WritesValue() bool {
	return k == KindSet || k == KindCreate || k == KindUpdate || k == KindCAS
}

// Deletes reports whether k removes the key when it takes effect.
func (k Kind) Deletes() bool { return k == KindDelete || k == KindCAD }

// Valid reports whether k is one of the known kinds.
func (k Kind) Valid() bool { return k.IsRead() || k.IsWrite() }

// Outcome says what the client learned about an operation.
type Outcome string

// The outcomes.
const (
	OutcomeOK      Outcome = "ok"      // succeeded; the result fields are filled
	OutcomeFail    Outcome = "fail"    // definitely had no effect (ErrorCode says why)
	OutcomeUnknown Outcome = "unknown" // timed out or lost: may or may not have taken effect
)

// Valid reports whether o is one of the known outcomes.
func (o Outcome) Valid() bool { return o == OutcomeOK || o == OutcomeFail || o == OutcomeUnknown }

// etcd v2 error codes the checker interprets.
const (
	ErrCodeKeyNotFound   = 100 // the key does not exist
	ErrCodeTestFailed    = 101 // a compare (prevValue/prevIndex) failed
	ErrCodeNodeExist     = 105 // create on an existing key
	ErrCodeEventsCleared = 401 // watch waitIndex older than the event history window
)

// Op is one client operation with its invocation, completion and result. See the package
// documentation for the meaning of every field.
type Op struct {
	Client    int     `json:"client"`
	Kind      Kind    `json:"kind"`
	Key       string  `json:"key"`
	Value     string  `json:"value,omitempty"`
	PrevValue string  `json:"prevValue,omitempty"`
	PrevIndex uint64  `json:"prevIndex,omitempty"`
	Call      int64   `json:"call"`
	Return    int64   `json:"return"`
	Outcome   Outcome `json:"outcome"`
	Found     bool    `json:"found,omitempty"`
	Result    string  `json:"result,omitempty"`
	Index     uint64  `json:"index,omitempty"`
	ErrorCode int     `json:"errorCode,omitempty"`
	Node      string  `json:"node,omitempty"`

	// Directory operations (see tree.go): Dir is dir=true (a write makes or removes a directory; a
	// read found one, and Result is its Listing), Recursive a recursive delete, InOrder a create by
	// POST (Key is the key the POST created, or the directory it posted to when it did not succeed).
	Dir       bool `json:"dir,omitempty"`
	Recursive bool `json:"recursive,omitempty"`
	InOrder   bool `json:"inOrder,omitempty"`
	// Created is the createdIndex of the node an ok write left or an ok read found (0: not recorded).
	Created uint64 `json:"created,omitempty"`
}

// ErrInvalidOp is wrapped by every error Validate returns.
var ErrInvalidOp = errors.New("invalid operation")

// Validate reports the first problem that makes o unusable for checking.
func (o Op) Validate() error {
	switch {
	case !o.Kind.Valid():
		return fmt.Errorf("%w: unknown kind %q", ErrInvalidOp, o.Kind)
	case !o.Outcome.Valid():
		return fmt.Errorf("%w: unknown outcome %q", ErrInvalidOp, o.Outcome)
	case o.Key == "":
		return fmt.Errorf("%w: empty key", ErrInvalidOp)
	case o.Client < 0:
		return fmt.Errorf("%w: negative client %d", ErrInvalidOp, o.Client)
	case o.Return < o.Call:
		return fmt.Errorf("%w: return %d before call %d", ErrInvalidOp, o.Return, o.Call)
	case (o.Kind == KindCAS || o.Kind == KindCAD) && o.PrevValue == "" && o.PrevIndex == 0:
		return fmt.Errorf("%w: %s without prevValue or prevIndex", ErrInvalidOp, o.Kind)
	}
	return nil
}

// String describes o in one line, for problem reports and visualisations.
func (o Op) String() string {
	req := string(o.Kind) + treeFlags(o) + " " + o.Key
	if o.Kind.WritesValue() {
		req += fmt.Sprintf("=%q", o.Value)
	}
	if o.PrevValue != "" {
		req += fmt.Sprintf(" if value=%q", o.PrevValue)
	}
	if o.PrevIndex != 0 {
		req += fmt.Sprintf(" if index=%d", o.PrevIndex)
	}
	return fmt.Sprintf("client %d %s -> %s [%d,%d]", o.Client, req, o.ResultString(), o.Call, o.Return)
}

// ResultString describes the response of o: "ok@7", "\"v\"@7", "not found", "fail 101", "unknown".
func (o Op) ResultString() string {
	switch o.Outcome {
	case OutcomeUnknown:
		return "unknown"
	case OutcomeFail:
		return fmt.Sprintf("fail %d", o.ErrorCode)
	}
	at := ""
	if o.Index != 0 {
		at = fmt.Sprintf("@%d", o.Index)
	}
	if o.Kind.IsRead() {
		if !o.Found {
			return "not found"
		}
		return fmt.Sprintf("%q%s", o.Result, at)
	}
	return "ok" + at
}

package history

import (
	"errors"
	"fmt"
	"time"

	"github.com/raftlab/raftlab/internal/human"
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
	// KindExpire is not a client operation: the cluster expired the key (its TTL ran out), at Index,
	// by an expiry entry whose leader clock reading was Clock.
	KindExpire Kind = "expire"
	// KindSync is not a client operation either: an expiry entry of the log, with its leader clock
	// reading Clock. Every key due by then (expiration <= Clock) must be gone after it. Key is empty:
	// it concerns the whole key space.
	KindSync Kind = "sync"
)

// IsRead reports whether k reads without changing the store.
func (k Kind) IsRead() bool { return k == KindGet || k == KindQGet }

// IsWrite reports whether k may change the store (an expiry included).
func (k Kind) IsWrite() bool {
	switch k {
	case KindSet, KindCreate, KindUpdate, KindCAS, KindDelete, KindCAD, KindExpire:
		return true
	}
	return false
}

// IsExpiry reports whether k is a record of the cluster's TTL expiry (expire or sync) rather than a
// client operation.
func (k Kind) IsExpiry() bool { return k == KindExpire || k == KindSync }

// WritesValue reports whether k leaves the key holding Op.Value when it takes effect.
func (k Kind) WritesValue() bool {
	return k == KindSet || k == KindCreate || k == KindUpdate || k == KindCAS
}

// Deletes reports whether k removes the key when it takes effect (an expiry included).
func (k Kind) Deletes() bool { return k == KindDelete || k == KindCAD || k == KindExpire }

// Valid reports whether k is one of the known kinds.
func (k Kind) Valid() bool { return k.IsRead() || k.IsWrite() || k == KindSync }

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
	Key       string  `json:"key,omitempty"`
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
	// TTL is the time to live a write asked for (ns); zero for a permanent key.
	TTL int64 `json:"ttl,omitempty"`
	// Expiration is when the key a write left expires: the accepting member's clock reading plus the
	// TTL (unix ns), as the cluster recorded it; zero when not known (an unknown outcome).
	Expiration int64 `json:"expiration,omitempty"`
	// Refresh marks a TTL refresh (etcd's refresh=true): the key keeps its value and gets a new TTL.
	Refresh bool `json:"refresh,omitempty"`
	// Clock is the leader's clock reading (unix ns) an expiry entry carried, for expire and sync
	// records; zero when not known.
	Clock int64 `json:"clock,omitempty"`

	// Directory operations (see tree.go): Dir is dir=true (a write makes or removes a directory; a
	// read found one, and Result is its Listing), Recursive a recursive delete, InOrder a create by
	// POST (Key is the key the POST created, or the directory it posted to when it did not succeed).
	Dir       bool `json:"dir,omitempty"`
	Recursive bool `json:"recursive,omitempty"`
	InOrder   bool `json:"inOrder,omitempty"`
	// Created is the createdIndex of the node an ok write left or an ok read found (0: not recorded).
	Created uint64 `json:"created,omitempty"`
	// EtcdIndex is the X-Etcd-Index of an ok answer: the store's index when the member answered
	// (0: not recorded).
	EtcdIndex uint64 `json:"etcdIndex,omitempty"`
}

// WritesValue reports whether o leaves the key holding o.Value when it takes effect: a
// value-writing kind that is not a refresh.
func (o Op) WritesValue() bool { return o.Kind.WritesValue() && !o.Refresh }

// HasTTL reports whether o gives its key a TTL.
func (o Op) HasTTL() bool { return o.Kind.WritesValue() && (o.TTL > 0 || o.Expiration != 0) }

// ErrInvalidOp is wrapped by every error Validate returns.
var ErrInvalidOp = errors.New("invalid operation")

// Validate reports the first problem that makes o unusable for checking.
func (o Op) Validate() error {
	switch {
	case !o.Kind.Valid():
		return fmt.Errorf("%w: unknown kind %q", ErrInvalidOp, o.Kind)
	case !o.Outcome.Valid():
		return fmt.Errorf("%w: unknown outcome %q", ErrInvalidOp, o.Outcome)
	case o.Key == "" && o.Kind != KindSync:
		return fmt.Errorf("%w: empty key", ErrInvalidOp)
	case o.Key != "" && o.Kind == KindSync:
		return fmt.Errorf("%w: a sync concerns every key, not %q", ErrInvalidOp, o.Key)
	case o.Kind.IsExpiry() && o.Outcome != OutcomeOK:
		return fmt.Errorf("%w: an %s record is %s, not ok", ErrInvalidOp, o.Kind, o.Outcome)
	case o.Clock != 0 && !o.Kind.IsExpiry():
		return fmt.Errorf("%w: clock on %s (only expire and sync records carry one)", ErrInvalidOp, o.Kind)
	case o.TTL < 0 || o.Expiration < 0 || o.Clock < 0:
		return fmt.Errorf("%w: negative ttl, expiration or clock", ErrInvalidOp)
	case (o.TTL != 0 || o.Expiration != 0 || o.Refresh) && !o.Kind.WritesValue():
		return fmt.Errorf("%w: ttl, expiration or refresh on %s", ErrInvalidOp, o.Kind)
	case o.Refresh && (o.Value != "" || !o.HasTTL()):
		return fmt.Errorf("%w: a refresh carries a TTL and no value", ErrInvalidOp)
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
	if o.Kind == KindSync {
		req = "sync"
	}
	if o.WritesValue() {
		req += fmt.Sprintf("=%q", o.Value)
	}
	req += o.ttlString()
	if o.PrevValue != "" {
		req += fmt.Sprintf(" if value=%q", o.PrevValue)
	}
	if o.PrevIndex != 0 {
		req += fmt.Sprintf(" if index=%d", o.PrevIndex)
	}
	return fmt.Sprintf("client %d %s -> %s [%s]", o.Client, req, o.ResultString(), human.Interval(o.Call, o.Return))
}

// ttlString describes o's TTL or expiry clock: " ttl 3s (expires 1767225603000000000)",
// " refresh ttl 3s", " at clock 1767225603000000000".
func (o Op) ttlString() string {
	var s string
	if o.Refresh {
		s += " refresh"
	}
	if o.TTL > 0 {
		s += " ttl " + time.Duration(o.TTL).String()
	}
	if o.Expiration != 0 {
		s += fmt.Sprintf(" (expires %d)", o.Expiration)
	}
	if o.Clock != 0 {
		s += fmt.Sprintf(" at clock %d", o.Clock)
	}
	return s
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

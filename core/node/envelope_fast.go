package node

import (
	"errors"
	"math"
	"strings"

	"github.com/raftlab/raftlab/core/internal/msgp"
	"github.com/raftlab/raftlab/core/store"
)

// errNotFast means the fast envelope decoder met something outside the narrow form the node's own
// encoder writes; the caller then decodes with the general msgpack decoder, so the result never
// depends on which decoder ran.
var errNotFast = errors.New("node: envelope outside the fast decoder's form")

// envReader decodes the msgpack the node's encoder writes for an envelope (maps keyed by field
// name, positive and negative integers, booleans, strings, nil or arrays of strings) without
// reflection, with core/internal/msgp's reader. Every node decodes every entry it applies, so this
// is on the simulator's hot path.
type envReader struct {
	msgp.Reader
}

// failed is errNotFast once any read was refused.
func (r *envReader) failed() error {
	if r.Err() != nil {
		return errNotFast
	}
	return nil
}

// decodeEnvelopeFast decodes b into env, or returns errNotFast (env is then left partly filled and
// must be discarded).
func decodeEnvelopeFast(b []byte, env *envelope) error {
	r := envReader{msgp.NewReader(b)}
	n := r.MapLen()
	for i := 0; i < n && r.Err() == nil; i++ {
		switch r.key() {
		case "ID":
			env.ID = r.Uint()
		case "Kind":
			env.Kind = envelopeKind(r.uint8())
		case "Write":
			r.write(env)
		case "Member":
			r.member(&env.Member)
		default:
			r.Fail(errNotFast)
		}
	}
	if r.Len() != 0 {
		r.Fail(errNotFast)
	}
	return r.failed()
}

func (r *envReader) write(env *envelope) {
	w := &env.Write
	var key, value, prevValue []byte // aliasing the input until copied at the end
	n := r.MapLen()
	for i := 0; i < n && r.Err() == nil; i++ {
		switch r.key() {
		case "Op":
			w.Op = store.Op(r.uint8())
		case "Key":
			key = r.Str()
		case "Value":
			value = r.Str()
		case "Dir":
			w.Dir = r.Bool()
		case "PrevValue":
			prevValue = r.Str()
		case "PrevIndex":
			w.PrevIndex = r.Uint()
		case "Recursive":
			w.Recursive = r.Bool()
		case "Refresh":
			w.Refresh = r.Bool()
		case "Expiration":
			w.Expiration = r.Int()
		case "HasTTL":
			w.HasTTL = r.Bool()
		case "Time":
			w.Time = r.Int()
		case "Caller":
			w.Caller = r.caller()
		default:
			r.Fail(errNotFast)
		}
	}
	w.Key, w.Value, w.PrevValue = copyStrings(key, value, prevValue)
}

func (r *envReader) caller() *store.Caller {
	c := &store.Caller{}
	n := r.MapLen()
	for i := 0; i < n && r.Err() == nil; i++ {
		switch r.key() {
		case "User":
			c.User = r.str()
		case "PasswordTag":
			c.PasswordTag = r.Uint()
		case "Cert":
			c.Cert = r.Bool()
		default:
			r.Fail(errNotFast)
		}
	}
	return c
}

// maxSharedStrings is the largest total size for which copyStrings copies a write's strings into one
// allocation. The store may keep one of them (a key) after dropping another (a replaced value), which
// keeps the whole allocation alive: the limit bounds what that can cost.
const maxSharedStrings = 256

// copyStrings returns string copies of key, value and prevValue. Small ones share one allocation:
// every applied write has a key and most have a value, and this halves their allocations.
func copyStrings(key, value, prevValue []byte) (string, string, string) {
	total := len(key) + len(value) + len(prevValue)
	if total > maxSharedStrings {
		return string(key), string(value), string(prevValue)
	}
	var b strings.Builder
	b.Grow(total)
	b.Write(key)
	b.Write(value)
	b.Write(prevValue)
	all := b.String()
	k, v := len(key), len(key)+len(value)
	return all[:k], all[k:v], all[v:]
}

func (r *envReader) member(m *Member) {
	n := r.MapLen()
	for i := 0; i < n && r.Err() == nil; i++ {
		switch r.key() {
		case "ID":
			m.ID = r.Uint()
		case "Name":
			m.Name = r.str()
		case "PeerURLs":
			m.PeerURLs = r.strs()
		case "ClientURLs":
			m.ClientURLs = r.strs()
		default:
			r.Fail(errNotFast)
		}
	}
}

// key reads a field name without allocating (the switch on string(bytes) does not copy).
func (r *envReader) key() string {
	b := r.Str()
	switch string(b) {
	case "ID":
		return "ID"
	case "Kind":
		return "Kind"
	case "Write":
		return "Write"
	case "Member":
		return "Member"
	case "Op":
		return "Op"
	case "Key":
		return "Key"
	case "Value":
		return "Value"
	case "Dir":
		return "Dir"
	case "PrevValue":
		return "PrevValue"
	case "PrevIndex":
		return "PrevIndex"
	case "Recursive":
		return "Recursive"
	case "Refresh":
		return "Refresh"
	case "Expiration":
		return "Expiration"
	case "HasTTL":
		return "HasTTL"
	case "Time":
		return "Time"
	case "Name":
		return "Name"
	case "PeerURLs":
		return "PeerURLs"
	case "ClientURLs":
		return "ClientURLs"
	case "Caller":
		return "Caller"
	case "User":
		return "User"
	case "PasswordTag":
		return "PasswordTag"
	case "Cert":
		return "Cert"
	}
	r.Fail(errNotFast)
	return ""
}

func (r *envReader) str() string { return string(r.Str()) }

// strs reads nil (a nil slice) or an array of strings.
func (r *envReader) strs() []string {
	if r.Nil() {
		return nil
	}
	n := r.ArrayLen()
	if r.Err() != nil {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = r.str()
	}
	return out
}

// uint8 reads a non-negative integer that fits in 8 bits (a kind, an op).
func (r *envReader) uint8() uint8 {
	v := r.Uint()
	if v > math.MaxUint8 {
		r.Fail(errNotFast)
	}
	return uint8(v)
}

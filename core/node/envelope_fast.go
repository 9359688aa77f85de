package node

import (
	"errors"
	"math"
	"strings"

	"github.com/raftlab/raftlab/core/store"
)

// errNotFast means the fast envelope decoder met something outside the narrow form the node's own
// encoder writes; the caller then decodes with the general msgpack decoder, so the result never
// depends on which decoder ran.
var errNotFast = errors.New("node: envelope outside the fast decoder's form")

// envReader decodes the msgpack the node's encoder writes for an envelope (maps keyed by field
// name, positive and negative integers, booleans, strings, nil or arrays of strings) without
// reflection. Every node decodes every entry it applies, so this is on the simulator's hot path.
type envReader struct {
	b   []byte
	pos int
	err error
}

// decodeEnvelopeFast decodes b into env, or returns errNotFast (env is then left partly filled and
// must be discarded).
func decodeEnvelopeFast(b []byte, env *envelope) error {
	r := envReader{b: b}
	n := r.mapLen()
	for i := 0; i < n && r.err == nil; i++ {
		switch r.key() {
		case "ID":
			env.ID = r.uint(math.MaxUint64)
		case "Kind":
			env.Kind = envelopeKind(r.uint(math.MaxUint8))
		case "Write":
			r.write(env)
		case "Member":
			r.member(&env.Member)
		default:
			r.err = errNotFast
		}
	}
	if r.err == nil && r.pos != len(b) {
		r.err = errNotFast
	}
	return r.err
}

func (r *envReader) write(env *envelope) {
	w := &env.Write
	var key, value, prevValue []byte // aliasing the input until copied at the end
	n := r.mapLen()
	for i := 0; i < n && r.err == nil; i++ {
		switch r.key() {
		case "Op":
			w.Op = store.Op(r.uint(math.MaxUint8))
		case "Key":
			key = r.strBytes()
		case "Value":
			value = r.strBytes()
		case "Dir":
			w.Dir = r.bool()
		case "PrevValue":
			prevValue = r.strBytes()
		case "PrevIndex":
			w.PrevIndex = r.uint(math.MaxUint64)
		case "Recursive":
			w.Recursive = r.bool()
		case "Refresh":
			w.Refresh = r.bool()
		case "Expiration":
			w.Expiration = r.int()
		case "HasTTL":
			w.HasTTL = r.bool()
		case "Time":
			w.Time = r.int()
		case "Caller":
			w.Caller = r.caller()
		default:
			r.err = errNotFast
		}
	}
	w.Key, w.Value, w.PrevValue = copyStrings(key, value, prevValue)
}

func (r *envReader) caller() *store.Caller {
	c := &store.Caller{}
	n := r.mapLen()
	for i := 0; i < n && r.err == nil; i++ {
		switch r.key() {
		case "User":
			c.User = r.str()
		case "PasswordTag":
			c.PasswordTag = r.uint(math.MaxUint64)
		case "Cert":
			c.Cert = r.bool()
		default:
			r.err = errNotFast
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
	n := r.mapLen()
	for i := 0; i < n && r.err == nil; i++ {
		switch r.key() {
		case "ID":
			m.ID = r.uint(math.MaxUint64)
		case "Name":
			m.Name = r.str()
		case "PeerURLs":
			m.PeerURLs = r.strs()
		case "ClientURLs":
			m.ClientURLs = r.strs()
		default:
			r.err = errNotFast
		}
	}
}

// next returns the next byte, or fails at the end of the input.
func (r *envReader) next() byte {
	if r.err != nil || r.pos >= len(r.b) {
		r.err = errNotFast
		return 0
	}
	c := r.b[r.pos]
	r.pos++
	return c
}

// bigEndian reads an n-byte unsigned integer.
func (r *envReader) bigEndian(n int) uint64 {
	if r.err != nil || len(r.b)-r.pos < n {
		r.err = errNotFast
		return 0
	}
	var v uint64
	for _, c := range r.b[r.pos : r.pos+n] {
		v = v<<8 | uint64(c)
	}
	r.pos += n
	return v
}

func (r *envReader) mapLen() int {
	switch c := r.next(); {
	case c >= 0x80 && c <= 0x8f:
		return int(c & 0x0f)
	case c == 0xde:
		return int(r.bigEndian(2))
	default:
		r.err = errNotFast
		return 0
	}
}

func (r *envReader) arrayLen() int {
	switch c := r.next(); {
	case c >= 0x90 && c <= 0x9f:
		return int(c & 0x0f)
	case c == 0xdc:
		return int(r.bigEndian(2))
	default:
		r.err = errNotFast
		return 0
	}
}

// strBytes reads a msgpack str and returns its bytes (aliasing the input).
func (r *envReader) strBytes() []byte {
	var n int
	switch c := r.next(); {
	case c >= 0xa0 && c <= 0xbf:
		n = int(c & 0x1f)
	case c == 0xd9:
		n = int(r.bigEndian(1))
	case c == 0xda:
		n = int(r.bigEndian(2))
	case c == 0xdb:
		n = int(r.bigEndian(4))
	default:
		r.err = errNotFast
	}
	if r.err != nil || len(r.b)-r.pos < n {
		r.err = errNotFast
		return nil
	}
	s := r.b[r.pos : r.pos+n]
	r.pos += n
	return s
}

// key reads a field name without allocating (the switch on string(bytes) does not copy).
func (r *envReader) key() string {
	b := r.strBytes()
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
	r.err = errNotFast
	return ""
}

func (r *envReader) str() string { return string(r.strBytes()) }

// strs reads nil (a nil slice) or an array of strings.
func (r *envReader) strs() []string {
	if r.err == nil && r.pos < len(r.b) && r.b[r.pos] == 0xc0 {
		r.pos++
		return nil
	}
	n := r.arrayLen()
	if r.err != nil || n > len(r.b)-r.pos {
		r.err = errNotFast
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = r.str()
	}
	return out
}

func (r *envReader) bool() bool {
	switch r.next() {
	case 0xc2:
		return false
	case 0xc3:
		return true
	}
	r.err = errNotFast
	return false
}

// uint reads a non-negative integer no larger than limit.
func (r *envReader) uint(limit uint64) uint64 {
	var v uint64
	switch c := r.next(); {
	case c <= 0x7f:
		v = uint64(c)
	case c == 0xcc:
		v = r.bigEndian(1)
	case c == 0xcd:
		v = r.bigEndian(2)
	case c == 0xce:
		v = r.bigEndian(4)
	case c == 0xcf:
		v = r.bigEndian(8)
	default:
		r.err = errNotFast
	}
	if v > limit {
		r.err = errNotFast
	}
	return v
}

// int reads a signed or unsigned integer that fits an int64.
func (r *envReader) int() int64 {
	switch c := r.next(); {
	case c <= 0x7f:
		return int64(c)
	case c >= 0xe0:
		return int64(int8(c))
	case c == 0xd0:
		return int64(int8(r.bigEndian(1)))
	case c == 0xd1:
		return int64(int16(r.bigEndian(2)))
	case c == 0xd2:
		return int64(int32(r.bigEndian(4)))
	case c == 0xd3:
		return int64(r.bigEndian(8))
	case c == 0xcc || c == 0xcd || c == 0xce || c == 0xcf:
		r.pos--
		return int64(r.uint(math.MaxInt64))
	}
	r.err = errNotFast
	return 0
}

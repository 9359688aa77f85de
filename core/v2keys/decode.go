package v2keys

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/raftlab/raftlab/core/store"
)

// Wire is a keys response as an HTTP client receives it: the status code, the X-Etcd-Index header
// and the body bytes.
type Wire struct {
	Status    int
	EtcdIndex string
	Body      []byte
}

// Wire renders r as the bytes an HTTP client receives, its body appended to buf.
func (r *Response) Wire(buf []byte) Wire {
	return Wire{Status: r.Status, EtcdIndex: strconv.FormatUint(r.EtcdIndex, 10), Body: r.AppendBody(buf)}
}

// Answer is what a client reads from a keys response.
type Answer struct {
	Status    int
	EtcdIndex uint64
	// Event is the body of a 200 or 201, Error the body of any other status.
	Event *store.Event
	Error *store.Error
}

// Decode reads a keys response the way a v2 client does: the status code says whether the body is
// an event or an error, X-Etcd-Index is a decimal index. A body that is not the JSON it should be is
// an error.
func Decode(w Wire) (Answer, error) {
	a := Answer{Status: w.Status}
	var err error
	if a.EtcdIndex, err = strconv.ParseUint(w.EtcdIndex, 10, 64); err != nil {
		return a, fmt.Errorf("v2keys: X-Etcd-Index %q: %w", w.EtcdIndex, err)
	}
	d := decoder{b: w.Body}
	if w.Status == http.StatusOK || w.Status == http.StatusCreated {
		a.Event = new(store.Event)
		d.event(a.Event)
	} else {
		a.Error = new(store.Error)
		d.errorBody(a.Error)
	}
	d.end()
	if d.err != nil {
		return a, fmt.Errorf("v2keys: body of a %d answer: %w", w.Status, d.err)
	}
	return a, nil
}

// decoder reads the JSON of events and errors, as encoding/json would into store.Event and
// store.Error (unknown fields skipped), without reflection; the first error stops it.
type decoder struct {
	b   []byte
	i   int
	err error
}

func (d *decoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%s at byte %d", what, d.i)
	}
}

// end fails unless only white space is left.
func (d *decoder) end() {
	if d.err == nil {
		d.space()
		if d.i != len(d.b) {
			d.fail("data after the value")
		}
	}
}

func (d *decoder) space() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// peek is the next byte that is not white space, 0 at the end.
func (d *decoder) peek() byte {
	d.space()
	if d.err != nil || d.i >= len(d.b) {
		return 0
	}
	return d.b[d.i]
}

func (d *decoder) expect(c byte) {
	if d.peek() != c {
		d.fail("expected " + strconv.QuoteRune(rune(c)))
		return
	}
	d.i++
}

// literal consumes word (null, true, false) if it comes next.
func (d *decoder) literal(word string) bool {
	d.space()
	if d.err == nil && len(d.b)-d.i >= len(word) && string(d.b[d.i:d.i+len(word)]) == word {
		d.i += len(word)
		return true
	}
	return false
}

// object reads an object (or null), calling field for each member; field reads the value. name is
// valid during the call only (it may be a slice of the input).
func (d *decoder) object(field func(name []byte)) {
	if d.literal("null") {
		return
	}
	d.expect('{')
	if d.peek() == '}' {
		d.i++
		return
	}
	for d.err == nil {
		name := d.strBytes()
		d.expect(':')
		field(name)
		switch d.peek() {
		case ',':
			d.i++
		case '}':
			d.i++
			return
		default:
			d.fail("expected , or }")
		}
	}
}

func (d *decoder) event(ev *store.Event) {
	d.object(func(name []byte) {
		switch string(name) {
		case "action":
			ev.Action = action(d.strBytes())
		case "node":
			ev.Node = d.node()
		case "prevNode":
			ev.PrevNode = d.node()
		default:
			d.skip()
		}
	})
}

func (d *decoder) errorBody(e *store.Error) {
	d.object(func(name []byte) {
		switch string(name) {
		case "errorCode":
			e.ErrorCode = int(d.int())
		case "message":
			e.Message = d.str()
		case "cause":
			e.Cause = d.str()
		case "index":
			e.Index = d.uint()
		default:
			d.skip()
		}
	})
}

// action is the action named b: one of the store's constants when it is one (no allocation).
func action(b []byte) string {
	switch string(b) {
	case store.ActionGet:
		return store.ActionGet
	case store.ActionSet:
		return store.ActionSet
	case store.ActionCreate:
		return store.ActionCreate
	case store.ActionUpdate:
		return store.ActionUpdate
	case store.ActionDelete:
		return store.ActionDelete
	case store.ActionCompareAndSwap:
		return store.ActionCompareAndSwap
	case store.ActionCompareAndDelete:
		return store.ActionCompareAndDelete
	case store.ActionExpire:
		return store.ActionExpire
	}
	return string(b)
}

// node reads a node, nil for null.
func (d *decoder) node() *store.NodeExtern {
	if d.literal("null") {
		return nil
	}
	nv := new(struct { // the node and its value in one allocation
		n store.NodeExtern
		v string
	})
	n := &nv.n
	d.object(func(name []byte) {
		switch string(name) {
		case "key":
			n.Key = d.str()
		case "value":
			if !d.literal("null") {
				nv.v = d.str()
				n.Value = &nv.v
			}
		case "dir":
			n.Dir = d.bool()
		case "expiration":
			if !d.literal("null") {
				t, err := time.Parse(time.RFC3339Nano, d.str())
				if err != nil {
					d.fail("expiration: " + err.Error())
				}
				n.Expiration = &t
			}
		case "ttl":
			n.TTL = d.int()
		case "nodes":
			n.Nodes = d.nodes()
		case "modifiedIndex":
			n.ModifiedIndex = d.uint()
		case "createdIndex":
			n.CreatedIndex = d.uint()
		default:
			d.skip()
		}
	})
	return n
}

func (d *decoder) nodes() []*store.NodeExtern {
	if d.literal("null") {
		return nil
	}
	d.expect('[')
	out := []*store.NodeExtern{}
	if d.peek() == ']' {
		d.i++
		return out
	}
	for d.err == nil {
		out = append(out, d.node())
		switch d.peek() {
		case ',':
			d.i++
		case ']':
			d.i++
			return out
		default:
			d.fail("expected , or ]")
		}
	}
	return out
}

func (d *decoder) bool() bool {
	switch {
	case d.literal("true"):
		return true
	case d.literal("false"):
		return false
	}
	d.fail("expected a boolean")
	return false
}

// number is the text of the number that comes next.
func (d *decoder) number() string {
	d.space()
	start := d.i
	for d.i < len(d.b) && (d.b[d.i] == '-' || d.b[d.i] == '+' || d.b[d.i] == '.' || d.b[d.i] == 'e' ||
		d.b[d.i] == 'E' || (d.b[d.i] >= '0' && d.b[d.i] <= '9')) {
		d.i++
	}
	return string(d.b[start:d.i])
}

func (d *decoder) uint() uint64 {
	v, err := strconv.ParseUint(d.number(), 10, 64)
	if err != nil {
		d.fail("expected an index")
	}
	return v
}

func (d *decoder) int() int64 {
	v, err := strconv.ParseInt(d.number(), 10, 64)
	if err != nil {
		d.fail("expected an integer")
	}
	return v
}

// str reads a string, its escapes undone.
func (d *decoder) str() string { return string(d.strBytes()) }

// strBytes reads a string, its escapes undone: a slice of the input when it has none.
func (d *decoder) strBytes() []byte {
	d.expect('"')
	if d.err != nil {
		return nil
	}
	start := d.i
	for d.i < len(d.b) { // the common case: no escape
		c := d.b[d.i]
		if c == '"' {
			s := d.b[start:d.i]
			d.i++
			return s
		}
		if c == '\\' || c < 0x20 {
			break
		}
		d.i++
	}
	out := append([]byte(nil), d.b[start:d.i]...)
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			d.i++
			return out
		case c < 0x20:
			d.fail("control character in a string")
			return nil
		case c != '\\':
			out = append(out, c)
			d.i++
			continue
		}
		if d.i+1 >= len(d.b) {
			break
		}
		e := d.b[d.i+1]
		d.i += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r := d.hex4()
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if d.i+1 < len(d.b) && d.b[d.i] == '\\' && d.b[d.i+1] == 'u' {
					save := d.i
					d.i += 2
					if r2 = d.hex4(); utf16.DecodeRune(r, r2) == utf8.RuneError {
						d.i, r2 = save, -1
					}
				}
				r = utf16.DecodeRune(r, r2)
			}
			out = utf8.AppendRune(out, r)
		default:
			d.fail("bad escape")
			return nil
		}
	}
	d.fail("unterminated string")
	return nil
}

// hex4 reads the four hex digits of a \u escape.
func (d *decoder) hex4() rune {
	if len(d.b)-d.i < 4 {
		d.fail("short \\u escape")
		return utf8.RuneError
	}
	v, err := strconv.ParseUint(string(d.b[d.i:d.i+4]), 16, 32)
	if err != nil {
		d.fail("bad \\u escape")
		return utf8.RuneError
	}
	d.i += 4
	return rune(v)
}

// errNested stops skip on values nested deeper than a response has reason to be.
var errNested = errors.New("value nested too deep")

// skip reads past a value of a field the client does not know.
func (d *decoder) skip() { d.skipDepth(0) }

func (d *decoder) skipDepth(depth int) {
	if depth > 64 {
		if d.err == nil {
			d.err = errNested
		}
		return
	}
	switch c := d.peek(); {
	case c == '"':
		d.str()
	case c == '{':
		d.object(func([]byte) { d.skipDepth(depth + 1) })
	case c == '[':
		d.i++
		if d.peek() == ']' {
			d.i++
			return
		}
		for d.err == nil {
			d.skipDepth(depth + 1)
			if d.peek() == ']' {
				d.i++
				return
			}
			d.expect(',')
		}
	case d.literal("true"), d.literal("false"), d.literal("null"):
	default:
		if d.number() == "" {
			d.fail("expected a value")
		}
	}
}

// DecodeEvent reads one event of a watch's body (one JSON line).
func DecodeEvent(line []byte) (*store.Event, error) {
	d := decoder{b: line}
	ev := new(store.Event)
	d.event(ev)
	d.end()
	if d.err != nil {
		return nil, fmt.Errorf("v2keys: watch event: %w", d.err)
	}
	return ev, nil
}

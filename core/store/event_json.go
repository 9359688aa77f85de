package store

import (
	"strconv"
	"unicode/utf8"
)

// Events are encoded on the hot paths of the server (every key response) and of snapshots (the
// node's table of recent results), and encoding/json spends most of that time in reflection.
// AppendJSON writes the same bytes directly. event_json_test.go compares the two on random events,
// and fails when Event or NodeExtern gain a field that AppendJSON does not know.

// AppendJSON appends e as json.Marshal encodes it (HTML-escaped strings, omitempty fields); ok is
// false when a node's expiration has no JSON form (a year outside 0..9999), for the caller to fall
// back on encoding/json, which says why.
func (ev *Event) AppendJSON(b []byte) (_ []byte, ok bool) {
	b = append(b, `{"action":`...)
	b = AppendJSONString(b, ev.Action)
	if ev.Node != nil {
		b = append(b, `,"node":`...)
		if b, ok = appendNodeJSON(b, ev.Node); !ok {
			return b, false
		}
	}
	if ev.PrevNode != nil {
		b = append(b, `,"prevNode":`...)
		if b, ok = appendNodeJSON(b, ev.PrevNode); !ok {
			return b, false
		}
	}
	return append(b, '}'), true
}

// appendNodeJSON appends n (null when nil) with its omitempty fields left out.
func appendNodeJSON(b []byte, n *NodeExtern) (_ []byte, ok bool) {
	if n == nil {
		return append(b, "null"...), true
	}
	b = append(b, '{')
	start := len(b) // every field but the first is preceded by a comma
	if n.Key != "" {
		b = appendFieldName(b, start, "key")
		b = AppendJSONString(b, n.Key)
	}
	if n.Value != nil {
		b = appendFieldName(b, start, "value")
		b = AppendJSONString(b, *n.Value)
	}
	if n.Dir {
		b = appendFieldName(b, start, "dir")
		b = append(b, "true"...)
	}
	if n.Expiration != nil {
		t, err := n.Expiration.MarshalJSON()
		if err != nil {
			return b, false
		}
		b = appendFieldName(b, start, "expiration")
		b = append(b, t...)
	}
	if n.TTL != 0 {
		b = appendFieldName(b, start, "ttl")
		b = strconv.AppendInt(b, n.TTL, 10)
	}
	if len(n.Nodes) > 0 {
		b = appendFieldName(b, start, "nodes")
		b = append(b, '[')
		for i, c := range n.Nodes {
			if i > 0 {
				b = append(b, ',')
			}
			if b, ok = appendNodeJSON(b, c); !ok {
				return b, false
			}
		}
		b = append(b, ']')
	}
	if n.ModifiedIndex != 0 {
		b = appendFieldName(b, start, "modifiedIndex")
		b = strconv.AppendUint(b, n.ModifiedIndex, 10)
	}
	if n.CreatedIndex != 0 {
		b = appendFieldName(b, start, "createdIndex")
		b = strconv.AppendUint(b, n.CreatedIndex, 10)
	}
	return append(b, '}'), true
}

// appendFieldName appends "name": after a comma unless the object that starts at b[start:] is still empty.
func appendFieldName(b []byte, start int, name string) []byte {
	if len(b) > start {
		b = append(b, ',')
	}
	b = append(b, '"')
	b = append(b, name...)
	return append(b, '"', ':')
}

// Word-at-a-time constants: a byte's value in every byte of a uint64.
const (
	bytesOf01 = 0x0101010101010101
	bytesOf80 = 0x8080808080808080
)

// plainASCII8 reports whether all eight bytes of x are jsonPlainASCII, testing them together: none
// has its high bit set, none is below 0x20, none is '"', '\\', '<', '>' or '&'. ((y - 0x01..) &^ y
// has a byte's high bit set exactly when some byte of y is zero; x - 0x20.., when some byte of x is
// below 0x20, provided no byte of x has its high bit set, which x itself tells.)
func plainASCII8(x uint64) bool {
	bad := x | (x - 0x20*bytesOf01) |
		(x^'"'*bytesOf01-bytesOf01)&^(x^'"'*bytesOf01) |
		(x^'\\'*bytesOf01-bytesOf01)&^(x^'\\'*bytesOf01) |
		(x^'<'*bytesOf01-bytesOf01)&^(x^'<'*bytesOf01) |
		(x^'>'*bytesOf01-bytesOf01)&^(x^'>'*bytesOf01) |
		(x^'&'*bytesOf01-bytesOf01)&^(x^'&'*bytesOf01)
	return bad&bytesOf80 == 0
}

// load8 is s[i:i+8] as a little-endian uint64 (one load; one bounds check).
func load8(s string, i int) uint64 {
	w := s[i : i+8]
	return uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
		uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
}

// jsonPlainASCII says which bytes AppendJSONString copies as they are: the ASCII ones encoding/json
// does not escape. It is a constant table (never written after its initialisation).
var jsonPlainASCII = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// AppendJSONString appends s as a JSON string the way encoding/json escapes it by default: '"',
// '\\' and the control characters escaped (\b \f \n \r \t by name, the others as \u00XX), '<',
// '>' and '&' as \u003c \u003e \u0026, U+2028 and U+2029 as \u2028 and \u2029, and each byte of
// invalid UTF-8 as \ufffd.
func AppendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	done := 0 // s[:done] is in b
	for i := 0; i < len(s); {
		c := s[i]
		if jsonPlainASCII[c] {
			i++
			// Skip plain ASCII eight bytes at a time (values are mostly that).
			for i+8 <= len(s) && plainASCII8(load8(s, i)) {
				i += 8
			}
			continue
		}
		if c < utf8.RuneSelf {
			var esc string
			switch c {
			case '"':
				esc = `\"`
			case '\\':
				esc = `\\`
			case '\b':
				esc = `\b`
			case '\f':
				esc = `\f`
			case '\n':
				esc = `\n`
			case '\r':
				esc = `\r`
			case '\t':
				esc = `\t`
			default:
				if c >= 0x20 && c != '<' && c != '>' && c != '&' {
					i++
					continue
				}
			}
			b = append(b, s[done:i]...)
			if esc != "" {
				b = append(b, esc...)
			} else {
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			done = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[done:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[done:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		done = i
	}
	b = append(b, s[done:]...)
	return append(b, '"')
}

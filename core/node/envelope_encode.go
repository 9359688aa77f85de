package node

import (
	"math"

	"github.com/raftlab/raftlab/core/store"
)

// appendEnvelope appends env in exactly the bytes the reflective msgpack encoder writes for it (a map
// per struct, keyed by field name in sorted order, smallest integer forms, str strings, nil for a nil
// slice): every proposal is encoded once, and reflection made this the node's costliest step.
// TestAppendEnvelopeMatchesTheReflectiveEncoder holds the two to the same bytes.
func appendEnvelope(b []byte, env *envelope) []byte {
	b = appendMapHeader(b, 4)
	b = appendUintField(b, "ID", env.ID)
	b = appendUintField(b, "Kind", uint64(env.Kind))
	b = appendMember(appendStr(b, "Member"), &env.Member)
	return appendWriteRequest(appendStr(b, "Write"), &env.Write)
}

func appendWriteRequest(b []byte, w *store.Request) []byte {
	if w.Caller == nil {
		b = appendMapHeader(b, 11)
	} else {
		b = appendCaller(appendStr(appendMapHeader(b, 12), "Caller"), w.Caller)
	}
	b = appendBool(appendStr(b, "Dir"), w.Dir)
	b = appendInt(appendStr(b, "Expiration"), w.Expiration)
	b = appendBool(appendStr(b, "HasTTL"), w.HasTTL)
	b = appendStr(appendStr(b, "Key"), w.Key)
	b = appendUintField(b, "Op", uint64(w.Op))
	b = appendUintField(b, "PrevIndex", w.PrevIndex)
	b = appendStr(appendStr(b, "PrevValue"), w.PrevValue)
	b = appendBool(appendStr(b, "Recursive"), w.Recursive)
	b = appendBool(appendStr(b, "Refresh"), w.Refresh)
	b = appendInt(appendStr(b, "Time"), w.Time)
	return appendStr(appendStr(b, "Value"), w.Value)
}

// appendCaller writes the fields that are set (omitempty), in name order.
func appendCaller(b []byte, c *store.Caller) []byte {
	n := 0
	for _, set := range []bool{c.Cert, c.PasswordTag != 0, c.User != ""} {
		if set {
			n++
		}
	}
	b = appendMapHeader(b, n)
	if c.Cert {
		b = appendBool(appendStr(b, "Cert"), true)
	}
	if c.PasswordTag != 0 {
		b = appendUintField(b, "PasswordTag", c.PasswordTag)
	}
	if c.User != "" {
		b = appendStr(appendStr(b, "User"), c.User)
	}
	return b
}

func appendMember(b []byte, m *Member) []byte {
	b = appendMapHeader(b, 4)
	b = appendStrs(appendStr(b, "ClientURLs"), m.ClientURLs)
	b = appendUintField(b, "ID", m.ID)
	b = appendStr(appendStr(b, "Name"), m.Name)
	return appendStrs(appendStr(b, "PeerURLs"), m.PeerURLs)
}

func appendUintField(b []byte, name string, v uint64) []byte {
	return appendUint(appendStr(b, name), v)
}

// appendContainerHeader appends a msgpack length: the fix form below fixLimit (fixBase|n), then the
// 8-bit form when the type has one (b8 != 0), then the 16- and 32-bit forms.
func appendContainerHeader(b []byte, n int, fixBase byte, fixLimit int, b8, b16, b32 byte) []byte {
	switch {
	case n < fixLimit:
		return append(b, fixBase|byte(n))
	case b8 != 0 && n < 256:
		return append(b, b8, byte(n))
	case n < 65536:
		return append(b, b16, byte(n>>8), byte(n))
	default:
		return append(b, b32, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
}

func appendMapHeader(b []byte, n int) []byte {
	return appendContainerHeader(b, n, 0x80, 16, 0, 0xde, 0xdf)
}

func appendStr(b []byte, s string) []byte {
	return append(appendContainerHeader(b, len(s), 0xa0, 32, 0xd9, 0xda, 0xdb), s...)
}

// appendStrs appends nil for a nil slice, an array of strings otherwise.
func appendStrs(b []byte, ss []string) []byte {
	if ss == nil {
		return append(b, 0xc0)
	}
	b = appendContainerHeader(b, len(ss), 0x90, 16, 0, 0xdc, 0xdd)
	for _, s := range ss {
		b = appendStr(b, s)
	}
	return b
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 0xc3)
	}
	return append(b, 0xc2)
}

func appendUint(b []byte, v uint64) []byte {
	switch {
	case v <= math.MaxInt8:
		return append(b, byte(v))
	case v <= math.MaxUint8:
		return append(b, 0xcc, byte(v))
	case v <= math.MaxUint16:
		return append(b, 0xcd, byte(v>>8), byte(v))
	case v <= math.MaxUint32:
		return append(b, 0xce, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
	default:
		return appendBig64(append(b, 0xcf), v)
	}
}

// appendInt appends a signed integer as the reflective encoder does: positive values in signed forms.
func appendInt(b []byte, v int64) []byte {
	switch {
	case v > math.MaxInt8:
		switch {
		case v <= math.MaxInt16:
			return append(b, 0xd1, byte(v>>8), byte(v))
		case v <= math.MaxInt32:
			return append(b, 0xd2, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
		default:
			return appendBig64(append(b, 0xd3), uint64(v))
		}
	case v >= -32:
		return append(b, byte(v))
	case v >= math.MinInt8:
		return append(b, 0xd0, byte(v))
	case v >= math.MinInt16:
		return append(b, 0xd1, byte(v>>8), byte(v))
	case v >= math.MinInt32:
		return append(b, 0xd2, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
	default:
		return appendBig64(append(b, 0xd3), uint64(v))
	}
}

func appendBig64(b []byte, v uint64) []byte {
	return append(b, byte(v>>56), byte(v>>48), byte(v>>40), byte(v>>32), byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
}

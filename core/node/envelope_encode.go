package node

import (
	"github.com/raftlab/raftlab/core/internal/msgp"
	"github.com/raftlab/raftlab/core/store"
)

// appendEnvelope appends env in exactly the bytes the reflective msgpack encoder writes for it (a map
// per struct, keyed by field name in sorted order, smallest integer forms, str strings, nil for a nil
// slice), with core/internal/msgp's primitives: every proposal is encoded once, and reflection made
// this the node's costliest step.
// TestAppendEnvelopeMatchesTheReflectiveEncoder holds the two to the same bytes.
func appendEnvelope(b []byte, env *envelope) []byte {
	b = msgp.AppendMapHeader(b, 4)
	b = appendUintField(b, "ID", env.ID)
	b = appendUintField(b, "Kind", uint64(env.Kind))
	b = appendMember(msgp.AppendStr(b, "Member"), &env.Member)
	return appendWriteRequest(msgp.AppendStr(b, "Write"), &env.Write)
}

func appendWriteRequest(b []byte, w *store.Request) []byte {
	if w.Caller == nil {
		b = msgp.AppendMapHeader(b, 11)
	} else {
		b = appendCaller(msgp.AppendStr(msgp.AppendMapHeader(b, 12), "Caller"), w.Caller)
	}
	b = msgp.AppendBool(msgp.AppendStr(b, "Dir"), w.Dir)
	b = msgp.AppendInt(msgp.AppendStr(b, "Expiration"), w.Expiration)
	b = msgp.AppendBool(msgp.AppendStr(b, "HasTTL"), w.HasTTL)
	b = msgp.AppendStr(msgp.AppendStr(b, "Key"), w.Key)
	b = appendUintField(b, "Op", uint64(w.Op))
	b = appendUintField(b, "PrevIndex", w.PrevIndex)
	b = msgp.AppendStr(msgp.AppendStr(b, "PrevValue"), w.PrevValue)
	b = msgp.AppendBool(msgp.AppendStr(b, "Recursive"), w.Recursive)
	b = msgp.AppendBool(msgp.AppendStr(b, "Refresh"), w.Refresh)
	b = msgp.AppendInt(msgp.AppendStr(b, "Time"), w.Time)
	return msgp.AppendStr(msgp.AppendStr(b, "Value"), w.Value)
}

// appendCaller writes the fields that are set (omitempty), in name order.
func appendCaller(b []byte, c *store.Caller) []byte {
	n := 0
	for _, set := range []bool{c.Cert, c.PasswordTag != 0, c.User != ""} {
		if set {
			n++
		}
	}
	b = msgp.AppendMapHeader(b, n)
	if c.Cert {
		b = msgp.AppendBool(msgp.AppendStr(b, "Cert"), true)
	}
	if c.PasswordTag != 0 {
		b = appendUintField(b, "PasswordTag", c.PasswordTag)
	}
	if c.User != "" {
		b = msgp.AppendStr(msgp.AppendStr(b, "User"), c.User)
	}
	return b
}

func appendMember(b []byte, m *Member) []byte {
	b = msgp.AppendMapHeader(b, 4)
	b = appendStrs(msgp.AppendStr(b, "ClientURLs"), m.ClientURLs)
	b = appendUintField(b, "ID", m.ID)
	b = msgp.AppendStr(msgp.AppendStr(b, "Name"), m.Name)
	return appendStrs(msgp.AppendStr(b, "PeerURLs"), m.PeerURLs)
}

func appendUintField(b []byte, name string, v uint64) []byte {
	return msgp.AppendUint(msgp.AppendStr(b, name), v)
}

// appendStrs appends nil for a nil slice, an array of strings otherwise.
func appendStrs(b []byte, ss []string) []byte {
	if ss == nil {
		return msgp.AppendNil(b)
	}
	b = msgp.AppendArrayHeader(b, len(ss))
	for _, s := range ss {
		b = msgp.AppendStr(b, s)
	}
	return b
}

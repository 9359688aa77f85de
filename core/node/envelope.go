package node

import (
	"bytes"
	"fmt"

	"github.com/hashicorp/go-msgpack/v2/codec"
	"github.com/raftlab/raftlab/core/store"
)

// envelopeKind tells what a normal log entry carries.
type envelopeKind uint8

const (
	envWrite envelopeKind = iota + 1
	envPublish
	envSync
	envMemberUpdate
	envInternal
)

// envelope is the payload of every EntryNormal entry and the Context of every EntryConfChange.
type envelope struct {
	ID     uint64
	Kind   envelopeKind
	Write  store.Request
	Member Member
}

// codecs holds the msgpack handle and one encoder and decoder reused for every call (building them
// costs more than encoding an envelope); one per node so that nothing is shared between nodes.
type codecs struct {
	h   codec.MsgpackHandle
	enc *codec.Encoder
	dec *codec.Decoder
	buf []byte // the encoder's scratch output, copied out at the exact size
}

func newCodecs() *codecs {
	c := &codecs{}
	c.h.WriteExt = true
	return c
}

func (c *codecs) encode(v any) ([]byte, error) {
	if c.buf == nil {
		c.buf = make([]byte, 0, 512)
	}
	c.buf = c.buf[:0]
	if c.enc == nil {
		c.enc = codec.NewEncoderBytes(&c.buf, &c.h)
	} else {
		c.enc.ResetBytes(&c.buf)
	}
	if err := c.enc.Encode(v); err != nil {
		return nil, fmt.Errorf("node: encode %T: %w", v, err)
	}
	return bytes.Clone(c.buf), nil
}

func (c *codecs) decode(b []byte, v any) error {
	if env, ok := v.(*envelope); ok {
		var fast envelope
		if decodeEnvelopeFast(b, &fast) == nil {
			*env = fast
			return nil
		}
	}
	if b == nil {
		b = []byte{} // ResetBytes ignores nil and would decode the previous input again
	}
	if c.dec == nil {
		c.dec = codec.NewDecoderBytes(b, &c.h)
	} else {
		c.dec.ResetBytes(b)
	}
	if err := c.dec.Decode(v); err != nil {
		return fmt.Errorf("node: decode %T: %w", v, err)
	}
	return nil
}

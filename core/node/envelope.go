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

// encodeEnvelope encodes *env with the hand-written encoder (appendEnvelope, the same bytes as the
// reflective one) into the scratch buffer and returns an exact-size copy; env does not escape.
func (c *codecs) encodeEnvelope(env *envelope) ([]byte, error) {
	c.buf = appendEnvelope(c.buf[:0], env)
	return bytes.Clone(c.buf), nil
}

// decodeEnvelope decodes b into *env: with the in-order decoder when b is laid out exactly as the
// node's own encoder writes it, with the field-by-field fast decoder when it is in that narrower
// msgpack form but in another order, and with the general one otherwise. Only the general path
// allocates an envelope: env itself does not escape.
func (c *codecs) decodeEnvelope(b []byte, env *envelope) error {
	if decodeEnvelopeInOrder(b, env) == nil {
		return nil
	}
	*env = envelope{}
	if decodeEnvelopeFast(b, env) == nil {
		return nil
	}
	*env = envelope{}
	slow := new(envelope)
	if err := c.decodeGeneral(b, slow); err != nil {
		return err
	}
	*env = *slow
	return nil
}

func (c *codecs) decode(b []byte, v any) error {
	if env, ok := v.(*envelope); ok {
		return c.decodeEnvelope(b, env)
	}
	return c.decodeGeneral(b, v)
}

// decodeGeneral decodes b into v with the reflective msgpack decoder.
func (c *codecs) decodeGeneral(b []byte, v any) error {
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

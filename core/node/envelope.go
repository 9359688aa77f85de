package node

import (
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

// codecs holds the msgpack handle; one per node so that nothing is shared between nodes.
type codecs struct {
	h codec.MsgpackHandle
}

func newCodecs() *codecs {
	c := &codecs{}
	c.h.WriteExt = true
	return c
}

func (c *codecs) encode(v any) ([]byte, error) {
	var b []byte
	if err := codec.NewEncoderBytes(&b, &c.h).Encode(v); err != nil {
		return nil, fmt.Errorf("node: encode %T: %w", v, err)
	}
	return b, nil
}

func (c *codecs) decode(b []byte, v any) error {
	if err := codec.NewDecoderBytes(b, &c.h).Decode(v); err != nil {
		return fmt.Errorf("node: decode %T: %w", v, err)
	}
	return nil
}

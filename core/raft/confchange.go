package raft

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// confChangeVersion is the first byte of an encoded ConfChange.
const confChangeVersion = 1

// ErrInvalidConfChange wraps every malformed or unacceptable ConfChange.
var ErrInvalidConfChange = errors.New("raft: invalid conf change")

// EncodeConfChange encodes cc as: version byte, type byte, 8-byte big-endian NodeID, context bytes.
func EncodeConfChange(cc ConfChange) []byte {
	b := make([]byte, 10, 10+len(cc.Context))
	b[0] = confChangeVersion
	b[1] = byte(cc.Type)
	binary.BigEndian.PutUint64(b[2:], cc.NodeID)
	return append(b, cc.Context...)
}

// DecodeConfChange is the inverse of EncodeConfChange.
func DecodeConfChange(b []byte) (ConfChange, error) {
	if len(b) < 10 {
		return ConfChange{}, fmt.Errorf("%w: %d bytes, want at least 10", ErrInvalidConfChange, len(b))
	}
	if b[0] != confChangeVersion {
		return ConfChange{}, fmt.Errorf("%w: unknown encoding version %d", ErrInvalidConfChange, b[0])
	}
	cc := ConfChange{Type: ConfChangeType(b[1]), NodeID: binary.BigEndian.Uint64(b[2:10])}
	if cc.Type > ConfChangeAddLearner {
		return ConfChange{}, fmt.Errorf("%w: unknown type %d", ErrInvalidConfChange, b[1])
	}
	if len(b) > 10 {
		cc.Context = append([]byte(nil), b[10:]...)
	}
	return cc, nil
}

// String names the change type.
func (t ConfChangeType) String() string {
	switch t {
	case ConfChangeAddNode:
		return "AddNode"
	case ConfChangeRemoveNode:
		return "RemoveNode"
	case ConfChangeAddLearner:
		return "AddLearner"
	}
	return "Unknown"
}

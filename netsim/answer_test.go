package netsim

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/core/store"
	"github.com/raftlab/raftlab/core/v2keys"
)

// TestDecodeWireReadsWhatTheAPIAnswers: the client records what the bytes say: the node and its
// indexes for a success, the error code for a definite failure, none for a 500 or a body it
// cannot read (the request may have taken effect).
func TestDecodeWireReadsWhatTheAPIAnswers(t *testing.T) {
	v := "v1"
	set := &store.Event{Action: store.ActionSet, Node: &store.NodeExtern{Key: "/k", Value: &v, ModifiedIndex: 7, CreatedIndex: 5}}
	wire := func(resp v2keys.Response) v2keys.Wire { return resp.Wire(nil) }
	failed := func(err error) v2keys.Wire {
		resp, _ := v2keys.ReplyResponse(node.Reply{}, err, false)
		return resp.Wire(nil)
	}
	tests := []struct {
		name string
		w    v2keys.Wire
		want Reply
		err  bool
	}{
		{"a write", wire(v2keys.EventResponse(set, 7, 30, 2, false)),
			Reply{ID: 1, Found: true, Value: "v1", Index: 7, Key: "/k", Created: 5, EtcdIndex: 7}, false},
		{"compare failed", wire(v2keys.ErrorResponse(store.NewError(store.EcodeTestFailed, "[a != b]", 9))),
			Reply{ID: 1, ErrorCode: store.EcodeTestFailed, EtcdIndex: 9}, true},
		{"a timeout is a 500", failed(node.ErrTimeout), Reply{ID: 1}, true},
		{"no leader is a 500", failed(node.ErrNoLeader), Reply{ID: 1}, true},
		{"unreadable", v2keys.Wire{Status: 200, EtcdIndex: "3", Body: []byte("{")}, Reply{ID: 1, EtcdIndex: 3}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := decodeWire(Reply{ID: 1, Wire: tt.w})
			assert.Equal(t, tt.err, got.Err != nil, "%v", got.Err)
			got.Err = nil
			assert.Equal(t, tt.want, got)
		})
	}
	var se *store.Error
	require.True(t, errors.As(decodeWire(Reply{Wire: failed(node.ErrTimeout)}).Err, &se))
	assert.Equal(t, node.ErrTimeout.Error(), se.Cause, "the client sees the cause etcd sends")
}

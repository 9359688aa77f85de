package nodehost

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/core/store"
	"github.com/raftlab/raftlab/core/v2keys"
	"github.com/raftlab/raftlab/netsim"
)

// TestTranslateGoesThroughTheAPI: every key-space request kind becomes, through the keys API's
// translation, the store request the API makes of the same HTTP request.
func TestTranslateGoesThroughTheAPI(t *testing.T) {
	const now = int64(5e9)
	tests := []struct {
		name string
		req  netsim.Request
		want store.Request
	}{
		{"set with a TTL", netsim.Request{Kind: netsim.ReqSet, Key: "/k", Value: "v", TTL: 1500e6},
			store.Request{Op: store.OpSet, Key: "/k", Value: "v", HasTTL: true, Expiration: now + 1500e6, Time: now}},
		{"create", netsim.Request{Kind: netsim.ReqCreate, Key: "/k", Value: "v"},
			store.Request{Op: store.OpCreate, Key: "/k", Value: "v", Time: now}},
		{"mkdir", netsim.Request{Kind: netsim.ReqCreate, Key: "/d", Dir: true},
			store.Request{Op: store.OpCreate, Key: "/d", Dir: true, Time: now}},
		{"refresh", netsim.Request{Kind: netsim.ReqUpdate, Key: "/k", Refresh: true, TTL: 2e9},
			store.Request{Op: store.OpUpdate, Key: "/k", Refresh: true, HasTTL: true, Expiration: now + 2e9, Time: now}},
		{"cas on both", netsim.Request{Kind: netsim.ReqCompareAndSwap, Key: "/k", Value: "v", PrevValue: "w", PrevIndex: 9},
			store.Request{Op: store.OpCompareAndSwap, Key: "/k", Value: "v", PrevValue: "w", PrevIndex: 9, Time: now}},
		{"recursive delete", netsim.Request{Kind: netsim.ReqDelete, Key: "/d", Recursive: true},
			store.Request{Op: store.OpDelete, Key: "/d", Recursive: true, Time: now}},
		{"cad on the index", netsim.Request{Kind: netsim.ReqCompareAndDelete, Key: "/k", PrevIndex: 3},
			store.Request{Op: store.OpCompareAndDelete, Key: "/k", PrevIndex: 3, Time: now}},
		{"post", netsim.Request{Kind: netsim.ReqCreateInOrder, Key: "/q", Value: "v"},
			store.Request{Op: store.OpCreateInOrder, Key: "/q", Value: "v", Time: now}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.req.ID, tt.req.Now = 77, now
			call, err := translate(tt.req)
			require.Nil(t, err)
			assert.Equal(t, v2keys.RouteSubmit, call.Route)
			assert.Equal(t, node.KindWrite, call.Request.Kind)
			assert.Equal(t, uint64(77), call.Request.ID)
			assert.Equal(t, tt.want, call.Request.Write)
		})
	}
	call, err := translate(netsim.Request{Kind: netsim.ReqQuorumGet, Key: "/k", Now: now})
	require.Nil(t, err)
	assert.Equal(t, node.KindQuorumGet, call.Request.Kind)
	call, err = translate(netsim.Request{Kind: netsim.ReqGet, Key: "/k", Now: now})
	require.Nil(t, err)
	assert.Equal(t, v2keys.RouteLocalGet, call.Route)
}

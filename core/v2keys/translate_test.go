package v2keys

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/core/store"
)

func TestTranslate(t *testing.T) {
	const now = int64(1_000_000_000_000)
	tests := []struct {
		name   string
		method string
		form   string
		route  Route
		kind   node.RequestKind
		op     store.Op
	}{
		{"local get", "GET", "", RouteLocalGet, 0, 0},
		{"quorum get", "GET", "quorum=true", RouteSubmit, node.KindQuorumGet, 0},
		{"quorum wins over wait", "GET", "quorum=true&wait=true", RouteSubmit, node.KindQuorumGet, 0},
		{"watch", "GET", "wait=true", RouteWatch, 0, 0},
		{"set", "PUT", "value=v", RouteSubmit, node.KindWrite, store.OpSet},
		{"create", "PUT", "value=v&prevExist=false", RouteSubmit, node.KindWrite, store.OpCreate},
		{"update", "PUT", "value=v&prevExist=true", RouteSubmit, node.KindWrite, store.OpUpdate},
		{"cas on the index with prevExist", "PUT", "value=v&prevExist=true&prevIndex=3", RouteSubmit, node.KindWrite, store.OpCompareAndSwap},
		{"cas on the value", "PUT", "value=v&prevValue=w", RouteSubmit, node.KindWrite, store.OpCompareAndSwap},
		{"post", "POST", "value=v", RouteSubmit, node.KindWrite, store.OpCreateInOrder},
		{"delete", "DELETE", "dir=true&recursive=true", RouteSubmit, node.KindWrite, store.OpDelete},
		{"cad on the index", "DELETE", "prevIndex=4", RouteSubmit, node.KindWrite, store.OpCompareAndDelete},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form, err := url.ParseQuery(tt.form)
			require.NoError(t, err)
			call, perr := Translate(tt.method, "/a/b", form, now, DefaultLimits())
			require.Nil(t, perr)
			assert.Equal(t, tt.route, call.Route)
			assert.Equal(t, tt.kind, call.Request.Kind)
			if tt.op != 0 {
				assert.Equal(t, tt.op, call.Request.Write.Op)
				assert.Equal(t, "/a/b", call.Request.Write.Key)
				assert.Equal(t, now, call.Request.Write.Time)
			} else {
				assert.Equal(t, "/a/b", call.Request.Key)
			}
		})
	}
}

func TestTranslateParametersAndErrors(t *testing.T) {
	form, _ := url.ParseQuery("ttl=5&refresh=true&prevExist=true")
	call, perr := Translate("PUT", "/k", form, 7e9, DefaultLimits())
	require.Nil(t, perr)
	w := call.Request.Write
	assert.True(t, w.Refresh && w.HasTTL)
	assert.Equal(t, int64(12e9), w.Expiration)

	form, _ = url.ParseQuery("value=v&refresh=true&ttl=5")
	_, perr = Translate("PUT", "/k", form, 0, DefaultLimits())
	require.NotNil(t, perr)
	assert.Equal(t, store.EcodeRefreshValue, perr.ErrorCode)

	form, _ = url.ParseQuery("prevIndex=x")
	_, perr = Translate("DELETE", "/k", form, 0, DefaultLimits())
	require.NotNil(t, perr)
	assert.Equal(t, store.EcodeIndexNaN, perr.ErrorCode)
}

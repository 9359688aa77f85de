package nodehost

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/netsim"
)

// TestEveryFormTranslatesAlike: whichever equivalent form varyForm sends a request in, the keys
// API's translation gives the same call as for the plain form; and the forms do vary.
func TestEveryFormTranslatesAlike(t *testing.T) {
	const now = int64(5e9)
	reqs := []netsim.Request{
		{Kind: netsim.ReqSet, Key: "/k", Value: "v", TTL: 1500e6},
		{Kind: netsim.ReqCreate, Key: "/d", Dir: true},
		{Kind: netsim.ReqUpdate, Key: "/k", Refresh: true, TTL: 2e9},
		{Kind: netsim.ReqCompareAndSwap, Key: "/k", Value: "v", PrevValue: "w"},
		{Kind: netsim.ReqCompareAndSwap, Key: "/k", Value: "v", PrevIndex: 9},
		{Kind: netsim.ReqCompareAndSwap, Key: "/k", Value: "v", PrevValue: "w", PrevIndex: 9},
		{Kind: netsim.ReqDelete, Key: "/d", Recursive: true},
		{Kind: netsim.ReqDelete, Key: "/d", Dir: true},
		{Kind: netsim.ReqCompareAndDelete, Key: "/k", PrevValue: "w"},
		{Kind: netsim.ReqCreateInOrder, Key: "/q", Value: "v"},
		{Kind: netsim.ReqQuorumGet, Key: "/d", Recursive: true},
		{Kind: netsim.ReqGet, Key: "/d"},
	}
	for _, req := range reqs {
		req.Now = now
		plain := req
		plain.ID = 0
		_, plainForm := keysRequest(plain)
		want, err := translate(plain)
		require.Nil(t, err)
		forms := map[string]bool{}
		for id := uint64(1); id <= 200; id++ {
			req.ID = id
			_, form := keysRequest(req)
			forms[form.Encode()] = true
			got, err := translate(req)
			require.Nil(t, err, "%s in the form %s", req.Kind, form.Encode())
			got.Request.ID = 0
			want.Request.ID = 0
			assert.Equal(t, want, got, "%s in the form %s (plain: %s)", req.Kind, form.Encode(), plainForm.Encode())
		}
		assert.Greater(t, len(forms), 3, "%s: the forms do not vary", req.Kind)
	}
}

// TestCompareSometimesAsksForAnExistingKey: a compare-and-swap on the value alone goes out with
// prevExist=true in some of its forms (a form that once hid a translation bug).
func TestCompareSometimesAsksForAnExistingKey(t *testing.T) {
	with := 0
	for id := uint64(1); id <= 100; id++ {
		_, form := keysRequest(netsim.Request{ID: id, Kind: netsim.ReqCompareAndSwap, Key: "/k", Value: "v", PrevValue: "w"})
		if form.Has("prevExist") {
			with++
		}
	}
	assert.Greater(t, with, 20)
	assert.Less(t, with, 80)
}

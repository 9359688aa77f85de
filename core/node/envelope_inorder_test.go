package node

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/raftlab/raftlab/core/internal/msgp"
	"github.com/raftlab/raftlab/core/store"
	"github.com/stretchr/testify/require"
)

// Every envelope the node encodes is taken by the in-order decoder, which agrees with the reflective
// msgpack decoder on it (a wrong literal or reader would fail here, not just fall back).
func TestInOrderEnvelopeDecoderAgreesWithMsgpack(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	c := newCodecs()
	cases := append(sampleEnvelopes(), envelope{}, envelope{Kind: envWrite, Write: store.Request{Key: "/k"}})
	for range 3000 {
		cases = append(cases, randomEnvelope(rng))
	}
	for range 1000 { // writes without a TTL and without flags, whose runs are skipped in one compare
		env := randomEnvelope(rng)
		if rng.IntN(2) == 0 {
			env.Write.Dir, env.Write.Expiration, env.Write.HasTTL = false, 0, false
		}
		if rng.IntN(2) == 0 {
			env.Write.Recursive, env.Write.Refresh, env.Write.Time = false, false, 0
		}
		cases = append(cases, env)
	}
	for i, want := range cases {
		b, err := c.encodeEnvelope(&want)
		require.NoError(t, err)
		generic, err := genericDecode(b)
		require.NoError(t, err)
		require.Equal(t, want, generic, "case %d: the generic decoder round-trips", i)
		var got envelope
		require.NoError(t, decodeEnvelopeInOrder(b, &got), "case %d: the node's own encoding is always in order", i)
		require.Equal(t, generic, got, "case %d", i)
		got = envelope{ID: 12345, Member: Member{Name: "stale"}, Write: store.Request{Dir: true, Expiration: 1, HasTTL: true,
			Recursive: true, Refresh: true, Time: 1}}
		require.NoError(t, c.decodeEnvelope(b, &got), "case %d", i)
		require.Equal(t, generic, got, "case %d: nothing left over from the previous contents", i)
	}
}

// The literals are the encoder's own bytes: the empty-member run is what an envelope without a
// member encodes to between its kind and its Dir value.
func TestInOrderLiteralsAreTheEncodersBytes(t *testing.T) {
	b := appendEnvelope(nil, &envelope{Kind: envWrite})
	afterKind := string(appendUintField(appendUintField(msgp.AppendMapHeader(nil, 4), "ID", 0), "Kind", uint64(envWrite)))
	require.True(t, strings.HasPrefix(string(b), afterKind))
	require.True(t, strings.HasPrefix(string(b[len(afterKind):]), litEmptyMemberWriteDir))
	require.Equal(t, string(msgp.AppendMapHeader(nil, 4))+string(msgp.AppendStr(nil, "ID")), litEnvelopeID)
	require.Equal(t, string(msgp.AppendStr(msgp.AppendStr(nil, "Member"), ""))[:len("\xa6Member")]+
		string(msgp.AppendMapHeader(nil, 4))+string(msgp.AppendStr(nil, "ClientURLs")), litMemberClientURLs)
	require.Equal(t, string(msgp.AppendMapHeader(msgp.AppendStr(nil, "Write"), 11))+string(msgp.AppendStr(nil, "Dir")), litWriteDir)
	require.Equal(t, string(msgp.AppendMapHeader(msgp.AppendStr(nil, "Write"), 12))+string(msgp.AppendStr(nil, "Caller")), litWriteCaller)
	withCaller := appendEnvelope(nil, &envelope{Kind: envWrite, Write: store.Request{Caller: &store.Caller{}}})
	require.Contains(t, string(withCaller), litWriteCaller+"\x80"+litDir, "an empty caller is an empty map")
	plain := appendEnvelope(nil, &envelope{Kind: envWrite, Write: store.Request{Key: "/k", Value: "v"}})
	require.Contains(t, string(plain), litNoTTLThroughKey+"\xa2/k")
	require.Contains(t, string(plain), litNoFlagsThroughValue+"\xa1v")
	for name, lit := range map[string]string{
		"Kind": litKind, "ID": litMemberID, "Dir": litDir, "Name": litName, "PeerURLs": litPeerURLs,
		"Expiration": litExpiration, "HasTTL": litHasTTL, "Key": litKey, "Op": litOp, "PrevIndex": litPrevIndex,
		"PrevValue": litPrevValue, "Recursive": litRecursive, "Refresh": litRefresh, "Time": litTime, "Value": litValue,
	} {
		require.Equal(t, string(msgp.AppendStr(nil, name)), lit, name)
	}
}

// Input the in-order decoder does not take (fields in another order, missing fields, other
// forms) still decodes, through the field-by-field decoder or the general one, to what the
// reflective decoder makes of it.
func TestInOrderDecoderFallsBack(t *testing.T) {
	c := newCodecs()
	env := sampleEnvelopes()[2]
	good, err := c.encodeEnvelope(&env)
	require.NoError(t, err)
	reordered := msgp.AppendMapHeader(nil, 4)
	reordered = appendWriteRequest(msgp.AppendStr(reordered, "Write"), &env.Write)
	reordered = appendUintField(reordered, "Kind", uint64(env.Kind))
	reordered = appendMember(msgp.AppendStr(reordered, "Member"), &env.Member)
	reordered = appendUintField(reordered, "ID", env.ID)
	partial, err := c.encode(&struct {
		ID    uint64
		Write struct{ Key, Value string }
	}{ID: 7, Write: struct{ Key, Value string }{Key: "/p", Value: "v"}})
	require.NoError(t, err)
	member := sampleEnvelopes()[1]
	withMember, err := c.encodeEnvelope(&member)
	require.NoError(t, err)
	tests := []struct {
		name     string
		b        []byte
		wantFast bool // the field-by-field decoder takes it
	}{
		{name: "fields in reverse order", b: reordered, wantFast: true},
		{name: "fields missing", b: partial, wantFast: true},
		{name: "member present", b: withMember, wantFast: true},
		{name: "truncated", b: good[:len(good)-1]},
		{name: "trailing byte", b: append(append([]byte(nil), good...), 0x01)},
		{name: "float where an int goes", b: []byte("\x84\xa2ID\xcb\x3f\xf0\x00\x00\x00\x00\x00\x00")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var scratch envelope
			inOrderErr := decodeEnvelopeInOrder(tt.b, &scratch)
			if tt.name == "member present" {
				require.NoError(t, inOrderErr, "a member is decoded in order too")
			} else {
				require.ErrorIs(t, inOrderErr, errNotFast)
			}
			scratch = envelope{}
			require.Equal(t, tt.wantFast, decodeEnvelopeFast(tt.b, &scratch) == nil)
			want, wantErr := genericDecode(tt.b)
			got := envelope{ID: 99, Write: store.Request{Value: "stale"}}
			gotErr := c.decodeEnvelope(tt.b, &got)
			require.Equal(t, wantErr != nil, gotErr != nil, "%v / %v", wantErr, gotErr)
			if wantErr == nil {
				require.Equal(t, want, got)
				require.NotEqual(t, envelope{}, got, "the case decodes to something")
			}
		})
	}
}

package history

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHistoryRoundTrip(t *testing.T) {
	ops := []Op{
		{Client: 0, Kind: KindSet, Key: "/a", Value: "v1", Call: 1, Return: 5, Outcome: OutcomeOK, Index: 4, Node: "n1"},
		{Client: 1, Kind: KindQGet, Key: "/a", Call: 2, Return: 7, Outcome: OutcomeOK, Found: true, Result: "v1", Index: 4},
		{Client: 2, Kind: KindCAS, Key: "/a", Value: "v2", PrevValue: "v1", PrevIndex: 4, Call: 8, Return: 20, Outcome: OutcomeUnknown},
		{Client: 0, Kind: KindCreate, Key: "/a", Value: "x", Call: 9, Return: 10, Outcome: OutcomeFail, ErrorCode: ErrCodeNodeExist},
	}
	var buf bytes.Buffer
	require.NoError(t, WriteHistory(&buf, ops))
	assert.Equal(t, len(ops), strings.Count(buf.String(), "\n"), "one line per op")
	got, err := ReadHistory(&buf)
	require.NoError(t, err)
	assert.Equal(t, ops, got)
}

func TestReadHistoryRejectsBadLines(t *testing.T) {
	tests := []struct {
		name, input, wantErr string
	}{
		{"not json", "{\"client\":0\n", "line 1"},
		{"unknown field", `{"client":0,"kind":"set","key":"/a","outcome":"ok","colour":"red"}`, "unknown field"},
		{"unknown kind", `{"client":0,"kind":"append","key":"/a","outcome":"ok"}`, `unknown kind "append"`},
		{"unknown outcome", `{"client":0,"kind":"set","key":"/a","outcome":"maybe"}`, `unknown outcome "maybe"`},
		{"empty key", `{"client":0,"kind":"set","key":"","outcome":"ok"}`, "empty key"},
		{"return before call", `{"client":0,"kind":"set","key":"/a","outcome":"ok","call":5,"return":4}`, "return 4 before call 5"},
		{"cas without compare", `{"client":0,"kind":"cas","key":"/a","outcome":"ok"}`, "without prevValue or prevIndex"},
		{"second line bad", "{\"client\":0,\"kind\":\"set\",\"key\":\"/a\",\"outcome\":\"ok\"}\n{\"kind\":\"nope\"}\n", "line 2"},
		{"trailing data", `{"client":0,"kind":"set","key":"/a","outcome":"ok"} {}`, "trailing data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadHistory(strings.NewReader(tt.input))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
		})
	}
}

func TestReadHistorySkipsBlankLinesAndAcceptsNoFinalNewline(t *testing.T) {
	in := "\n{\"client\":3,\"kind\":\"delete\",\"key\":\"/k\",\"outcome\":\"ok\",\"index\":9}\n\n   \n" +
		`{"client":4,"kind":"get","key":"/k","outcome":"fail","errorCode":100}`
	got, err := ReadHistory(strings.NewReader(in))
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, KindDelete, got[0].Kind)
	assert.Equal(t, uint64(9), got[0].Index)
	assert.Equal(t, ErrCodeKeyNotFound, got[1].ErrorCode)
}

func TestWatchRecordsRoundTrip(t *testing.T) {
	recs := []WatchRecord{
		{Client: 1, Prefix: "/d", Recursive: true, FromIndex: 3, Events: []WatchEvent{{Action: "set", Key: "/d/x", Index: 3}}},
		{Client: 2, Prefix: "/a", FromIndex: 1, Until: 40, Cleared: true, Events: []WatchEvent{{Action: "delete", Key: "/a", Index: 5, Dir: true}}},
	}
	var buf bytes.Buffer
	require.NoError(t, WriteWatchRecords(&buf, recs))
	got, err := ReadWatchRecords(&buf)
	require.NoError(t, err)
	assert.Equal(t, recs, got)
}

func TestKindClassification(t *testing.T) {
	tests := []struct {
		kind                                     Kind
		read, write, writesValue, deletes, valid bool
	}{
		{KindGet, true, false, false, false, true},
		{KindQGet, true, false, false, false, true},
		{KindSet, false, true, true, false, true},
		{KindCreate, false, true, true, false, true},
		{KindUpdate, false, true, true, false, true},
		{KindCAS, false, true, true, false, true},
		{KindDelete, false, true, false, true, true},
		{KindCAD, false, true, false, true, true},
		{Kind("append"), false, false, false, false, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			assert.Equal(t, tt.read, tt.kind.IsRead())
			assert.Equal(t, tt.write, tt.kind.IsWrite())
			assert.Equal(t, tt.writesValue, tt.kind.WritesValue())
			assert.Equal(t, tt.deletes, tt.kind.Deletes())
			assert.Equal(t, tt.valid, tt.kind.Valid())
		})
	}
}

func TestOpString(t *testing.T) {
	tests := []struct {
		op   Op
		want string
	}{
		{Op{Client: 1, Kind: KindCAS, Key: "/a", Value: "b", PrevValue: "a", PrevIndex: 3, Call: 1_000_000, Return: 2_000_000, Outcome: OutcomeOK, Index: 9},
			`client 1 cas /a="b" if value="a" if index=3 -> ok@9 [0.001 s to 0.002 s]`},
		{Op{Client: 2, Kind: KindGet, Key: "/a", Call: 4_386_252_017, Return: 4_388_950_749, Outcome: OutcomeOK, Found: true, Result: "x", Index: 2},
			`client 2 get /a -> "x"@2 [4.386 s to 4.389 s]`},
		{Op{Client: 2, Kind: KindQGet, Key: "/a", Call: 3, Return: 4, Outcome: OutcomeOK},
			`client 2 qget /a -> not found [0.000 s to 0.000 s]`},
		{Op{Client: 0, Kind: KindDelete, Key: "/a", Call: 3, Return: 4, Outcome: OutcomeFail, ErrorCode: 100},
			`client 0 delete /a -> fail 100 [0.000 s to 0.000 s]`},
		{Op{Client: 0, Kind: KindSet, Key: "/a", Value: "v", Call: 3, Return: 4, Outcome: OutcomeUnknown},
			`client 0 set /a="v" -> unknown [0.000 s to 0.000 s]`},
		{Op{Client: 0, Kind: KindSet, Key: "/a", Value: "v", Call: 1_159_851_606, Return: math.MaxInt64, Outcome: OutcomeUnknown},
			`client 0 set /a="v" -> unknown [1.160 s, never returned]`},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.op.String())
	}
}

package store

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// applyCase is one mutation on a store prepared by setup: either the exact event JSON (and whether
// the HTTP status is 201) or the exact error.
type applyCase struct {
	name    string
	setup   []Request
	req     Request
	want    string
	created bool
	code    int
	cause   string
	index   uint64
}

func runApplyCases(t *testing.T, cases []applyCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := New()
			applyAll(t, s, c.setup...)
			before, err := s.Save()
			require.NoError(t, err)
			indexBefore := s.Index()

			e, err := s.Apply(c.req)
			if c.want == "" {
				se := storeErr(t, err)
				assert.Nil(t, e)
				assert.Equal(t, c.code, se.ErrorCode)
				assert.Equal(t, c.cause, se.Cause)
				assert.Equal(t, c.index, se.Index)
				after, err := s.Save()
				require.NoError(t, err)
				assert.Equal(t, string(before), string(after), "a failed write must change nothing")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, jsonOf(t, e))
			assert.Equal(t, c.created, e.IsCreated())
			assert.Equal(t, indexBefore+1, s.Index())
			assert.Equal(t, s.Index(), e.EtcdIndex)
			assert.Equal(t, s.Index(), e.Index())
		})
	}
}

func TestApplySetAndCreate(t *testing.T) {
	runApplyCases(t, []applyCase{
		{name: "set new file", req: set("/foo", "bar"), created: true,
			want: `{"action":"set","node":{"key":"/foo","value":"bar","modifiedIndex":1,"createdIndex":1}}`},
		{name: "set keeps empty value", req: set("/e", ""), created: true,
			want: `{"action":"set","node":{"key":"/e","value":"","modifiedIndex":1,"createdIndex":1}}`},
		{name: "set replaces file", setup: []Request{set("/foo", "a")}, req: set("/foo", "b"),
			want: `{"action":"set","node":{"key":"/foo","value":"b","modifiedIndex":2,"createdIndex":2},"prevNode":{"key":"/foo","value":"a","modifiedIndex":1,"createdIndex":1}}`},
		{name: "set directory ignores value", req: Request{Op: OpSet, Key: "/d", Dir: true, Value: "x"}, created: true,
			want: `{"action":"set","node":{"key":"/d","dir":true,"modifiedIndex":1,"createdIndex":1}}`},
		{name: "set directory over file replaces it", setup: []Request{set("/f", "v")}, req: mkdir("/f"),
			want: `{"action":"set","node":{"key":"/f","dir":true,"modifiedIndex":2,"createdIndex":2},"prevNode":{"key":"/f","value":"v","modifiedIndex":1,"createdIndex":1}}`},
		{name: "set file over directory", setup: []Request{mkdir("/d")}, req: set("/d", "x"),
			code: EcodeNotFile, cause: "/d", index: 1},
		{name: "set directory over directory", setup: []Request{mkdir("/d")}, req: mkdir("/d"),
			code: EcodeNotFile, cause: "/d", index: 1},
		{name: "set root", setup: []Request{set("/x", "1")}, req: set("/", "x"),
			code: EcodeRootROnly, cause: "/", index: 1},
		{name: "set below a file", setup: []Request{set("/f", "1")}, req: set("/f/x/y", "v"),
			code: EcodeNotDir, cause: "/f", index: 1},
		{name: "set cleans the key", req: set("a//b/../c/", "v"), created: true,
			want: `{"action":"set","node":{"key":"/a/c","value":"v","modifiedIndex":1,"createdIndex":1}}`},
		{name: "create file", req: Request{Op: OpCreate, Key: "/c", Value: "v"}, created: true,
			want: `{"action":"create","node":{"key":"/c","value":"v","modifiedIndex":1,"createdIndex":1}}`},
		{name: "create directory", req: Request{Op: OpCreate, Key: "/c", Dir: true}, created: true,
			want: `{"action":"create","node":{"key":"/c","dir":true,"modifiedIndex":1,"createdIndex":1}}`},
		{name: "create existing file", setup: []Request{set("/c", "v")}, req: Request{Op: OpCreate, Key: "/c"},
			code: EcodeNodeExist, cause: "/c", index: 1},
		{name: "create existing directory", setup: []Request{mkdir("/c")}, req: Request{Op: OpCreate, Key: "/c", Dir: true},
			code: EcodeNodeExist, cause: "/c", index: 1},
		{name: "create below a file", setup: []Request{set("/a/f", "1")}, req: Request{Op: OpCreate, Key: "/a/f/g"},
			code: EcodeNotDir, cause: "/a/f", index: 1},
		{name: "create root", req: Request{Op: OpCreate, Key: "/", Dir: true}, code: EcodeRootROnly, cause: "/"},
		{name: "in-order child", setup: []Request{set("/x", "1")}, req: Request{Op: OpCreateInOrder, Key: "/queue", Value: "job"}, created: true,
			want: `{"action":"create","node":{"key":"/queue/00000000000000000002","value":"job","modifiedIndex":2,"createdIndex":2}}`},
		{name: "in-order child of root", req: Request{Op: OpCreateInOrder, Key: "/", Value: "j"}, created: true,
			want: `{"action":"create","node":{"key":"/00000000000000000001","value":"j","modifiedIndex":1,"createdIndex":1}}`},
		{name: "in-order directory child", req: Request{Op: OpCreateInOrder, Key: "/q", Dir: true, PrevValue: "ignored"}, created: true,
			want: `{"action":"create","node":{"key":"/q/00000000000000000001","dir":true,"modifiedIndex":1,"createdIndex":1}}`},
		{name: "in-order below a file", setup: []Request{set("/f", "1")}, req: Request{Op: OpCreateInOrder, Key: "/f"},
			code: EcodeNotDir, cause: "/f", index: 1},
		{name: "unknown op", req: Request{Op: 42, Key: "/x"}, code: EcodeRaftInternal, cause: "store: unknown op 42"},
		{name: "zero op", setup: []Request{set("/x", "1")}, req: Request{Key: "/x"}, code: EcodeRaftInternal, cause: "store: unknown op 0"},
	})
}

func TestApplyUpdateAndCompareAndSwap(t *testing.T) {
	file := []Request{set("/u", "a"), set("/other", "o")}
	runApplyCases(t, []applyCase{
		{name: "update file", setup: file, req: Request{Op: OpUpdate, Key: "/u", Value: "b"},
			want: `{"action":"update","node":{"key":"/u","value":"b","modifiedIndex":3,"createdIndex":1},"prevNode":{"key":"/u","value":"a","modifiedIndex":1,"createdIndex":1}}`},
		{name: "update missing", setup: file, req: Request{Op: OpUpdate, Key: "/nope", Value: "b"},
			code: EcodeKeyNotFound, cause: "/nope", index: 2},
		{name: "update missing parent", setup: file, req: Request{Op: OpUpdate, Key: "/a/b/c", Value: "b"},
			code: EcodeKeyNotFound, cause: "/a", index: 2},
		{name: "update below a file", setup: file, req: Request{Op: OpUpdate, Key: "/u/x", Value: "b"},
			code: EcodeNotDir, cause: "/u", index: 2},
		{name: "update directory with a value", setup: []Request{mkdir("/d")}, req: Request{Op: OpUpdate, Key: "/d", Value: "v"},
			code: EcodeNotFile, cause: "/d", index: 1},
		{name: "update directory without a value", setup: []Request{mkdir("/d")}, req: Request{Op: OpUpdate, Key: "/d", Dir: true},
			want: `{"action":"update","node":{"key":"/d","dir":true,"modifiedIndex":2,"createdIndex":1},"prevNode":{"key":"/d","dir":true,"modifiedIndex":1,"createdIndex":1}}`},
		{name: "update root", req: Request{Op: OpUpdate, Key: "/"}, code: EcodeRootROnly, cause: "/"},
		{name: "cas by value", setup: file, req: Request{Op: OpCompareAndSwap, Key: "/u", PrevValue: "a", Value: "b"},
			want: `{"action":"compareAndSwap","node":{"key":"/u","value":"b","modifiedIndex":3,"createdIndex":1},"prevNode":{"key":"/u","value":"a","modifiedIndex":1,"createdIndex":1}}`},
		{name: "cas by index", setup: file, req: Request{Op: OpCompareAndSwap, Key: "/u", PrevIndex: 1, Value: "b"},
			want: `{"action":"compareAndSwap","node":{"key":"/u","value":"b","modifiedIndex":3,"createdIndex":1},"prevNode":{"key":"/u","value":"a","modifiedIndex":1,"createdIndex":1}}`},
		{name: "cas by both", setup: file, req: Request{Op: OpCompareAndSwap, Key: "/u", PrevValue: "a", PrevIndex: 1, Value: ""},
			want: `{"action":"compareAndSwap","node":{"key":"/u","value":"","modifiedIndex":3,"createdIndex":1},"prevNode":{"key":"/u","value":"a","modifiedIndex":1,"createdIndex":1}}`},
		{name: "cas value mismatch", setup: file, req: Request{Op: OpCompareAndSwap, Key: "/u", PrevValue: "x", Value: "b"},
			code: EcodeTestFailed, cause: "[x != a]", index: 2},
		{name: "cas index mismatch", setup: file, req: Request{Op: OpCompareAndSwap, Key: "/u", PrevIndex: 5, Value: "b"},
			code: EcodeTestFailed, cause: "[5 != 1]", index: 2},
		{name: "cas both mismatch", setup: file, req: Request{Op: OpCompareAndSwap, Key: "/u", PrevValue: "x", PrevIndex: 5},
			code: EcodeTestFailed, cause: "[x != a] [5 != 1]", index: 2},
		{name: "cas value matches, index does not", setup: file, req: Request{Op: OpCompareAndSwap, Key: "/u", PrevValue: "a", PrevIndex: 2},
			code: EcodeTestFailed, cause: "[2 != 1]", index: 2},
		{name: "cas missing", setup: file, req: Request{Op: OpCompareAndSwap, Key: "/nope", PrevValue: "a"},
			code: EcodeKeyNotFound, cause: "/nope", index: 2},
		{name: "cas directory", setup: []Request{mkdir("/d")}, req: Request{Op: OpCompareAndSwap, Key: "/d", PrevIndex: 1},
			code: EcodeNotFile, cause: "/d", index: 1},
		{name: "cas root", req: Request{Op: OpCompareAndSwap, Key: "/", PrevValue: "a"}, code: EcodeRootROnly, cause: "/"},
	})
}

func TestApplyDeleteAndCompareAndDelete(t *testing.T) {
	tree := []Request{set("/f", "v"), mkdir("/empty"), set("/full/x", "1")}
	runApplyCases(t, []applyCase{
		{name: "delete file", setup: tree, req: Request{Op: OpDelete, Key: "/f"},
			want: `{"action":"delete","node":{"key":"/f","modifiedIndex":4,"createdIndex":1},"prevNode":{"key":"/f","value":"v","modifiedIndex":1,"createdIndex":1}}`},
		{name: "delete file whatever dir says", setup: tree, req: Request{Op: OpDelete, Key: "/f", Dir: true},
			want: `{"action":"delete","node":{"key":"/f","modifiedIndex":4,"createdIndex":1},"prevNode":{"key":"/f","value":"v","modifiedIndex":1,"createdIndex":1}}`},
		{name: "delete empty directory", setup: tree, req: Request{Op: OpDelete, Key: "/empty", Dir: true},
			want: `{"action":"delete","node":{"key":"/empty","dir":true,"modifiedIndex":4,"createdIndex":2},"prevNode":{"key":"/empty","dir":true,"modifiedIndex":2,"createdIndex":2}}`},
		{name: "delete directory recursively, prevNode without children", setup: tree, req: Request{Op: OpDelete, Key: "/full", Recursive: true},
			want: `{"action":"delete","node":{"key":"/full","dir":true,"modifiedIndex":4,"createdIndex":3},"prevNode":{"key":"/full","dir":true,"modifiedIndex":3,"createdIndex":3}}`},
		{name: "delete directory without dir", setup: tree, req: Request{Op: OpDelete, Key: "/empty"},
			code: EcodeNotFile, cause: "/empty", index: 3},
		{name: "delete non-empty directory without recursive", setup: tree, req: Request{Op: OpDelete, Key: "/full", Dir: true},
			code: EcodeDirNotEmpty, cause: "/full", index: 3},
		{name: "delete missing", setup: tree, req: Request{Op: OpDelete, Key: "/full/y"},
			code: EcodeKeyNotFound, cause: "/full/y", index: 3},
		{name: "delete root", setup: tree, req: Request{Op: OpDelete, Key: "/", Recursive: true},
			code: EcodeRootROnly, cause: "/", index: 3},
		{name: "cad by value", setup: tree, req: Request{Op: OpCompareAndDelete, Key: "/f", PrevValue: "v"},
			want: `{"action":"compareAndDelete","node":{"key":"/f","modifiedIndex":4,"createdIndex":1},"prevNode":{"key":"/f","value":"v","modifiedIndex":1,"createdIndex":1}}`},
		{name: "cad by index", setup: tree, req: Request{Op: OpCompareAndDelete, Key: "/full/x", PrevIndex: 3},
			want: `{"action":"compareAndDelete","node":{"key":"/full/x","modifiedIndex":4,"createdIndex":3},"prevNode":{"key":"/full/x","value":"1","modifiedIndex":3,"createdIndex":3}}`},
		{name: "cad mismatch", setup: tree, req: Request{Op: OpCompareAndDelete, Key: "/f", PrevValue: "w", PrevIndex: 9},
			code: EcodeTestFailed, cause: "[w != v] [9 != 1]", index: 3},
		{name: "cad directory", setup: tree, req: Request{Op: OpCompareAndDelete, Key: "/empty", PrevIndex: 2},
			code: EcodeNotFile, cause: "/empty", index: 3},
		{name: "cad root", setup: tree, req: Request{Op: OpCompareAndDelete, Key: "/", PrevValue: "x"},
			code: EcodeNotFile, cause: "", index: 3},
		{name: "cad missing", setup: tree, req: Request{Op: OpCompareAndDelete, Key: "/nope", PrevValue: "x"},
			code: EcodeKeyNotFound, cause: "/nope", index: 3},
	})
}

func TestApplyRefreshValidation(t *testing.T) {
	runApplyCases(t, []applyCase{
		{name: "refresh without ttl", setup: []Request{set("/k", "v")}, req: Request{Op: OpSet, Key: "/k", Refresh: true},
			code: EcodeRefreshTTLRequired, cause: "No TTL value set"},
		{name: "refresh with a value", setup: []Request{set("/k", "v")},
			req:  Request{Op: OpUpdate, Key: "/k", Value: "x", Refresh: true, HasTTL: true, Expiration: t0},
			code: EcodeRefreshValue, cause: "A value was provided on a refresh"},
		{name: "refresh set of a missing key", setup: []Request{set("/k", "v")},
			req:  Request{Op: OpSet, Key: "/nope", Refresh: true, HasTTL: true, Expiration: t0},
			code: EcodeKeyNotFound, cause: "/nope", index: 1},
	})
}

func TestMissingParentsGetTheNewIndex(t *testing.T) {
	s := New()
	applyAll(t, s, set("/x", "1"))
	mustApply(t, s, set("/a/b/c", "v"))
	for _, key := range []string{"/a", "/a/b", "/a/b/c"} {
		e, err := s.Get(key, false, false, 0)
		require.NoError(t, err)
		assert.Equal(t, uint64(2), e.Node.CreatedIndex, key)
		assert.Equal(t, uint64(2), e.Node.ModifiedIndex, key)
	}
}

func TestStatusCodesOfStoreErrors(t *testing.T) {
	s := New()
	applyAll(t, s, set("/f", "v"), mkdir("/d"), set("/d/x", "1"))
	cases := []struct {
		req    Request
		status int
	}{
		{Request{Op: OpUpdate, Key: "/nope"}, http.StatusNotFound},
		{Request{Op: OpCompareAndSwap, Key: "/f", PrevValue: "w"}, http.StatusPreconditionFailed},
		{set("/d", "x"), http.StatusForbidden},
		{Request{Op: OpCreate, Key: "/f"}, http.StatusPreconditionFailed},
		{Request{Op: OpDelete, Key: "/d", Dir: true}, http.StatusForbidden},
		{set("/f/x", "v"), http.StatusBadRequest},
		{set("/", "v"), http.StatusBadRequest},
	}
	for _, c := range cases {
		_, err := s.Apply(c.req)
		assert.Equal(t, c.status, storeErr(t, err).StatusCode(), "%+v", c.req)
	}
}

func TestOpString(t *testing.T) {
	names := map[Op]string{OpSet: "set", OpCreate: "create", OpUpdate: "update", OpCompareAndSwap: "compareAndSwap",
		OpDelete: "delete", OpCompareAndDelete: "compareAndDelete", OpCreateInOrder: "createInOrder", OpSync: "sync", 42: "op(42)"}
	for op, want := range names {
		assert.Equal(t, want, op.String())
	}
}

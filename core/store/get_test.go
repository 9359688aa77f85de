package store

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// getTree is a small key space with hidden keys at several depths and names out of byte order.
func getTree() []Request {
	return []Request{
		set("/d/b", "2"),         // 1 (creates /d)
		set("/d/a", "1"),         // 2
		set("/d/sub/x", "3"),     // 3 (creates /d/sub)
		set("/d/_h", "h"),        // 4
		set("/d/sub/_y", "y"),    // 5
		set("/d/B", "up"),        // 6
		set("/d/_hd/inner", "i"), // 7
		mkdir("/empty"),          // 8
	}
}

func TestGet(t *testing.T) {
	cases := []struct {
		name      string
		key       string
		recursive bool
		want      string
	}{
		{name: "file", key: "/d/a",
			want: `{"action":"get","node":{"key":"/d/a","value":"1","modifiedIndex":2,"createdIndex":2}}`},
		{name: "directory lists direct children in byte order without hidden ones", key: "/d",
			want: `{"action":"get","node":{"key":"/d","dir":true,"nodes":[` +
				`{"key":"/d/B","value":"up","modifiedIndex":6,"createdIndex":6},` +
				`{"key":"/d/a","value":"1","modifiedIndex":2,"createdIndex":2},` +
				`{"key":"/d/b","value":"2","modifiedIndex":1,"createdIndex":1},` +
				`{"key":"/d/sub","dir":true,"modifiedIndex":3,"createdIndex":3}],"modifiedIndex":1,"createdIndex":1}}`},
		{name: "recursive lists the subtree without hidden ones", key: "/d", recursive: true,
			want: `{"action":"get","node":{"key":"/d","dir":true,"nodes":[` +
				`{"key":"/d/B","value":"up","modifiedIndex":6,"createdIndex":6},` +
				`{"key":"/d/a","value":"1","modifiedIndex":2,"createdIndex":2},` +
				`{"key":"/d/b","value":"2","modifiedIndex":1,"createdIndex":1},` +
				`{"key":"/d/sub","dir":true,"nodes":[{"key":"/d/sub/x","value":"3","modifiedIndex":3,"createdIndex":3}],"modifiedIndex":3,"createdIndex":3}],"modifiedIndex":1,"createdIndex":1}}`},
		{name: "root has no key and no indexes", key: "/",
			want: `{"action":"get","node":{"dir":true,"nodes":[` +
				`{"key":"/d","dir":true,"modifiedIndex":1,"createdIndex":1},` +
				`{"key":"/empty","dir":true,"modifiedIndex":8,"createdIndex":8}]}}`},
		{name: "empty key is the root", key: "",
			want: `{"action":"get","node":{"dir":true,"nodes":[` +
				`{"key":"/d","dir":true,"modifiedIndex":1,"createdIndex":1},` +
				`{"key":"/empty","dir":true,"modifiedIndex":8,"createdIndex":8}]}}`},
		{name: "empty directory has no nodes", key: "/empty", recursive: true,
			want: `{"action":"get","node":{"key":"/empty","dir":true,"modifiedIndex":8,"createdIndex":8}}`},
		{name: "hidden key can be read directly", key: "/d/_h",
			want: `{"action":"get","node":{"key":"/d/_h","value":"h","modifiedIndex":4,"createdIndex":4}}`},
		{name: "hidden directory lists its children", key: "/d/_hd",
			want: `{"action":"get","node":{"key":"/d/_hd","dir":true,"nodes":[{"key":"/d/_hd/inner","value":"i","modifiedIndex":7,"createdIndex":7}],"modifiedIndex":7,"createdIndex":7}}`},
	}
	s := New()
	applyAll(t, s, getTree()...)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, sorted := range []bool{false, true} {
				e, err := s.Get(c.key, c.recursive, sorted, 0)
				require.NoError(t, err)
				assert.Equal(t, c.want, jsonOf(t, e), "sorted=%v", sorted)
				assert.Equal(t, uint64(8), e.EtcdIndex)
			}
		})
	}
}

func TestGetErrors(t *testing.T) {
	s := New()
	applyAll(t, s, getTree()...)
	cases := []struct {
		key   string
		code  int
		cause string
	}{
		{"/nope", EcodeKeyNotFound, "/nope"},
		{"/x/y/z", EcodeKeyNotFound, "/x"},
		{"/d/sub/nope/deeper", EcodeKeyNotFound, "/d/sub/nope"},
		{"/d/a/b", EcodeNotDir, "/d/a"},
		{"/d/a/b/c", EcodeNotDir, "/d/a"},
	}
	for _, c := range cases {
		e, err := s.Get(c.key, false, false, 0)
		assert.Nil(t, e)
		se := storeErr(t, err)
		assert.Equal(t, c.code, se.ErrorCode, c.key)
		assert.Equal(t, c.cause, se.Cause, c.key)
		assert.Equal(t, uint64(8), se.Index, c.key)
	}
	assert.Equal(t, uint64(8), s.Index(), "reads do not move the index")
}

package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTalkExamples(t *testing.T) {
	h := newHarness(t)
	assert.Equal(t, "bar\n", h.mustRun(t, "set", "/nosql/foo", "bar"))
	assert.Equal(t, "/nosql/foo\n", h.mustRun(t, "ls", "/nosql"))
	assert.Equal(t, "bar\n", h.mustRun(t, "get", "/nosql/foo"))
}

func TestSwapWithValueFailure(t *testing.T) {
	h := newHarness(t)
	h.mustRun(t, "set", "/foo", "one")
	for _, args := range [][]string{
		{"set", "--swap-with-value", "two", "/foo", "three"},
		{"set", "/foo", "three", "--swap-with-value", "two"},
		{"set", "/foo", "--swap-with-value=two", "three"},
	} {
		r := h.run(t, "", args...)
		assert.Equal(t, 4, r.code, "%v", args)
		assert.Empty(t, r.stdout)
		assert.Equal(t, fmt.Sprintf("Error:  101: Compare failed ([two != one]) [%d]\n", h.index(t)), r.stderr)
	}
	assert.Equal(t, "three\n", h.mustRun(t, "set", "--swap-with-value", "one", "/foo", "three"))
	idx := h.index(t)
	assert.Equal(t, "four\n", h.mustRun(t, "set", "--swap-with-index", fmt.Sprint(idx), "/foo", "four"))
	r := h.run(t, "", "set", "--swap-with-index", "1", "/foo", "five")
	assert.Equal(t, 4, r.code)
	assert.Equal(t, fmt.Sprintf("Error:  101: Compare failed ([1 != %d]) [%d]\n", idx+1, idx+1), r.stderr)
}

func TestGetOutputFormats(t *testing.T) {
	h := newHarness(t)
	h.mustRun(t, "set", "/a/one", "first")
	h.mustRun(t, "set", "/a/one", "two")
	// The second set replaced the node, so both of its indexes are that write's.
	created, modified := h.index(t), h.index(t)
	tests := []struct {
		output string
		want   string
	}{
		{"simple", "two\n"},
		{"extended", fmt.Sprintf("Key: /a/one\nCreated-Index: %d\nModified-Index: %d\nTTL: 0\nIndex: %d\n\ntwo\n", created, modified, modified)},
		{"json", fmt.Sprintf(`{"action":"get","node":{"key":"/a/one","value":"two","nodes":null,"createdIndex":%d,"modifiedIndex":%d},"prevNode":null}`+"\n", created, modified)},
	}
	for _, tt := range tests {
		t.Run(tt.output, func(t *testing.T) {
			assert.Equal(t, tt.want, h.mustRun(t, "-o", tt.output, "get", "/a/one"))
		})
	}
	r := h.run(t, "", "--output", "yaml", "get", "/a/one")
	assert.Equal(t, 0, r.code)
	assert.Equal(t, "Unsupported output format: yaml\n", r.stderr)
}

func TestSetExtendedShowsPrevNode(t *testing.T) {
	h := newHarness(t)
	h.mustRun(t, "set", "/k", "old")
	out := h.mustRun(t, "-o", "extended", "set", "--ttl", "30", "/k", "new")
	idx := h.index(t)
	assert.Equal(t, fmt.Sprintf("Key: /k\nCreated-Index: %d\nModified-Index: %d\nPrevNode.Value: old\nTTL: 30\nIndex: %d\n\nnew\n", idx, idx, idx), out)
}

func TestGetErrors(t *testing.T) {
	h := newHarness(t)
	h.mustRun(t, "mkdir", "/dir")
	r := h.run(t, "", "get", "/dir")
	assert.Equal(t, result{stderr: "/dir: is a directory\n", code: 1}, r)

	for _, output := range []string{"simple", "json"} {
		r = h.run(t, "", "-o", output, "get", "/nonexist")
		assert.Equal(t, result{stderr: fmt.Sprintf("Error:  100: Key not found (/nonexist) [%d]\n", h.index(t)), code: 4}, r)
	}
}

func TestGetSendsSortAndQuorum(t *testing.T) {
	h := newHarness(t)
	h.mustRun(t, "set", "/k", "v")
	h.mustRun(t, "get", "--sort", "-q", "/k")
	gets := h.requestsMatching("GET /v2/keys/k")
	require.NotEmpty(t, gets)
	assert.Equal(t, "GET /v2/keys/k?quorum=true&recursive=false&sorted=true", gets[len(gets)-1])
}

func TestLs(t *testing.T) {
	h := newHarness(t)
	for _, k := range []string{"/d/b", "/d/a", "/d/sub/x", "/d/_hidden", "/top"} {
		h.mustRun(t, "set", k, "v")
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"sorted", []string{"ls", "--sort", "/d"}, "/d/a\n/d/b\n/d/sub\n"},
		{"unsorted is the server's order", []string{"ls", "/d"}, "/d/a\n/d/b\n/d/sub\n"},
		{"recursive", []string{"ls", "--sort", "-r", "/d"}, "/d/a\n/d/b\n/d/sub\n/d/sub/x\n"},
		{"slash after dirs", []string{"ls", "--sort", "-p", "--recursive", "/d"}, "/d/a\n/d/b\n/d/sub/\n/d/sub/x\n"},
		{"root by default", []string{"ls", "--sort"}, "/d\n/top\n"},
		{"a file lists itself", []string{"ls", "/top"}, "/top\n"},
		{"flags after the key", []string{"ls", "/d", "--sort", "-p"}, "/d/a\n/d/b\n/d/sub/\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, h.mustRun(t, tt.args...))
		})
	}
	lists := h.requestsMatching("GET /v2/keys/d?")
	require.GreaterOrEqual(t, len(lists), 2)
	assert.Equal(t, "GET /v2/keys/d?quorum=false&recursive=false&sorted=false", lists[1], "without --sort the server is not asked to sort")
	assert.Equal(t, "GET /v2/keys/d?quorum=false&recursive=false&sorted=true", lists[0])

	out := h.mustRun(t, "-o", "json", "ls", "--sort", "/d/sub")
	assert.True(t, strings.HasPrefix(out, `{"action":"get","node":{"key":"/d/sub","dir":true,"value":"","nodes":[{"key":"/d/sub/x","value":"v","nodes":null,`), out)

	h.mustRun(t, "ls", "--quorum", "/d")
	gets := h.requestsMatching("GET /v2/keys/d?")
	assert.Equal(t, "GET /v2/keys/d?quorum=true&recursive=false&sorted=false", gets[len(gets)-1])

	r := h.run(t, "", "ls", "/missing")
	assert.Equal(t, 4, r.code)
	assert.Equal(t, fmt.Sprintf("Error:  100: Key not found (/missing) [%d]\n", h.index(t)), r.stderr)
}

func TestMk(t *testing.T) {
	h := newHarness(t)
	assert.Equal(t, "v\n", h.mustRun(t, "mk", "/new", "v"))
	r := h.run(t, "", "mk", "/new", "again")
	assert.Equal(t, result{stderr: fmt.Sprintf("Error:  105: Key already exists (/new) [%d]\n", h.index(t)), code: 4}, r)
	assert.Contains(t, h.requestsMatching("PUT /v2/keys/new"), "PUT /v2/keys/new?prevExist=false")

	out := h.mustRun(t, "-o", "extended", "mk", "--in-order", "--ttl", "60", "/queue", "job")
	idx := h.index(t)
	assert.Equal(t, fmt.Sprintf("Key: /queue/%020d\nCreated-Index: %d\nModified-Index: %d\nTTL: 60\nIndex: %d\n\njob\n", idx, idx, idx, idx), out)
	assert.Contains(t, h.requestsMatching("POST "), "POST /v2/keys/queue")
}

func TestDirectoryCommands(t *testing.T) {
	h := newHarness(t)
	assert.Empty(t, h.mustRun(t, "mkdir", "/d1"))
	r := h.run(t, "", "mkdir", "/d1")
	assert.Equal(t, result{stderr: fmt.Sprintf("Error:  105: Key already exists (/d1) [%d]\n", h.index(t)), code: 4}, r)

	assert.Empty(t, h.mustRun(t, "setdir", "/d2"))
	assert.Contains(t, h.requestsMatching("PUT /v2/keys/d2"), "PUT /v2/keys/d2?dir=true")
	assert.Empty(t, h.mustRun(t, "updatedir", "--ttl", "5", "/d2"))
	assert.Contains(t, h.requestsMatching("PUT /v2/keys/d2"), "PUT /v2/keys/d2?dir=true&prevExist=true")

	out := h.mustRun(t, "-o", "json", "mkdir", "/d3")
	idx := h.index(t)
	assert.Equal(t, fmt.Sprintf(`{"action":"create","node":{"key":"/d3","dir":true,"value":"","nodes":null,"createdIndex":%d,"modifiedIndex":%d},"prevNode":null}`+"\n", idx, idx), out)

	r = h.run(t, "", "updatedir", "/nodir")
	assert.Equal(t, 4, r.code)
	assert.Contains(t, r.stderr, "Error:  100: Key not found (/nodir)")
}

func TestUpdate(t *testing.T) {
	h := newHarness(t)
	r := h.run(t, "", "update", "/u", "v")
	assert.Equal(t, result{stderr: fmt.Sprintf("Error:  100: Key not found (/u) [%d]\n", h.index(t)), code: 4}, r)
	h.mustRun(t, "set", "/u", "v1")
	assert.Equal(t, "v2\n", h.mustRun(t, "update", "/u", "v2"))
	assert.Contains(t, h.requestsMatching("PUT /v2/keys/u"), "PUT /v2/keys/u?prevExist=true")
}

func TestRm(t *testing.T) {
	h := newHarness(t)
	h.mustRun(t, "set", "/f", "gone")
	assert.Equal(t, "PrevNode.Value: gone\n", h.mustRun(t, "rm", "/f"))

	h.mustRun(t, "set", "/dir/x", "1")
	r := h.run(t, "", "rm", "/dir")
	assert.Equal(t, result{stderr: fmt.Sprintf("Error:  102: Not a file (/dir) [%d]\n", h.index(t)), code: 4}, r)
	r = h.run(t, "", "rm", "--dir", "/dir")
	assert.Equal(t, result{stderr: fmt.Sprintf("Error:  108: Directory not empty (/dir) [%d]\n", h.index(t)), code: 4}, r)
	assert.Empty(t, h.mustRun(t, "rm", "/dir", "-r"))

	h.mustRun(t, "set", "/c", "val")
	r = h.run(t, "", "rm", "--with-value", "other", "/c")
	assert.Equal(t, result{stderr: fmt.Sprintf("Error:  101: Compare failed ([other != val]) [%d]\n", h.index(t)), code: 4}, r)
	out := h.mustRun(t, "-o", "extended", "rm", "--with-index", fmt.Sprint(h.index(t)), "/c")
	idx := h.index(t)
	assert.Equal(t, fmt.Sprintf("Key: /c\nCreated-Index: %d\nModified-Index: %d\nPrevNode.Value: val\nTTL: 0\nIndex: %d\n\n\n", idx-1, idx, idx), out,
		"compareAndDelete is not a delete: extended mode prints the (empty) value")

	h.mustRun(t, "mkdir", "/empty")
	assert.Empty(t, h.mustRun(t, "rmdir", "/empty"))
	assert.Contains(t, h.requestsMatching("DELETE /v2/keys/empty"), "DELETE /v2/keys/empty?dir=true")
	h.mustRun(t, "mkdir", "/empty2")
	out = h.mustRun(t, "-o", "extended", "rmdir", "/empty2")
	idx = h.index(t)
	assert.Equal(t, fmt.Sprintf("Key: /empty2\nCreated-Index: %d\nModified-Index: %d\nPrevNode.Value: \nTTL: 0\nIndex: %d\n", idx-1, idx, idx), out)
}

func TestValueFromStdin(t *testing.T) {
	h := newHarness(t)
	r := h.run(t, "piped value", "set", "/in")
	assert.Equal(t, result{stdout: "piped value\n", code: 0}, r)
	assert.Equal(t, "piped value\n", h.mustRun(t, "get", "/in"))

	for _, cmd := range []string{"set", "mk", "update"} {
		r = h.run(t, "", cmd, "/in")
		assert.Equal(t, result{stderr: "Error:  value required\n", code: 128}, r, cmd)
	}
}

func TestBadArguments(t *testing.T) {
	h := newHarness(t)
	for _, cmd := range []string{"get", "set", "mk", "mkdir", "setdir", "update", "updatedir", "rm", "rmdir", "watch"} {
		r := h.run(t, "", cmd)
		assert.Equal(t, result{stderr: "Error:  key required\n", code: 128}, r, cmd)
	}
	assert.Empty(t, h.requests(), "bad arguments are caught before any request")

	// A flag that does not parse: "Incorrect Usage" and the command's help on stdout, the
	// error on stderr, exit 1, as etcdctl.
	r := h.run(t, "", "get", "--bogus", "/k")
	assert.Equal(t, result{code: 1, stderr: "flag provided but not defined: -bogus\n",
		stdout: "Incorrect Usage: flag provided but not defined: -bogus\n\nNAME:\n   kvctl get - retrieve the value of a key\n\n" +
			"USAGE:\n   kvctl get [command options] <key>\n\nOPTIONS:\n   --sort        returns result in sorted order\n" +
			"   --quorum, -q  require quorum for get request\n   \n"}, r)

	r = h.runRaw(t, "", "frobnicate")
	assert.Equal(t, result{stderr: "No help topic for 'frobnicate'\n", code: 3}, r, "as etcdctl (parity 17-ctl-cluster.seq)")

	r = h.runRaw(t, "", "--timeout", "soon", "get", "/k")
	assert.Equal(t, 1, r.code)
	assert.Equal(t, "invalid value \"soon\" for flag -timeout: parse error\n", r.stderr)
	assert.True(t, strings.HasPrefix(r.stdout, "Incorrect Usage. invalid value \"soon\" for flag -timeout: parse error\n\nNAME:\n   kvctl - "), r.stdout)
}

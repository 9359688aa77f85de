package checker

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/checker/history"
)

// seq builds a sequential history (each op returns before the next is called) of client 0.
func seq(ops ...history.Op) []history.Op {
	for i := range ops {
		ops[i].Call, ops[i].Return = int64(10*i), int64(10*i+5)
		if ops[i].Outcome == "" {
			ops[i].Outcome = history.OutcomeOK
		}
	}
	return ops
}

func mkdir(key string) history.Op {
	return history.Op{Kind: history.KindCreate, Key: key, Dir: true}
}

func setTo(key, value string) history.Op {
	return history.Op{Kind: history.KindSet, Key: key, Value: value}
}

func treeRead(key string, found bool, result string, dir bool) history.Op {
	return history.Op{Kind: history.KindQGet, Key: key, Found: found, Result: result, Dir: dir}
}

func treeCAS(key, prev, value string) history.Op {
	return history.Op{Kind: history.KindCAS, Key: key, PrevValue: prev, Value: value}
}

func treeCAD(key, prev string) history.Op {
	return history.Op{Kind: history.KindCAD, Key: key, PrevValue: prev}
}

func failed(op history.Op, code int) history.Op {
	op.Outcome, op.ErrorCode = history.OutcomeFail, code
	return op
}

func TestTreeModel(t *testing.T) {
	rmdir := history.Op{Kind: history.KindDelete, Key: "/t/a", Dir: true}
	rdel := history.Op{Kind: history.KindDelete, Key: "/t/a", Recursive: true}
	del := history.Op{Kind: history.KindDelete, Key: "/t/a"}
	tests := []struct {
		name  string
		ops   []history.Op
		legal bool
	}{
		{"rmdir of a non-empty dir fails 108", seq(mkdir("/t/a"), setTo("/t/a/x", "1"), failed(rmdir, 108)), true},
		{"rmdir of a non-empty dir cannot succeed", seq(mkdir("/t/a"), setTo("/t/a/x", "1"), rmdir), false},
		{"rmdir of an empty dir", seq(mkdir("/t/a"), rmdir, treeRead("/t/a", false, "", false)), true},
		{"delete of a dir without dir=true fails 102", seq(mkdir("/t/a"), failed(del, 102)), true},
		{"a recursive delete removes the children",
			seq(setTo("/t/a/x", "1"), rdel, treeRead("/t/a/x", false, "", false)), true},
		{"a child cannot survive a recursive delete",
			seq(setTo("/t/a/x", "1"), rdel, treeRead("/t/a/x", true, "1", false)), false},
		{"setting a file makes its parents",
			seq(setTo("/t/a/b/x", "1"), treeRead("/t/a", true, "b/", true), treeRead("/t/a/b", true, "x=1", true)), true},
		{"listing leaves hidden children out and sorts by name",
			seq(setTo("/t/a/z", "1"), setTo("/t/a/_h", "2"), mkdir("/t/a/c"), treeRead("/t/a", true, "c/,z=1", true)), true},
		{"a recursive listing goes down every directory in name order",
			seq(setTo("/t/a/z", "1"), setTo("/t/a/c/y", "2"), setTo("/t/a/c/_h/x", "3"), setTo("/t/a/b", "4"),
				recursiveRead("/t/a", "b=4,c/,c/y=2,z=1")), true},
		{"a recursive listing that stops at the first level is wrong",
			seq(setTo("/t/a/c/y", "2"), recursiveRead("/t/a", "c/")), false},
		{"a listing that shows a hidden child is wrong",
			seq(setTo("/t/a/_h", "2"), treeRead("/t/a", true, "_h=2", true)), false},
		{"a file in the way fails 104",
			seq(setTo("/t/f", "1"), failed(setTo("/t/f/x", "2"), 104), failed(mkdir("/t/f/d"), 104)), true},
		{"a file in the way cannot be written through", seq(mkdir("/t/d"), setTo("/t/f", "1"), setTo("/t/f/x", "2")), false},
		{"set on a dir fails 102", seq(mkdir("/t/a"), failed(setTo("/t/a", "v"), 102)), true},
		{"mkdir of an existing key fails 105", seq(setTo("/t/a", "v"), failed(mkdir("/t/a"), 105)), true},
		{"a wrong error code is illegal", seq(setTo("/t/a", "v"), failed(mkdir("/t/a"), 104)), false},
		{"a read through a file fails 104", seq(setTo("/t/f", "1"), failed(treeRead("/t/f/x", false, "", false), 104)), true},
		{"a file read as a dir is illegal", seq(setTo("/t/a", "1"), treeRead("/t/a", true, "", true)), false},
		{"a compare on a dir fails 102", seq(mkdir("/t/a"), failed(treeCAS("/t/a", "none", "v"), 102), failed(treeCAD("/t/a", "none"), 102)), true},
		{"a compare on a dir cannot fail 101", seq(mkdir("/t/a"), failed(treeCAS("/t/a", "none", "v"), 101)), false},
		{"a compare on a dir cannot succeed", seq(mkdir("/t/a"), treeCAS("/t/a", "none", "v")), false},
		{"a compare on a file", seq(setTo("/t/a/x", "1"), failed(treeCAS("/t/a/x", "2", "3"), 101), treeCAS("/t/a/x", "1", "3"),
			treeRead("/t/a/x", true, "3", false), treeCAD("/t/a/x", "3"), treeRead("/t/a", true, "", true)), true},
		{"a compare of a missing key fails 100", seq(mkdir("/t/a"), failed(treeCAS("/t/a/x", "1", "2"), 100)), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Check(tt.ops, Options{})
			assert.Equal(t, tt.legal, v.Linearizable, "%q", v.Problems)
			if !tt.legal {
				assert.Contains(t, strings.Join(v.Problems, "\n"), "directory tree /t")
			}
		})
	}
}

func TestTreeUnknownWrites(t *testing.T) {
	unknownRm := history.Op{Kind: history.KindDelete, Key: "/t/a", Recursive: true, Outcome: history.OutcomeUnknown}
	ops := seq(setTo("/t/a/x", "1"), unknownRm, treeRead("/t/a/x", true, "1", false), treeRead("/t/a/x", false, "", false))
	// The unknown recursive delete may take effect between the two reads (it never returned).
	ops[1].Return = 100
	v := Check(ops, Options{})
	assert.True(t, v.Linearizable, "%q", v.Problems)

	// But not before the first read and then be undone.
	ops = seq(setTo("/t/a/x", "1"), unknownRm, treeRead("/t/a/x", false, "", false), treeRead("/t/a/x", true, "1", false))
	ops[1].Return = 100
	v = Check(ops, Options{})
	assert.False(t, v.Linearizable)
}

func TestTreeSplitsOnlyDirectoryRoots(t *testing.T) {
	ops := seq(mkdir("/t/a"), setTo("/k", "1"), setTo("/t/b", "2"), setTo("/t/a/x", "3"))
	roots, trees, rest := splitTrees(ops)
	require.Equal(t, []string{"/t/a", "/t/b"}, roots, "subtrees that cannot affect each other are checked apart")
	assert.Len(t, trees["/t/a"], 2)
	require.Len(t, rest, 1)
	assert.Equal(t, "/k", rest[0].Key)

	ops = append(ops, treeRead("/t", true, "a/,b=2", true))
	roots, trees, _ = splitTrees(seq(ops...))
	require.Equal(t, []string{"/t"}, roots, "a read of the top-level directory joins its subtrees")
	assert.Len(t, trees["/t"], 4)
}

func TestInOrderNames(t *testing.T) {
	good := history.Op{Kind: history.KindCreate, Key: "/q/00000000000000000012", Value: "v", Index: 12, InOrder: true}
	bad := good
	bad.Key, bad.Index = "/q/00000000000000000012", 13
	v := Check(seq(good), Options{})
	assert.True(t, v.Linearizable, "%q", v.Problems)
	v = Check(seq(bad), Options{})
	assert.False(t, v.Linearizable)
	assert.Contains(t, strings.Join(v.Problems, "\n"), "must be named 00000000000000000013")
}

func recursiveRead(key, listing string) history.Op {
	op := treeRead(key, true, listing, true)
	op.Recursive = true
	return op
}

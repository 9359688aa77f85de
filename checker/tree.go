package checker

import (
	"fmt"
	"sort"
	"strings"

	"github.com/anishathalye/porcupine"

	"github.com/raftlab/raftlab/checker/history"
)

// The per-key model cannot check directories: setting a file creates its parents, a recursive
// delete removes many keys at once and a directory read lists its children. A history that uses
// directories is therefore split: every key below the top-level directory of a directory operation
// (dir=true or recursive) belongs to that directory's tree, and each tree is checked as one
// porcupine partition against a model of the whole subtree (treeStep), quorum reads included. Local
// reads of tree keys are not checked.

// splitTrees moves the ops of every tree out of ops and returns them by tree root ("/t"), the roots
// sorted, and the ops left. A tree none of whose ops names its top-level directory itself is split
// one level further ("/t/a", "/t/b"): those subtrees cannot affect each other, and porcupine's
// search grows with the ops of a partition that may still take effect.
func splitTrees(ops []history.Op) (roots []string, trees map[string][]history.Op, rest []history.Op) {
	top := map[string]bool{}
	for _, op := range ops {
		if op.Dir || op.Recursive {
			top[treeRoot(op.Key, 1)] = true
		}
	}
	if len(top) == 0 {
		return nil, nil, ops
	}
	whole := map[string]bool{} // trees whose top-level directory an op names
	for _, op := range ops {
		if top[op.Key] {
			whole[op.Key] = true
		}
	}
	trees = map[string][]history.Op{}
	for _, op := range ops {
		if !strings.HasPrefix(op.Key, "/") { // a sync record concerns no key in particular
			rest = append(rest, op)
			continue
		}
		root := treeRoot(op.Key, 1)
		if !top[root] {
			rest = append(rest, op)
			continue
		}
		if !whole[root] {
			root = treeRoot(op.Key, 2)
		}
		if op.Kind == history.KindGet {
			continue
		}
		if _, ok := trees[root]; !ok {
			roots = append(roots, root)
		}
		trees[root] = append(trees[root], op)
	}
	sort.Strings(roots)
	return roots, trees, rest
}

// treeRoot is the first depth segments of key: "/t" (depth 1) or "/t/a" (depth 2) for "/t/a/b".
func treeRoot(key string, depth int) string {
	end := 0
	for ; depth > 0; depth-- {
		i := strings.IndexByte(key[end+1:], '/')
		if i < 0 {
			return key
		}
		end += i + 1
	}
	return key[:end]
}

// checkTrees checks every tree's history; it returns one problem per tree that is not linearizable,
// whether a search ran out of time and how many operations it checked.
func checkTrees(roots []string, trees map[string][]history.Op, opts Options) (problems []string, timedOut bool, checked int) {
	model := treeModel()
	for _, root := range roots {
		var lin []porcupine.Operation
		extra := 0
		for i := range trees[root] {
			op := &trees[root][i]
			if !treeModelled(op) {
				continue
			}
			row, ret := op.Client, op.Return
			if op.Outcome == history.OutcomeUnknown {
				extra++
				row, ret = -extra, int64(^uint64(0)>>1)
			}
			lin = append(lin, porcupine.Operation{ClientId: row, Input: op, Call: op.Call, Return: ret})
		}
		checked += len(lin)
		switch porcupine.CheckOperationsTimeout(model, lin, opts.Timeout) {
		case porcupine.Illegal:
			problems = append(problems, fmt.Sprintf("directory tree %s: not linearizable (%d ops)", root, len(lin)))
		case porcupine.Unknown:
			timedOut = true
		}
	}
	return problems, timedOut, checked
}

// treeModelled reports whether op says something about the tree: every write that succeeded or may
// have, every failure with an error code, every read that got an answer.
func treeModelled(op *history.Op) bool {
	switch op.Outcome {
	case history.OutcomeUnknown:
		return op.Kind.IsWrite()
	case history.OutcomeFail:
		return op.ErrorCode != 0
	}
	return true
}

// treeModel is the porcupine model of one tree. The state is the tree in its canonical text form
// (see encodeTree), so that porcupine can compare and hash it.
func treeModel() porcupine.Model {
	return porcupine.Model{
		Init: func() interface{} { return "" },
		Step: func(state, input, _ interface{}) (bool, interface{}) {
			t := decodeTree(state.(string))
			ok := treeStep(t, input.(*history.Op))
			return ok, encodeTree(t)
		},
		Equal:             func(a, b interface{}) bool { return a.(string) == b.(string) },
		Hash:              func(state interface{}) uint64 { return EntryHash([]byte(state.(string))) },
		DescribeOperation: func(input, _ interface{}) string { return input.(*history.Op).String() },
		DescribeState:     func(state interface{}) string { return describeTree(state.(string)) },
	}
}

// tnode is one node of the model's tree: a directory or a file with its value.
type tnode struct {
	dir   bool
	value string
}

// tree maps every existing key to its node; the root "/" is implicit.
type tree map[string]tnode

func decodeTree(s string) tree {
	t := tree{}
	if s == "" {
		return t
	}
	for _, rec := range strings.Split(s, "\x01") {
		path, rest, _ := strings.Cut(rec, "\x00")
		if rest == "d" {
			t[path] = tnode{dir: true}
		} else {
			t[path] = tnode{value: strings.TrimPrefix(rest, "f")}
		}
	}
	return t
}

// encodeTree is the canonical text of t: its nodes in path order, each "path\x00d" or
// "path\x00fvalue", separated by \x01.
func encodeTree(t tree) string {
	paths := make([]string, 0, len(t))
	for p := range t {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var b strings.Builder
	for i, p := range paths {
		if i > 0 {
			b.WriteByte('\x01')
		}
		b.WriteString(p)
		b.WriteByte('\x00')
		if n := t[p]; n.dir {
			b.WriteByte('d')
		} else {
			b.WriteByte('f')
			b.WriteString(n.value)
		}
	}
	return b.String()
}

func describeTree(s string) string {
	t := decodeTree(s)
	paths := make([]string, 0, len(t))
	for p := range t {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for i, p := range paths {
		if t[p].dir {
			paths[i] = p + "/"
		} else {
			paths[i] = fmt.Sprintf("%s=%q", p, t[p].value)
		}
	}
	return "{" + strings.Join(paths, " ") + "}"
}

// treeParent is the parent path of key ("/" for a top-level key).
func treeParent(key string) string {
	i := strings.LastIndexByte(key, '/')
	if i <= 0 {
		return "/"
	}
	return key[:i]
}

// ancestors returns the proper ancestors of key below the root, top down.
func ancestors(key string) []string {
	var out []string
	for i := 1; i < len(key); i++ {
		if key[i] == '/' {
			out = append(out, key[:i])
		}
	}
	return out
}

// lookupCode is what looking key up gives: 0 when it exists, else the store's error: 104 when the
// walk down meets a file, 100 when it meets a missing node, whichever comes first.
func (t tree) lookupCode(key string) int {
	for _, a := range append(ancestors(key), key) {
		n, ok := t[a]
		if !ok {
			return history.ErrCodeKeyNotFound
		}
		if !n.dir && a != key {
			return errCodeNotDir
		}
	}
	return 0
}

// The store's error codes the tree model predicts besides 100, 101 and 105.
const (
	errCodeNotFile     = 102
	errCodeNotDir      = 104
	errCodeDirNotEmpty = 108
)

// parentBlocked is 104 when a file sits on the way to key's parent (creating the parent fails).
func (t tree) parentBlocked(key string) int {
	for _, a := range ancestors(key) {
		if n, ok := t[a]; ok && !n.dir {
			return errCodeNotDir
		} else if !ok {
			return 0 // everything below a missing directory is new
		}
	}
	return 0
}

func (t tree) makeParents(key string) {
	for _, a := range ancestors(key) {
		if _, ok := t[a]; !ok {
			t[a] = tnode{dir: true}
		}
	}
}

func (t tree) hasChildren(key string) bool {
	for p := range t {
		if treeParent(p) == key {
			return true
		}
	}
	return false
}

func (t tree) removeSubtree(key string) {
	for p := range t {
		if p == key || strings.HasPrefix(p, key+"/") {
			delete(t, p)
		}
	}
}

// listing is the history.Listing of directory key's children (and, recursive, their children).
func (t tree) listing(key string, recursive bool) string {
	return history.Listing(t.appendEntries(nil, key, len(key)+1, recursive))
}

// appendEntries appends the non-hidden children of dir in name order, each directory followed by
// its own when recursive; names are cut at cut (the length of the listed directory's path + 1).
func (t tree) appendEntries(entries []history.Entry, dir string, cut int, recursive bool) []history.Entry {
	var children []string
	for p := range t {
		if treeParent(p) == dir && !strings.HasPrefix(p[len(dir)+1:], "_") {
			children = append(children, p)
		}
	}
	sort.Strings(children)
	for _, p := range children {
		n := t[p]
		entries = append(entries, history.Entry{Name: p[cut:], Dir: n.dir, Value: n.value})
		if n.dir && recursive {
			entries = t.appendEntries(entries, p, cut, recursive)
		}
	}
	return entries
}

// treeEffect is what op does to t: the error code it fails with (0: it succeeds) and, when it
// succeeds, the change it makes (nil for reads).
func treeEffect(t tree, op *history.Op) (int, func()) {
	key := op.Key
	switch op.Kind {
	case history.KindSet:
		code := t.lookupCode(key)
		switch {
		case code == errCodeNotDir:
			return code, nil
		case code == 0 && t[key].dir:
			return errCodeNotFile, nil
		}
		return 0, func() { t.makeParents(key); t[key] = tnode{value: op.Value} }
	case history.KindCreate:
		if code := t.parentBlocked(key); code != 0 {
			return code, nil
		}
		if _, ok := t[key]; ok {
			return history.ErrCodeNodeExist, nil
		}
		return 0, func() { t.makeParents(key); t[key] = tnode{dir: op.Dir, value: op.Value} }
	case history.KindDelete:
		if code := t.lookupCode(key); code != 0 {
			return code, nil
		}
		if n := t[key]; n.dir {
			switch {
			case !op.Dir && !op.Recursive:
				return errCodeNotFile, nil
			case !op.Recursive && t.hasChildren(key):
				return errCodeDirNotEmpty, nil
			}
		}
		return 0, func() { t.removeSubtree(key) }
	case history.KindCAS, history.KindCAD:
		return treeCompare(t, op)
	case history.KindExpire:
		// The cluster expired a file (the tree model does not time TTLs: the expiry record says when).
		if n, ok := t[key]; !ok || n.dir {
			return -1, nil
		}
		return 0, func() { delete(t, key) }
	case history.KindGet, history.KindQGet:
		code := t.lookupCode(key)
		if code == history.ErrCodeKeyNotFound {
			code = 0 // a read of a missing key is an answer: not found
		}
		return code, nil
	}
	return -1, nil // not a tree operation: never legal
}

// treeCompare is treeEffect for a compare-and-swap or compare-and-delete on the value: like the
// store, it fails on a missing key (100, or 104 with a file on the way), then on a directory (102:
// there is no value to compare), then on another value (101). The tree model keeps no indexes: a
// compare on prevIndex is not a tree operation.
func treeCompare(t tree, op *history.Op) (int, func()) {
	if op.PrevIndex != 0 || op.PrevValue == "" {
		return -1, nil
	}
	if code := t.lookupCode(op.Key); code != 0 {
		return code, nil
	}
	n := t[op.Key]
	switch {
	case n.dir:
		return errCodeNotFile, nil
	case n.value != op.PrevValue:
		return history.ErrCodeTestFailed, nil
	case op.Kind == history.KindCAD:
		return 0, func() { t.removeSubtree(op.Key) }
	}
	return 0, func() { t[op.Key] = tnode{value: op.Value} }
}

// treeStep is the sequential specification of one operation on a tree; it changes t in place and
// reports whether op, with the outcome it got, is legal.
func treeStep(t tree, op *history.Op) bool {
	code, effect := treeEffect(t, op)
	if code < 0 {
		return false
	}
	switch op.Outcome {
	case history.OutcomeFail:
		return code != 0 && code == op.ErrorCode
	case history.OutcomeUnknown:
		if code == 0 && effect != nil {
			effect()
		}
		return true
	}
	if code != 0 {
		return false
	}
	if effect != nil {
		effect()
		return true
	}
	return treeReadMatches(t, op)
}

// treeReadMatches checks a successful read's answer against t.
func treeReadMatches(t tree, op *history.Op) bool {
	n, ok := t[op.Key]
	switch {
	case !op.Found:
		return !ok
	case !ok || n.dir != op.Dir:
		return false
	case n.dir:
		return op.Result == t.listing(op.Key, op.Recursive)
	}
	return op.Result == n.value
}

// checkDirectories checks what the per-key model cannot: every directory tree (see splitTrees) and
// the names of in-order keys. It returns the ops left for the per-key model, the problems found,
// whether a search ran out of time and how many ops the tree models checked.
func checkDirectories(ops []history.Op, opts Options) (perKey []history.Op, problems []string, timedOut bool, checked int) {
	roots, trees, perKey := splitTrees(withoutOpenPOSTs(ops))
	problems, timedOut, checked = checkTrees(roots, trees, opts)
	return perKey, append(problems, checkInOrder(ops)...), timedOut, checked
}

// withoutOpenPOSTs leaves out the POSTs that did not succeed: their Key is the directory they
// posted to, and the key they may have made is unknown, so no model can place them (and no other
// operation can name that key).
func withoutOpenPOSTs(ops []history.Op) []history.Op {
	out := ops[:0:0]
	for _, op := range ops {
		if !op.InOrder || op.Outcome == history.OutcomeOK {
			out = append(out, op)
		}
	}
	return out
}

// checkInOrder checks that every key a POST created is named after its creation index, zero-padded
// to 20 digits (ETCD_V2_API.md §3.3), so that in-order keys list in creation order.
func checkInOrder(ops []history.Op) []string {
	var problems problemList
	for i := range ops {
		op := &ops[i]
		if !op.InOrder || op.Outcome != history.OutcomeOK || op.Index == 0 {
			continue
		}
		if want := fmt.Sprintf("%020d", op.Index); op.Key[strings.LastIndexByte(op.Key, '/')+1:] != want {
			problems.add(fmt.Sprintf("%s: an in-order key created at index %d must be named %s", op, op.Index, want))
		}
	}
	var out []string
	problems.flush(&out, "in-order key names")
	return out
}

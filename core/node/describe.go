package node

import (
	"fmt"
	"strconv"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/core/store"
)

// opName is the short name of a store operation in traces and log tables.
func opName(op store.Op) string {
	switch op {
	case store.OpSet:
		return "set"
	case store.OpCreate:
		return "create"
	case store.OpUpdate:
		return "update"
	case store.OpCompareAndSwap:
		return "cas"
	case store.OpDelete:
		return "delete"
	case store.OpCompareAndDelete:
		return "cad"
	case store.OpCreateInOrder:
		return "post"
	case store.OpSync:
		return "sync"
	}
	return "op" + strconv.Itoa(int(op))
}

// DescribeEntry renders a log entry for traces and log tables: `set /message "much"`, `noop`,
// `conf add 4`, `sync`, ...
func DescribeEntry(e raft.Entry) string {
	switch e.Type {
	case raft.EntryNoop:
		return "noop"
	case raft.EntryConfChange:
		cc, err := raft.DecodeConfChange(e.Data)
		if err != nil {
			return "conf ?"
		}
		kind := map[raft.ConfChangeType]string{
			raft.ConfChangeAddNode: "add", raft.ConfChangeRemoveNode: "remove", raft.ConfChangeAddLearner: "add-learner",
		}[cc.Type]
		return "conf " + kind + " " + strconv.FormatUint(cc.NodeID, 10)
	}
	if len(e.Data) == 0 {
		return "noop"
	}
	var env envelope
	if err := newCodecs().decodeEnvelope(e.Data, &env); err != nil {
		return "?"
	}
	switch env.Kind {
	case envSync:
		return "sync"
	case envPublish:
		return "publish " + env.Member.Name
	case envMemberUpdate:
		return "member-update " + strconv.FormatUint(env.Member.ID, 16)
	case envInternal:
		return "internal " + opName(env.Write.Op) + " " + env.Write.Key
	}
	w := env.Write
	switch w.Op {
	case store.OpDelete, store.OpCompareAndDelete:
		return opName(w.Op) + " " + w.Key
	}
	return fmt.Sprintf("%s %s %q", opName(w.Op), w.Key, w.Value)
}

// EntryValue returns the value a user write entry carries (what the talk's slides show in a log
// cell), and false for entries that are not user writes.
func EntryValue(e raft.Entry) (string, bool) {
	if e.Type != raft.EntryNormal || len(e.Data) == 0 {
		return "", false
	}
	var env envelope
	if err := newCodecs().decodeEnvelope(e.Data, &env); err != nil || env.Kind != envWrite {
		return "", false
	}
	switch env.Write.Op {
	case store.OpDelete, store.OpCompareAndDelete:
		return "rm " + env.Write.Key, true
	}
	return env.Write.Value, true
}

package raft

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMessageString(t *testing.T) {
	tests := []struct {
		msg  Message
		want string
	}{
		{Message{From: 1, To: 2, Type: MsgApp, Term: 3, LogTerm: 3, Index: 41, Commit: 40, Entries: []Entry{{Term: 3, Index: 42}}},
			"1->2 MsgApp Term:3 Log:3/41 Commit:40 Entries:[3/42]"},
		{Message{From: 2, To: 1, Type: MsgAppResp, Term: 3, Index: 41, Reject: true, RejectHint: 39, LogTerm: 2},
			"2->1 MsgAppResp Term:3 Index:41 Rejected (Hint: 2/39)"},
		{Message{From: 3, To: 1, Type: MsgVote, Term: 4, LogTerm: 3, Index: 7},
			"3->1 MsgVote Term:4 Log:3/7"},
		{Message{From: 1, To: 3, Type: MsgVoteResp, Term: 4, Reject: true},
			"1->3 MsgVoteResp Term:4 Rejected"},
		{Message{From: 1, To: 2, Type: MsgHeartbeat, Term: 2, Commit: 5, Context: []byte("r1")},
			`1->2 MsgHeartbeat Term:2 Commit:5 Context:"r1"`},
		{Message{From: 1, To: 2, Type: MsgSnap, Term: 2, Snapshot: &Snapshot{Metadata: SnapshotMetadata{Index: 9, Term: 2, ConfState: ConfState{Voters: []uint64{1, 2}}}}},
			"1->2 MsgSnap Term:2 Snapshot: Index:9 Term:2 Voters:[1 2] Learners:[]"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.msg.String())
	}
}

func TestEntryString(t *testing.T) {
	tests := []struct {
		e    Entry
		want string
	}{
		{Entry{Term: 1, Index: 2, Data: []byte("much")}, `1/2 "much"`},
		{Entry{Term: 2, Index: 3, Type: EntryNoop}, "2/3 noop"},
		{Entry{Term: 2, Index: 4, Type: EntryConfChange, Data: EncodeConfChange(ConfChange{Type: ConfChangeRemoveNode, NodeID: 3})}, "2/4 conf:RemoveNode(3)"},
		{Entry{Term: 2, Index: 5, Type: EntryConfChange, Data: []byte{9}}, `2/5 conf "\t"`},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.e.String())
	}
}

func TestEnumStrings(t *testing.T) {
	assert.Equal(t, "MsgReadIndexResp", MsgReadIndexResp.String())
	assert.Equal(t, "MsgUnknown", MessageType(200).String())
	assert.Equal(t, "pre-candidate", RolePreCandidate.String())
	assert.Equal(t, "unknown", Role(9).String())
	assert.Equal(t, "replicate", ProgressReplicate.String())
	assert.Equal(t, "probe", ProgressProbe.String())
	assert.Equal(t, "snapshot", ProgressSnapshot.String())
	assert.Equal(t, "unknown", ProgressState(9).String())
	assert.Equal(t, "AddLearner", ConfChangeAddLearner.String())
	assert.Equal(t, "AddNode", ConfChangeAddNode.String())
	assert.Equal(t, "Unknown", ConfChangeType(9).String())
}

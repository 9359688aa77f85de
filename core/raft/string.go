package raft

import (
	"fmt"
	"sort"
	"strings"
)

// String is the canonical one-line form of an entry: "term/index", with the type for non-normal
// entries and the data (quoted) when present, e.g. `2/5 "cool"` or `2/4 noop`.
func (e Entry) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d/%d", e.Term, e.Index)
	switch e.Type {
	case EntryNoop:
		b.WriteString(" noop")
	case EntryConfChange:
		if cc, err := DecodeConfChange(e.Data); err == nil {
			fmt.Fprintf(&b, " conf:%s(%d)", cc.Type, cc.NodeID)
			return b.String()
		}
		b.WriteString(" conf")
	}
	if len(e.Data) > 0 {
		fmt.Fprintf(&b, " %q", e.Data)
	}
	return b.String()
}

// String is the canonical one-line form of a message, e.g.
// `1->2 MsgApp Term:3 Log:3/41 Commit:40 Entries:[3/42]`. Fields a message type does not use are
// left out.
func (m Message) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d->%d %s Term:%d", m.From, m.To, m.Type, m.Term)
	switch m.Type {
	case MsgApp, MsgVote, MsgPreVote:
		fmt.Fprintf(&b, " Log:%d/%d", m.LogTerm, m.Index)
	case MsgAppResp, MsgReadIndexResp:
		fmt.Fprintf(&b, " Index:%d", m.Index)
	}
	if m.Reject {
		b.WriteString(" Rejected")
		if m.Type == MsgAppResp {
			fmt.Fprintf(&b, " (Hint: %d/%d)", m.LogTerm, m.RejectHint)
		}
	}
	if m.Commit != 0 || m.Type == MsgApp || m.Type == MsgHeartbeat {
		fmt.Fprintf(&b, " Commit:%d", m.Commit)
	}
	if len(m.Entries) > 0 {
		parts := make([]string, len(m.Entries))
		for i, e := range m.Entries {
			parts[i] = e.String()
		}
		fmt.Fprintf(&b, " Entries:[%s]", strings.Join(parts, ", "))
	}
	if m.Snapshot != nil && !m.Snapshot.IsEmpty() {
		md := m.Snapshot.Metadata
		fmt.Fprintf(&b, " Snapshot: Index:%d Term:%d Voters:%v Learners:%v", md.Index, md.Term, md.ConfState.Voters, md.ConfState.Learners)
	}
	if len(m.Context) > 0 {
		fmt.Fprintf(&b, " Context:%q", m.Context)
	}
	return b.String()
}

func sortProgress(ps []PeerProgress) {
	sort.Slice(ps, func(i, j int) bool { return ps[i].ID < ps[j].ID })
}

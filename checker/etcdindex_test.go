package checker

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/raftlab/raftlab/checker/history"
)

func TestCheckEtcdIndex(t *testing.T) {
	set := func(index, etcd uint64, call, ret int64) history.Op {
		return history.Op{Kind: history.KindSet, Key: "/k", Value: "v", Outcome: history.OutcomeOK, Index: index,
			EtcdIndex: etcd, Call: call, Return: ret}
	}
	read := func(kind history.Kind, index, etcd uint64, call, ret int64) history.Op {
		return history.Op{Kind: kind, Key: "/k", Outcome: history.OutcomeOK, Found: true, Result: "v", Index: index,
			EtcdIndex: etcd, Call: call, Return: ret}
	}
	tests := []struct {
		name    string
		ops     []history.Op
		problem string
	}{
		{"all as etcd answers", []history.Op{set(5, 5, 0, 10), read(history.KindQGet, 5, 9, 20, 30), read(history.KindGet, 5, 5, 40, 50)}, ""},
		{"not recorded", []history.Op{set(5, 0, 0, 10), read(history.KindQGet, 5, 0, 20, 30)}, ""},
		{"a write answers another index", []history.Op{set(5, 7, 0, 10)}, "X-Etcd-Index 7 is not the write's index 5"},
		{"a read answers before what it read", []history.Op{read(history.KindGet, 5, 4, 0, 10)}, "before the modifiedIndex 5"},
		{"a quorum read answers before an earlier write", []history.Op{set(8, 8, 0, 10), read(history.KindQGet, 5, 6, 20, 30)},
			"X-Etcd-Index 6 is before index 8, written before the read was sent"},
		{"a local read may lag", []history.Op{set(8, 8, 0, 10), read(history.KindGet, 5, 6, 20, 30)}, ""},
		{"a concurrent write may follow", []history.Op{set(8, 8, 0, 25), read(history.KindQGet, 5, 6, 20, 30)}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := checkEtcdIndex(tt.ops)
			if tt.problem == "" {
				assert.Empty(t, got)
				return
			}
			if assert.Len(t, got, 1) {
				assert.Contains(t, got[0], tt.problem)
			}
		})
	}
}

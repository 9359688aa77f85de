package main

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/raftlab/raftlab/checker/history"
)

func TestLostWritesComparesFinalValueWithPossibleWrites(t *testing.T) {
	set := func(v string, call, ret int64, out history.Outcome) history.Op {
		return history.Op{Kind: history.KindSet, Key: "/k", Value: v, Call: call, Return: ret, Outcome: out}
	}
	final := func(v string, found bool) []history.Op {
		return []history.Op{{Kind: history.KindQGet, Key: "/k", Result: v, Found: found, Outcome: history.OutcomeOK}}
	}
	tests := []struct {
		name  string
		ops   []history.Op
		final []history.Op
		lost  int
	}{
		{"last acked write present", []history.Op{set("a", 1, 2, "ok"), set("b", 3, 4, "ok")}, final("b", true), 0},
		{"overwritten acked write is lost", []history.Op{set("a", 1, 2, "ok"), set("b", 3, 4, "ok")}, final("a", true), 1},
		{"concurrent acked writes both possible", []history.Op{set("a", 1, 4, "ok"), set("b", 2, 3, "ok")}, final("a", true), 0},
		{"later unknown write may win", []history.Op{set("a", 1, 2, "ok"), set("u", 3, 9, "unknown")}, final("u", true), 0},
		{"key vanished", []history.Op{set("a", 1, 2, "ok")}, final("", false), 1},
		{"failed write cannot win", []history.Op{set("a", 1, 2, "ok"), set("f", 0, 1, "fail")}, final("f", true), 1},
		{"nothing acked: nothing to lose", []history.Op{set("u", 1, 2, "unknown")}, final("", false), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Len(t, lostWrites(tt.ops, tt.final), tt.lost)
		})
	}
}

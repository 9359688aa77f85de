package run

import (
	"testing"

	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/scenarios/story"
	"github.com/stretchr/testify/assert"
)

func TestResultMatches(t *testing.T) {
	okSet := history.Op{Kind: history.KindSet, Value: "v", Outcome: history.OutcomeOK}
	okRead := history.Op{Kind: history.KindQGet, Result: "v", Found: true, Outcome: history.OutcomeOK}
	missing := history.Op{Kind: history.KindQGet, Outcome: history.OutcomeOK}
	failCAS := history.Op{Kind: history.KindCAS, Outcome: history.OutcomeFail, ErrorCode: 101}
	unknown := history.Op{Kind: history.KindSet, Outcome: history.OutcomeUnknown}
	cases := []struct {
		e     story.Expect
		op    history.Op
		cause string
		pass  bool
		want  string
	}{
		{story.Expect{Outcome: "ok"}, okSet, "", true, "ok"},
		{story.Expect{Outcome: "ok"}, unknown, "", false, "ok"},
		{story.Expect{Outcome: "timeout"}, unknown, "", true, "timeout"},
		{story.Expect{Outcome: "not-ok"}, unknown, "", true, "not ok"},
		{story.Expect{Outcome: "not-ok"}, okSet, "", false, "not ok"},
		{story.Expect{Outcome: "value", Value: "v"}, okRead, "", true, "value v"},
		{story.Expect{Outcome: "value", Value: "v"}, okSet, "", true, "value v"},
		{story.Expect{Outcome: "value", Value: "w"}, okRead, "", false, "value w"},
		{story.Expect{Outcome: "not-found"}, missing, "", true, "not found"},
		{story.Expect{Outcome: "not-found"}, okRead, "", false, "not found"},
		{story.Expect{Outcome: "error", ErrorCode: 101, Cause: "[two != one]"}, failCAS, "[two != one]", true, `error 101 "[two != one]"`},
		{story.Expect{Outcome: "error", ErrorCode: 101, Cause: "[two != one]"}, failCAS, "[x != y]", false, `error 101 "[two != one]"`},
		{story.Expect{Outcome: "error", ErrorCode: 100}, failCAS, "", false, "error 100"},
		{story.Expect{Outcome: "fail"}, failCAS, "", true, "fail"},
	}
	for _, tc := range cases {
		pass, want := ResultMatches(&tc.e, tc.op, tc.cause)
		assert.Equal(t, tc.pass, pass, "%+v on %s", tc.e, tc.op)
		assert.Equal(t, tc.want, want)
	}
}

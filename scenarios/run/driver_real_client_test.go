package run

import (
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	client "go.etcd.io/etcd/client/v2"

	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/scenarios/realproc"
)

// TestClassifyRealOutcomes: only an answer that proves the request had no effect (a v2 key error
// below 300, a 4xx of the members API) is a failure; everything else that is not a success is
// unknown, which is always sound for the checker.
func TestClassifyRealOutcomes(t *testing.T) {
	timeout := errors.New("context deadline exceeded")
	for _, tc := range []struct {
		name      string
		kind      history.Kind
		resp      *client.Response
		err       error
		outcome   history.Outcome
		found     bool
		result    string
		index     uint64
		errorCode int
	}{
		{"write ok", history.KindSet, &client.Response{Node: &client.Node{Value: "v", ModifiedIndex: 9}}, nil, history.OutcomeOK, false, "", 9, 0},
		{"read ok", history.KindQGet, &client.Response{Node: &client.Node{Value: "v", ModifiedIndex: 8}}, nil, history.OutcomeOK, true, "v", 8, 0},
		{"read not found", history.KindGet, nil, client.Error{Code: 100}, history.OutcomeOK, false, "", 0, 0},
		{"compare failed", history.KindCAS, nil, client.Error{Code: 101}, history.OutcomeFail, false, "", 0, 101},
		{"raft error is unknown", history.KindSet, nil, client.Error{Code: 300}, history.OutcomeUnknown, false, "", 0, 0},
		{"timeout is unknown", history.KindSet, nil, timeout, history.OutcomeUnknown, false, "", 0, 0},
		{"a refused membership change fails", history.KindSet, nil, &realproc.APIError{Status: http.StatusConflict}, history.OutcomeFail, false, "", 0, 0},
		{"an unhealthy cluster's 500 is unknown", history.KindSet, nil, &realproc.APIError{Status: http.StatusInternalServerError}, history.OutcomeUnknown, false, "", 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			op := history.Op{Kind: tc.kind, Key: "/k"}
			classify(&op, tc.resp, tc.err)
			assert.Equal(t, tc.outcome, op.Outcome)
			assert.Equal(t, tc.found, op.Found)
			assert.Equal(t, tc.result, op.Result)
			assert.Equal(t, tc.index, op.Index)
			assert.Equal(t, tc.errorCode, op.ErrorCode)
		})
	}
}

package run

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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

// TestARealCallThatTimesOutAbandonsItsRequest: a client that gives up (its operation times out, as
// wow's does in much-wow-cool) closes its request, so the server's request context ends and a
// server that honours it stops working on the request, as the simulator's node is told to; the
// operation's outcome is unknown.
func TestARealCallThatTimesOutAbandonsItsRequest(t *testing.T) {
	abandoned := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil || r.Form.Get("value") != "wow" {
			http.Error(w, "unexpected request", http.StatusBadRequest)
			return
		}
		select {
		case <-r.Context().Done():
			close(abandoned)
		case <-time.After(time.Minute):
		}
	}))
	defer srv.Close()
	kapi, err := keys([]string{srv.URL})
	require.NoError(t, err)
	d := &realDriver{start: time.Now()}
	r := Request{Kind: history.KindSet, Key: "/message", Value: "wow"}
	c := d.startCall(history.Op{Kind: r.Kind, Key: r.Key, Value: r.Value}, 200*time.Millisecond, true,
		func(ctx context.Context) (*client.Response, error) { return send(ctx, kapi, r) })
	select {
	case <-abandoned:
	case <-time.After(30 * time.Second):
		t.Fatal("the server never saw the client give up")
	}
	<-c.done
	assert.Equal(t, history.OutcomeUnknown, c.Op().Outcome)
	assert.ErrorIs(t, c.Err(), context.DeadlineExceeded)
	require.Len(t, d.History(), 1, "the abandoned write is in the history, its outcome unknown")
}

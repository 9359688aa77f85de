package v2client

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWatcherResumesAfterEachEvent(t *testing.T) {
	next := uint64(10)
	rec := newRecorder(t, func(s seenRequest) cannedReply {
		next++
		return cannedReply{Status: http.StatusOK, Header: map[string]string{"X-Etcd-Index": "9"},
			Body: fmt.Sprintf(`{"action":"set","node":{"key":"/d/k","value":"v%d","modifiedIndex":%d,"createdIndex":%d}}`+"\n", next, next, next)}
	})
	c, err := New([]string{rec.srv.URL}, Options{})
	require.NoError(t, err)

	w := c.Watch("/d", WatchOptions{Recursive: true})
	assert.Equal(t, uint64(0), w.WaitIndex())
	for i := 0; i < 3; i++ {
		resp, err := w.Next(context.Background())
		require.NoError(t, err)
		assert.Equal(t, uint64(9), resp.Index)
		assert.Equal(t, resp.Node.ModifiedIndex+1, w.WaitIndex())
	}
	var waits []string
	for _, s := range rec.requests() {
		assert.Equal(t, "true", s.Query.Get("wait"))
		assert.Equal(t, "true", s.Query.Get("recursive"))
		waits = append(waits, s.Query.Get("waitIndex"))
	}
	assert.Equal(t, []string{"0", "12", "13"}, waits)
}

func TestWatcherAfterIndex(t *testing.T) {
	rec := newRecorder(t, fixed(http.StatusOK, okSet, nil))
	c, err := New([]string{rec.srv.URL}, Options{})
	require.NoError(t, err)
	_, err = c.Watch("/foo", WatchOptions{AfterIndex: 41}).Next(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "42", rec.last(t).Query.Get("waitIndex"))
	assert.Equal(t, "false", rec.last(t).Query.Get("recursive"))
}

func TestWatcherSkipsEmptyBodies(t *testing.T) {
	calls := 0
	rec := newRecorder(t, func(seenRequest) cannedReply {
		calls++
		if calls == 1 {
			return cannedReply{Status: http.StatusOK}
		}
		return cannedReply{Status: http.StatusOK, Body: okSet}
	})
	c, err := New([]string{rec.srv.URL}, Options{})
	require.NoError(t, err)
	resp, err := c.Watch("/foo", WatchOptions{}).Next(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "bar", resp.Node.Value)
	assert.Len(t, rec.requests(), 2)
}

func TestWatcherErrorsAreKeyErrors(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		code   int
	}{
		{"unauthorized", http.StatusUnauthorized, `{"errorCode":110,"message":"The request requires user authentication","cause":"Insufficient credentials","index":0}`, 110},
		{"history cleared", http.StatusBadRequest, `{"errorCode":401,"message":"The event in requested index is outdated and cleared","cause":"the requested history has been cleared [1008/7]","index":2007}`, 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := newRecorder(t, fixed(tt.status, tt.body, nil))
			c, err := New([]string{rec.srv.URL}, Options{})
			require.NoError(t, err)
			_, err = c.Watch("/foo", WatchOptions{AfterIndex: 6}).Next(context.Background())
			var kerr *Error
			require.ErrorAs(t, err, &kerr)
			assert.Equal(t, tt.code, kerr.ErrorCode)
		})
	}
}

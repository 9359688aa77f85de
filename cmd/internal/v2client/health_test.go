package v2client

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHealth(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		body    string
		healthy bool
		wantErr bool
	}{
		{"etcd 3 healthy", http.StatusOK, `{"health":"true","reason":""}`, true, false},
		{"etcd 3 no leader", http.StatusServiceUnavailable, `{"health":"false","reason":"RAFT NO LEADER"}` + "\n", false, false},
		{"old boolean form", http.StatusOK, `{"health":true}`, true, false},
		{"garbage", http.StatusOK, `<html>`, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := newRecorder(t, fixed(tt.status, tt.body, nil))
			c, err := New([]string{"http://unused:1"}, Options{})
			require.NoError(t, err)
			healthy, err := c.Health(context.Background(), rec.srv.URL+"/")
			assert.Equal(t, "/health", rec.last(t).Path)
			if tt.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.healthy, healthy)
		})
	}
}

func TestHealthUnreachable(t *testing.T) {
	dead := deadEndpoint(t)
	c, err := New([]string{dead}, Options{})
	require.NoError(t, err)
	_, err = c.Health(context.Background(), dead)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `Get "`+dead+`/health"`)
}

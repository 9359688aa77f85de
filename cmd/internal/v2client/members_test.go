package v2client

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const memberList = `{"members":[{"id":"1","name":"n1","peerURLs":["http://p1:2380"],"clientURLs":["http://c1:2379"]},{"id":"2","name":"","peerURLs":["http://p2:2380"],"clientURLs":[]}]}`

func TestMembersAndLeader(t *testing.T) {
	rec := newRecorder(t, func(s seenRequest) cannedReply {
		if s.Path == "/v2/members/leader" {
			return cannedReply{Status: http.StatusOK, Body: `{"id":"1","name":"n1","peerURLs":["http://p1:2380"],"clientURLs":["http://c1:2379"]}`}
		}
		return cannedReply{Status: http.StatusOK, Body: memberList}
	})
	c, err := New([]string{rec.srv.URL}, Options{})
	require.NoError(t, err)
	ms, err := c.Members(context.Background())
	require.NoError(t, err)
	require.Len(t, ms, 2)
	assert.Equal(t, Member{ID: "2", PeerURLs: []string{"http://p2:2380"}, ClientURLs: []string{}}, ms[1])
	l, err := c.Leader(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "n1", l.Name)
}

func TestLeaderDuringElection(t *testing.T) {
	rec := newRecorder(t, fixed(http.StatusServiceUnavailable, `{"message":"During election"}`, nil))
	c, err := New([]string{rec.srv.URL}, Options{})
	require.NoError(t, err)
	_, err = c.Leader(context.Background())
	var cerr *ClusterError
	require.ErrorAs(t, err, &cerr, "503 means no leader: client/v2 fails over")
}

func TestAddMember(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		body    string
		wantErr string
		wantID  string
	}{
		{"created", http.StatusCreated, `{"id":"a1","name":"","peerURLs":["http://p9:2380"],"clientURLs":[]}`, "", "a1"},
		{"conflict", http.StatusConflict, `{"message":"membership: peerURL exists"}`, "membership: peerURL exists", ""},
		{"refused", http.StatusBadRequest, `{"message":"no valid URLs given"}`, "unexpected status code 400", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := newRecorder(t, fixed(tt.status, tt.body, nil))
			c, err := New([]string{rec.srv.URL}, Options{})
			require.NoError(t, err)
			m, err := c.AddMember(context.Background(), []string{"http://p9:2380"})
			got := rec.last(t)
			assert.Equal(t, http.MethodPost, got.Method)
			assert.Equal(t, "/v2/members", got.Path)
			assert.Equal(t, "application/json", got.ContentType)
			assert.JSONEq(t, `{"peerURLs":["http://p9:2380"]}`, got.Body)
			if tt.wantErr != "" {
				require.EqualError(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantID, m.ID)
		})
	}
}

func TestAddMemberValidatesURLsLocally(t *testing.T) {
	rec := newRecorder(t, fixed(http.StatusCreated, `{}`, nil))
	c, err := New([]string{rec.srv.URL}, Options{})
	require.NoError(t, err)
	tests := []struct{ url, wantErr string }{
		{"ftp://h:1", "URL scheme must be http, https, unix, or unixs: ftp://h:1"},
		{"http://h", `URL address does not have the form "host:port": http://h`},
		{"http://h:1/x", "URL must not contain a path: http://h:1/x"},
	}
	for _, tt := range tests {
		_, err := c.AddMember(context.Background(), []string{tt.url})
		require.EqualError(t, err, tt.wantErr)
	}
	_, err = c.AddMember(context.Background(), nil)
	require.EqualError(t, err, "no valid URLs given")
	assert.Empty(t, rec.requests())
}

func TestRemoveMember(t *testing.T) {
	tests := []struct {
		status  int
		wantErr string
	}{
		{http.StatusNoContent, ""},
		{http.StatusGone, ""},
		{http.StatusNotFound, "unexpected status code 404"},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			rec := newRecorder(t, fixed(tt.status, "", nil))
			c, err := New([]string{rec.srv.URL}, Options{})
			require.NoError(t, err)
			err = c.RemoveMember(context.Background(), "8e9e05c52164694d")
			assert.Equal(t, http.MethodDelete, rec.last(t).Method)
			assert.Equal(t, "/v2/members/8e9e05c52164694d", rec.last(t).Path)
			if tt.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.EqualError(t, err, tt.wantErr)
		})
	}
}

func TestUpdateMember(t *testing.T) {
	tests := []struct {
		status  int
		body    string
		wantErr string
	}{
		{http.StatusNoContent, "", ""},
		{http.StatusNotFound, `{"message":"No such member: 5"}`, "No such member: 5"},
		{http.StatusConflict, `{"message":"membership: peerURL exists"}`, "membership: peerURL exists"},
		{http.StatusUnsupportedMediaType, `{"message":"Bad Content-Type"}`, "unexpected status code 415"},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			rec := newRecorder(t, fixed(tt.status, tt.body, nil))
			c, err := New([]string{rec.srv.URL}, Options{})
			require.NoError(t, err)
			err = c.UpdateMember(context.Background(), "5", []string{"http://b:2", "http://a:1"})
			assert.Equal(t, http.MethodPut, rec.last(t).Method)
			assert.Equal(t, "/v2/members/5", rec.last(t).Path)
			assert.JSONEq(t, `{"peerURLs":["http://a:1","http://b:2"]}`, rec.last(t).Body)
			if tt.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.EqualError(t, err, tt.wantErr)
		})
	}
}

func TestSyncUsesMembersClientURLs(t *testing.T) {
	rec := newRecorder(t, fixed(http.StatusOK, memberList, nil))
	c, err := New([]string{rec.srv.URL}, Options{})
	require.NoError(t, err)
	require.NoError(t, c.Sync(context.Background()))
	assert.Equal(t, []string{"http://c1:2379"}, c.Endpoints())
}

func TestSyncWithoutClientURLs(t *testing.T) {
	rec := newRecorder(t, fixed(http.StatusOK, `{"members":[{"id":"2","name":"","peerURLs":["http://p2:2380"],"clientURLs":[]}]}`, nil))
	c, err := New([]string{rec.srv.URL}, Options{})
	require.NoError(t, err)
	require.ErrorIs(t, c.Sync(context.Background()), ErrNoEndpoints)
	assert.Equal(t, []string{rec.srv.URL}, c.Endpoints())
}

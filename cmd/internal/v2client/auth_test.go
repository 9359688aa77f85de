package v2client

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/httpapi"
	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/core/server"
)

// startMember runs a real one-member cluster in-process and returns its client URL.
func startMember(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	peerURL := "http://" + ln.Addr().String()
	srv, err := server.Start(server.Config{
		Name: "m", DataDir: t.TempDir(), PeerListener: ln, PeerURLs: []string{peerURL},
		InitialCluster: []node.Member{{Name: "m", PeerURLs: []string{peerURL}}}, Token: "auth-test",
		HeartbeatInterval: 10 * time.Millisecond, ElectionTimeout: 100 * time.Millisecond, NoSync: true,
		Logger: slog.New(slog.DiscardHandler),
	})
	require.NoError(t, err)
	hs := httptest.NewServer(httpapi.New(httpapi.Config{Backend: srv}))
	t.Cleanup(func() {
		hs.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Stop(ctx)
	})
	require.Eventually(t, func() bool { return srv.Status().Lead != 0 }, 10*time.Second, 5*time.Millisecond)
	return hs.URL
}

func TestAuthAPIRoundTrip(t *testing.T) {
	u := startMember(t)
	ctx := context.Background()
	anon, err := New([]string{u}, Options{})
	require.NoError(t, err)
	root, err := New([]string{u}, Options{Username: "root", Password: "rootpw"})
	require.NoError(t, err)
	alice, err := New([]string{u}, Options{Username: "alice", Password: "alicepw"})
	require.NoError(t, err)

	err = anon.EnableAuth(ctx)
	var ae *AuthError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, &AuthError{StatusCode: http.StatusConflict, Message: "auth: No root user available, please create one"}, ae)

	require.NoError(t, anon.AddUser(ctx, "root", "rootpw"))
	require.NoError(t, anon.AddRole(ctx, "app"))
	role, err := anon.GrantRoleKV(ctx, "app", []string{"/app/*"}, ReadWritePermission)
	require.NoError(t, err)
	assert.Equal(t, Role{Role: "app", Permissions: Permissions{KV: RWPermission{Read: []string{"/app/*"}, Write: []string{"/app/*"}}}}, role)
	require.NoError(t, anon.AddUser(ctx, "alice", "alicepw"))
	user, err := anon.GrantUser(ctx, "alice", []string{"app"})
	require.NoError(t, err)
	assert.Equal(t, User{User: "alice", Roles: []string{"app"}}, user)
	require.NoError(t, anon.EnableAuth(ctx))
	enabled, err := anon.AuthEnabled(ctx)
	require.NoError(t, err)
	assert.True(t, enabled)

	_, err = anon.Users(ctx)
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, http.StatusUnauthorized, ae.StatusCode)
	_, err = alice.Roles(ctx)
	require.EqualError(t, err, "unexpected status code 401", "client/v2 reads no message of a role list")

	users, err := root.Users(ctx)
	require.NoError(t, err)
	require.Len(t, users, 2)
	assert.Equal(t, "alice", users[0].User)
	assert.Equal(t, []Role{role}, users[0].Roles)
	got, err := root.GetUser(ctx, "root")
	require.NoError(t, err)
	assert.Equal(t, "root", got.Roles[0].Role)
	roles, err := root.Roles(ctx)
	require.NoError(t, err)
	var names []string
	for _, r := range roles {
		names = append(names, r.Role)
	}
	assert.Equal(t, []string{"app", "guest", "root"}, names)

	_, err = root.RevokeRoleKV(ctx, "app", []string{"/app/*"}, WritePermission)
	require.NoError(t, err)
	r, err := root.GetRole(ctx, "app")
	require.NoError(t, err)
	assert.Equal(t, []string{"/app/*"}, r.Permissions.KV.Read)
	assert.Empty(t, r.Permissions.KV.Write)
	_, err = root.ChangePassword(ctx, "alice", "new")
	require.NoError(t, err)
	_, err = root.RevokeUser(ctx, "alice", []string{"app"})
	require.NoError(t, err)
	require.NoError(t, root.RemoveUser(ctx, "alice"))
	require.NoError(t, root.RemoveRole(ctx, "app"))
	_, err = root.GetRole(ctx, "app")
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, &AuthError{StatusCode: http.StatusNotFound, Message: "auth: Role app does not exist."}, ae)
	require.NoError(t, root.DisableAuth(ctx))
	enabled, err = anon.AuthEnabled(ctx)
	require.NoError(t, err)
	assert.False(t, enabled)
}

func TestAuthAnswerErrorsAsClientV2(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		status  int
		body    string
		call    func(c *Client) error
		wantErr string
	}{
		{"a message", http.StatusNotFound, `{"message":"auth: User u does not exist."}`,
			func(c *Client) error { _, err := c.GetUser(ctx, "u"); return err }, "auth: User u does not exist."},
		{"no JSON (a 405's text)", http.StatusMethodNotAllowed, "Method Not Allowed\n",
			func(c *Client) error { return c.AddUser(ctx, "", "pw") }, "invalid character 'M' looking for beginning of value"},
		{"a password change creating the user (201, no message)", http.StatusCreated, `{"user":"nosuch","roles":null}`,
			func(c *Client) error { _, err := c.ChangePassword(ctx, "nosuch", "pw"); return err }, ""},
		{"the role list reads no message", http.StatusForbidden, `{"message":"x"}`,
			func(c *Client) error { _, err := c.Roles(ctx); return err }, "unexpected status code 403"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := newRecorder(t, fixed(tt.status, tt.body, nil))
			c, err := New([]string{rec.srv.URL}, Options{})
			require.NoError(t, err)
			err = tt.call(c)
			require.Error(t, err)
			assert.Equal(t, tt.wantErr, err.Error())
		})
	}
}

package httpapi

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/core/store"
)

// noAuthKeyBody is etcd's keys-API refusal.
const noAuthKeyBody = `{"errorCode":110,"message":"The request requires user authentication","cause":"Insufficient credentials","index":0}` + "\n"

// cred is a basic-auth identity; the zero cred sends no credentials (guest).
type cred struct{ user, password string }

var (
	asGuest = cred{}
	asRoot  = cred{"root", "rootpw"}
	asAlice = cred{"alice", "alicepw"}
)

// serveAs sends one request with c's credentials; a body is sent with contentType.
func serveAs(h http.Handler, c cred, method, target, contentType, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.user != "" {
		req.SetBasicAuth(c.user, c.password)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// mustAs is serveAs requiring the status.
func mustAs(t testing.TB, h http.Handler, c cred, method, target, body string, status int) *httptest.ResponseRecorder {
	t.Helper()
	ct := "application/json"
	if strings.HasPrefix(target, keysPrefix) {
		ct = "application/x-www-form-urlencoded"
	}
	rec := serveAs(h, c, method, target, ct, body)
	require.Equal(t, status, rec.Code, "%s %s as %q: %s", method, target, c.user, rec.Body.String())
	return rec
}

// setupAuth creates root, a role "app" (read and write /app/*), alice holding it, narrows the guest
// role to reading /public/*, writes one key in each area and enables auth.
func setupAuth(t testing.TB) (http.Handler, *fakeBackend) {
	t.Helper()
	h, b := newTestHandler(t)
	mustAs(t, h, asGuest, http.MethodPut, "/v2/auth/users/root", `{"user":"root","password":"rootpw"}`, http.StatusCreated)
	mustAs(t, h, asGuest, http.MethodPut, "/v2/auth/roles/app",
		`{"role":"app","permissions":{"kv":{"read":["/app/*"],"write":["/app/*"]}}}`, http.StatusCreated)
	mustAs(t, h, asGuest, http.MethodPut, "/v2/auth/users/alice", `{"user":"alice","password":"alicepw","roles":["app"]}`, http.StatusOK)
	for _, k := range []string{"/app/x", "/other/x", "/public/x"} {
		mustAs(t, h, asGuest, http.MethodPut, "/v2/keys"+k, "value=v", http.StatusCreated)
	}
	mustAs(t, h, asGuest, http.MethodPut, "/v2/auth/enable", "", http.StatusOK)
	mustAs(t, h, asRoot, http.MethodPut, "/v2/auth/roles/guest",
		`{"role":"guest","revoke":{"kv":{"read":["/*"],"write":["/*"]}},"grant":{"kv":{"read":["/public/*"]}}}`, http.StatusOK)
	return h, b
}

func TestAuthEnableNeedsRootUser(t *testing.T) {
	h, _ := newTestHandler(t)
	rec := mustAs(t, h, asGuest, http.MethodPut, "/v2/auth/enable", "", http.StatusConflict)
	assert.Equal(t, `{"message":"auth: No root user available, please create one"}`, rec.Body.String())

	rec = mustAs(t, h, asGuest, http.MethodPut, "/v2/auth/users/root", `{"user":"root","password":"rootpw"}`, http.StatusCreated)
	assert.Equal(t, `{"user":"root","roles":["root"]}`+"\n", rec.Body.String(), "root gets the root role")
	mustAs(t, h, asGuest, http.MethodPut, "/v2/auth/enable", "", http.StatusOK)
	rec = mustAs(t, h, asGuest, http.MethodGet, "/v2/auth/enable", "", http.StatusOK)
	assert.Equal(t, `{"enabled":true}`+"\n", rec.Body.String())

	rec = mustAs(t, h, asGuest, http.MethodGet, "/v2/auth/roles/guest", "", http.StatusUnauthorized)
	assert.Equal(t, `{"message":"Insufficient credentials"}`, rec.Body.String())
	rec = mustAs(t, h, asRoot, http.MethodGet, "/v2/auth/roles/guest", "", http.StatusOK)
	assert.Equal(t, `{"role":"guest","permissions":{"kv":{"read":["/*"],"write":["/*"]}}}`+"\n", rec.Body.String(),
		"enabling creates a guest role with full access")

	rec = mustAs(t, h, asRoot, http.MethodPut, "/v2/auth/enable", "", http.StatusConflict)
	assert.Equal(t, `{"message":"auth: already enabled"}`, rec.Body.String())
	mustAs(t, h, asGuest, http.MethodDelete, "/v2/auth/enable", "", http.StatusUnauthorized)
	mustAs(t, h, cred{"root", "wrong"}, http.MethodDelete, "/v2/auth/enable", "", http.StatusUnauthorized)
	rec = mustAs(t, h, asRoot, http.MethodDelete, "/v2/auth/users/root", "", http.StatusForbidden)
	assert.Equal(t, `{"message":"auth: Cannot delete root user while auth is enabled."}`, rec.Body.String())
	mustAs(t, h, asRoot, http.MethodDelete, "/v2/auth/enable", "", http.StatusOK)
	rec = mustAs(t, h, asGuest, http.MethodGet, "/v2/auth/enable", "", http.StatusOK)
	assert.Equal(t, `{"enabled":false}`+"\n", rec.Body.String())
	rec = mustAs(t, h, asGuest, http.MethodDelete, "/v2/auth/enable", "", http.StatusConflict)
	assert.Equal(t, `{"message":"auth: already disabled"}`, rec.Body.String())
}

func TestAuthKeyAccess(t *testing.T) {
	h, _ := setupAuth(t)
	tests := []struct {
		name    string
		as      cred
		method  string
		target  string
		body    string
		allowed bool
	}{
		{"alice reads her prefix", asAlice, http.MethodGet, "/v2/keys/app/x", "", true},
		{"alice writes her prefix", asAlice, http.MethodPut, "/v2/keys/app/y", "value=1", true},
		{"alice quorum-reads her prefix", asAlice, http.MethodGet, "/v2/keys/app/x?quorum=true", "", true},
		{"alice watches her prefix", asAlice, http.MethodGet, "/v2/keys/app/x?wait=true&waitIndex=1", "", true},
		{"alice reads outside", asAlice, http.MethodGet, "/v2/keys/other/x", "", false},
		{"alice quorum-reads outside", asAlice, http.MethodGet, "/v2/keys/other/x?quorum=true", "", false},
		{"alice writes outside", asAlice, http.MethodPut, "/v2/keys/other/x", "value=stolen", false},
		{"alice creates outside", asAlice, http.MethodPost, "/v2/keys/other", "value=stolen", false},
		{"alice deletes outside", asAlice, http.MethodDelete, "/v2/keys/other/x", "", false},
		{"alice watches outside", asAlice, http.MethodGet, "/v2/keys/other/x?wait=true&waitIndex=1", "", false},
		{"alice reads the root recursively", asAlice, http.MethodGet, "/v2/keys/?recursive=true", "", false},
		{"alice watches the root recursively", asAlice, http.MethodGet, "/v2/keys/?wait=true&recursive=true&waitIndex=1", "", false},
		{"alice lists the app dir itself", asAlice, http.MethodGet, "/v2/keys/app?recursive=true", "", false},
		{"alice escapes her prefix with ..", asAlice, http.MethodGet, "/v2/keys/app/%2E%2E/other/x", "", false},
		{"alice writes through ..", asAlice, http.MethodPut, "/v2/keys/app/%2E%2E/other/x", "value=stolen", false},
		{"alice reads public (not her role)", asAlice, http.MethodGet, "/v2/keys/public/x", "", false},
		{"alice with a wrong password", cred{"alice", "nope"}, http.MethodGet, "/v2/keys/app/x", "", false},
		{"unknown user", cred{"mallory", "x"}, http.MethodGet, "/v2/keys/public/x", "", false},
		{"guest reads public", asGuest, http.MethodGet, "/v2/keys/public/x", "", true},
		{"guest writes public", asGuest, http.MethodPut, "/v2/keys/public/x", "value=2", false},
		{"guest reads app", asGuest, http.MethodGet, "/v2/keys/app/x", "", false},
		{"root reads anything", asRoot, http.MethodGet, "/v2/keys/other/x", "", true},
		{"root reads everything recursively", asRoot, http.MethodGet, "/v2/keys/?recursive=true", "", true},
		{"root writes anything", asRoot, http.MethodPut, "/v2/keys/other/z", "value=3", true},
		{"root watches anything", asRoot, http.MethodGet, "/v2/keys/?wait=true&recursive=true&waitIndex=1", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := serveAs(h, tt.as, tt.method, tt.target, "application/x-www-form-urlencoded", tt.body)
			if tt.allowed {
				assert.Less(t, rec.Code, 300, rec.Body.String())
				return
			}
			assert.Equal(t, http.StatusUnauthorized, rec.Code)
			assert.Equal(t, noAuthKeyBody, rec.Body.String())
		})
	}
	rec := mustAs(t, h, asRoot, http.MethodGet, "/v2/keys/other/x", "", http.StatusOK)
	assert.Contains(t, rec.Body.String(), `"value":"v"`, "refused writes changed nothing")
	mustAs(t, h, asRoot, http.MethodGet, "/v2/keys/other/1", "", http.StatusNotFound)
}

func TestAuthGuestRoleAppliesOnlyWhenEnabled(t *testing.T) {
	h, _ := setupAuth(t)
	mustAs(t, h, asGuest, http.MethodPut, "/v2/keys/app/x", "value=g", http.StatusUnauthorized)
	mustAs(t, h, asRoot, http.MethodDelete, "/v2/auth/enable", "", http.StatusOK)
	mustAs(t, h, asGuest, http.MethodPut, "/v2/keys/app/x", "value=g", http.StatusOK)
	mustAs(t, h, asRoot, http.MethodDelete, "/v2/auth/roles/guest", "", http.StatusOK)
	mustAs(t, h, asRoot, http.MethodPut, "/v2/auth/enable", "", http.StatusOK)
	rec := mustAs(t, h, asRoot, http.MethodGet, "/v2/auth/roles/guest", "", http.StatusOK)
	assert.Contains(t, rec.Body.String(), `"read":["/*"]`, "re-enabling recreates a missing guest role")
}

func TestAuthUserAPI(t *testing.T) {
	h, b := setupAuth(t)
	mustAs(t, h, asAlice, http.MethodGet, "/v2/auth/users", "", http.StatusUnauthorized)
	mustAs(t, h, asAlice, http.MethodPut, "/v2/auth/users/alice", `{"user":"alice","grant":["root"]}`, http.StatusUnauthorized)

	rec := mustAs(t, h, asRoot, http.MethodGet, "/v2/auth/users/alice", "", http.StatusOK)
	assert.Equal(t, `{"user":"alice","roles":[{"role":"app","permissions":{"kv":{"read":["/app/*"],"write":["/app/*"]}}}]}`+"\n", rec.Body.String())
	rec = mustAs(t, h, asRoot, http.MethodGet, "/v2/auth/users", "", http.StatusOK)
	var list struct {
		Users []userWithRoles `json:"users"`
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &list))
	require.Len(t, list.Users, 2)
	assert.Equal(t, []string{"alice", "root"}, []string{list.Users[0].User, list.Users[1].User})

	stored, err := b.GetInternal(authUsersDir+"/alice", false)
	require.NoError(t, err)
	assert.NotContains(t, *stored.Node.Value, "alicepw", "the password is stored hashed")

	tests := []struct {
		name, method, target, body string
		status                     int
		message                    string
	}{
		{"duplicate grant", http.MethodPut, "/v2/auth/users/alice", `{"user":"alice","grant":["app"]}`, http.StatusConflict, "auth: Granting duplicate role app for user alice"},
		{"revoke ungranted", http.MethodPut, "/v2/auth/users/alice", `{"user":"alice","revoke":["guest"]}`, http.StatusConflict, "auth: Revoking ungranted role guest for user alice"},
		{"no change", http.MethodPut, "/v2/auth/users/alice", `{"user":"alice"}`, http.StatusBadRequest, "auth: User not updated. Use grant/revoke/password to update the user."},
		{"name mismatch", http.MethodPut, "/v2/auth/users/alice", `{"user":"bob","password":"x"}`, http.StatusBadRequest, "User JSON name does not match the name in the URL"},
		{"bad json", http.MethodPut, "/v2/auth/users/alice", `{`, http.StatusBadRequest, "Invalid JSON in request body."},
		{"empty password", http.MethodPut, "/v2/auth/users/bob", `{"user":"bob"}`, http.StatusBadRequest, "auth: Cannot create user bob with an empty password"},
		{"unknown user", http.MethodGet, "/v2/auth/users/bob", "", http.StatusNotFound, "auth: User bob does not exist."},
		{"delete unknown", http.MethodDelete, "/v2/auth/users/bob", "", http.StatusNotFound, "auth: User bob does not exist"},
		{"slash in a user name", http.MethodDelete, "/v2/auth/users/a%2Fb", "", http.StatusBadRequest, "Invalid path"},
		{"a path below a user", http.MethodGet, "/v2/auth/users/alice/x", "", http.StatusBadRequest, "Invalid path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := mustAs(t, h, asRoot, tt.method, tt.target, tt.body, tt.status)
			assert.Equal(t, `{"message":"`+tt.message+`"}`, rec.Body.String())
		})
	}

	mustAs(t, h, asRoot, http.MethodPut, "/v2/auth/users/alice", `{"user":"alice","password":"newpw"}`, http.StatusOK)
	mustAs(t, h, asAlice, http.MethodGet, "/v2/keys/app/x", "", http.StatusUnauthorized)
	mustAs(t, h, cred{"alice", "newpw"}, http.MethodGet, "/v2/keys/app/x", "", http.StatusOK)
	rec = mustAs(t, h, asRoot, http.MethodPut, "/v2/auth/users/alice", `{"user":"alice","revoke":["app"]}`, http.StatusOK)
	assert.Equal(t, `{"user":"alice","roles":[]}`+"\n", rec.Body.String(), "etcd's changed roles are a list, even empty")
	mustAs(t, h, cred{"alice", "newpw"}, http.MethodGet, "/v2/keys/app/x", "", http.StatusUnauthorized)
	mustAs(t, h, asRoot, http.MethodPut, "/v2/auth/users/alice", `{"user":"alice","grant":["root"]}`, http.StatusOK)
	mustAs(t, h, cred{"alice", "newpw"}, http.MethodGet, "/v2/auth/users", "", http.StatusOK)
	mustAs(t, h, asRoot, http.MethodDelete, "/v2/auth/users/alice", "", http.StatusOK)
	mustAs(t, h, cred{"alice", "newpw"}, http.MethodGet, "/v2/keys/app/x", "", http.StatusUnauthorized)
}

func TestAuthRoleAPI(t *testing.T) {
	h, _ := setupAuth(t)
	rec := mustAs(t, h, asRoot, http.MethodGet, "/v2/auth/roles", "", http.StatusOK)
	assert.Equal(t, `{"roles":[`+
		`{"role":"app","permissions":{"kv":{"read":["/app/*"],"write":["/app/*"]}}},`+
		`{"role":"guest","permissions":{"kv":{"read":["/public/*"],"write":[]}}},`+
		`{"role":"root","permissions":{"kv":{"read":["/*"],"write":["/*"]}}}]}`+"\n", rec.Body.String())

	rec = mustAs(t, h, asRoot, http.MethodPut, "/v2/auth/roles/app", `{"role":"app","grant":{"kv":{"read":["/shared"]}}}`, http.StatusOK)
	assert.Equal(t, `{"role":"app","permissions":{"kv":{"read":["/app/*","/shared"],"write":["/app/*"]}}}`+"\n", rec.Body.String())
	mustAs(t, h, asAlice, http.MethodGet, "/v2/keys/shared", "", http.StatusNotFound) // allowed, absent
	mustAs(t, h, asAlice, http.MethodGet, "/v2/keys/shared?recursive=true", "", http.StatusUnauthorized)
	mustAs(t, h, asAlice, http.MethodGet, "/v2/keys/shared/sub", "", http.StatusUnauthorized)

	tests := []struct {
		name, method, target, body string
		status                     int
		message                    string
	}{
		{"create existing", http.MethodPut, "/v2/auth/roles/app", `{"role":"app"}`, http.StatusConflict, "auth: Role app already exists."},
		{"modify root", http.MethodPut, "/v2/auth/roles/root", `{"role":"root","grant":{"kv":{"read":["/x"]}}}`, http.StatusForbidden, "auth: Cannot modify role root: is root role."},
		{"delete root", http.MethodDelete, "/v2/auth/roles/root", "", http.StatusForbidden, "auth: Cannot modify role root: is root role."},
		{"duplicate grant", http.MethodPut, "/v2/auth/roles/app", `{"role":"app","grant":{"kv":{"write":["/app/*"]}}}`, http.StatusConflict, "auth: Granting duplicate write permission /app/*"},
		{"no change", http.MethodPut, "/v2/auth/roles/app", `{"role":"app","revoke":{"kv":{"read":["/nothing"]}}}`, http.StatusBadRequest, "auth: Role not updated. Use grant/revoke to update the role."},
		{"update missing", http.MethodPut, "/v2/auth/roles/nope", `{"role":"nope","grant":{"kv":{"read":["/x"]}}}`, http.StatusNotFound, "auth: Role nope does not exist."},
		{"permissions and a grant", http.MethodPut, "/v2/auth/roles/app", `{"role":"app","grant":{"kv":{"read":["/x"]}},"permissions":{"kv":{"read":["/y"]}}}`, http.StatusBadRequest, "Role JSON contains both permissions and grant/revoke"},
		{"an empty grant creates", http.MethodPut, "/v2/auth/roles/app", `{"role":"app","grant":{}}`, http.StatusConflict, "auth: Role app already exists."},
		{"delete missing", http.MethodDelete, "/v2/auth/roles/nope", "", http.StatusNotFound, "auth: Role nope doesn't exist."},
		{"name mismatch", http.MethodPut, "/v2/auth/roles/app", `{"role":"other"}`, http.StatusBadRequest, "Role JSON name does not match the name in the URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := mustAs(t, h, asRoot, tt.method, tt.target, tt.body, tt.status)
			assert.Equal(t, `{"message":"`+tt.message+`"}`, rec.Body.String())
		})
	}

	mustAs(t, h, asRoot, http.MethodPut, "/v2/auth/roles/app", `{"role":"app","revoke":{"kv":{"write":["/app/*"]}}}`, http.StatusOK)
	mustAs(t, h, asAlice, http.MethodPut, "/v2/keys/app/x", "value=w", http.StatusUnauthorized)
	mustAs(t, h, asAlice, http.MethodGet, "/v2/keys/app/x", "", http.StatusOK)
	mustAs(t, h, asRoot, http.MethodDelete, "/v2/auth/roles/app", "", http.StatusOK)
	mustAs(t, h, asAlice, http.MethodGet, "/v2/keys/app/x", "", http.StatusUnauthorized)
	rec = mustAs(t, h, asRoot, http.MethodGet, "/v2/auth/users/alice", "", http.StatusNotFound)
	assert.Equal(t, `{"message":"auth: Role app does not exist."}`, rec.Body.String(), "etcd cannot show a user whose role is gone")
	rec = mustAs(t, h, asRoot, http.MethodGet, "/v2/auth/users", "", http.StatusOK)
	assert.Contains(t, rec.Body.String(), `{"user":"alice"}`, "the list leaves the role out")
}

// TestAuthAnswersAreEtcds holds the auth API's answers to etcd 3.5's, which the differential suite
// (scenarios/parity, 11-auth.seq) compares with a real etcd: the status of a user created with
// roles, null lists, the headers of refusals and of changes, the texts.
func TestAuthAnswersAreEtcds(t *testing.T) {
	h, _ := newTestHandler(t)
	rec := mustAs(t, h, asGuest, http.MethodGet, "/v2/auth/users", "", http.StatusOK)
	assert.Equal(t, `{"users":null}`+"\n", rec.Body.String(), "no user yet")

	rec = mustAs(t, h, asGuest, http.MethodPut, "/v2/auth/users/root", `{"user":"root","password":"rootpw"}`, http.StatusCreated)
	assert.Equal(t, "application/json", rec.Header().Get("Content-Type"))
	assert.NotEmpty(t, rec.Header().Get("X-Etcd-Cluster-Id"))
	mustAs(t, h, asGuest, http.MethodPut, "/v2/auth/roles/app", `{"role":"app"}`, http.StatusCreated)
	rec = mustAs(t, h, asGuest, http.MethodPut, "/v2/auth/users/alice", `{"user":"alice","password":"x","roles":["app"]}`, http.StatusOK)
	assert.Equal(t, `{"user":"alice","roles":["app"]}`+"\n", rec.Body.String(), "etcd answers 200 to a user created with roles")
	rec = mustAs(t, h, asGuest, http.MethodPut, "/v2/auth/users/alice", `{"user":"alice","password":"y","roles":["app"]}`, http.StatusConflict)
	assert.Equal(t, `{"message":"auth: User alice already exists."}`, rec.Body.String())
	rec = mustAs(t, h, asGuest, http.MethodPut, "/v2/auth/users/alice", `{"user":"alice","roles":["app"],"grant":["app"]}`, http.StatusBadRequest)
	assert.Equal(t, `{"message":"User JSON contains both roles and grant/revoke"}`, rec.Body.String())
	rec = mustAs(t, h, asGuest, http.MethodPut, "/v2/auth/users/carol", `{"user":"carol","password":"x"}`, http.StatusCreated)
	assert.Equal(t, `{"user":"carol","roles":null}`+"\n", rec.Body.String())
	rec = mustAs(t, h, asGuest, http.MethodGet, "/v2/auth/users/carol", "", http.StatusOK)
	assert.Equal(t, `{"user":"carol"}`+"\n", rec.Body.String(), "a user without roles shows none")

	for _, change := range []struct{ method, target string }{
		{http.MethodPut, "/v2/auth/enable"}, {http.MethodDelete, "/v2/auth/users/carol"}, {http.MethodDelete, "/v2/auth/roles/app"},
	} {
		rec = mustAs(t, h, asRoot, change.method, change.target, "", http.StatusOK)
		assert.Equal(t, "application/json", rec.Header().Get("Content-Type"), "%s %s", change.method, change.target)
		assert.NotEmpty(t, rec.Header().Get("X-Etcd-Cluster-Id"), "%s %s", change.method, change.target)
		assert.Empty(t, rec.Body.String())
	}
	rec = mustAs(t, h, asRoot, http.MethodDelete, "/v2/auth/users/carol", "", http.StatusNotFound)
	assert.Equal(t, `{"message":"auth: User carol does not exist"}`, rec.Body.String(), "etcd's delete says it without a dot")

	for _, refused := range []struct{ method, target string }{
		{http.MethodGet, "/v2/auth/users"}, {http.MethodGet, "/v2/auth/users/alice"}, {http.MethodPut, "/v2/auth/roles/guest"},
		{http.MethodDelete, "/v2/auth/enable"}, {http.MethodGet, "/v2/auth/roles"},
	} {
		rec = mustAs(t, h, asAlice, refused.method, refused.target, "{}", http.StatusUnauthorized)
		assert.Empty(t, rec.Header().Get("X-Etcd-Cluster-Id"), "%s %s: etcd refuses before it names the cluster", refused.method, refused.target)
		assert.Equal(t, `{"message":"Insufficient credentials"}`, rec.Body.String())
	}
}

// TestAuthRecordsTakeEtcdsIndexes: etcd keeps its auth records in its v2 store, and the first
// change through a member first creates the directories and the enabled flag (four indexes)
// unless they exist; every record written takes one more.
func TestAuthRecordsTakeEtcdsIndexes(t *testing.T) {
	h, b := newTestHandler(t)
	start := b.st.Index()
	mustAs(t, h, asGuest, http.MethodPut, "/v2/auth/enable", "", http.StatusConflict)
	assert.Equal(t, start, b.st.Index(), "a refused enable writes nothing")
	mustAs(t, h, asGuest, http.MethodPut, "/v2/auth/users/root", `{"user":"root","password":"rootpw"}`, http.StatusCreated)
	assert.Equal(t, start+5, b.st.Index(), "the auth directories, the enabled flag, then the user")
	mustAs(t, h, asGuest, http.MethodPut, "/v2/auth/roles/app", `{"role":"app"}`, http.StatusCreated)
	assert.Equal(t, start+6, b.st.Index())
	mustAs(t, h, asGuest, http.MethodPut, "/v2/auth/enable", "", http.StatusOK)
	assert.Equal(t, start+8, b.st.Index(), "the guest role, then the flag")

	// Another member (a restart) tries the directories again: they exist, so no index is taken.
	other := New(Config{Backend: b, Clock: func() time.Time { return testNow }})
	mustAs(t, other, asRoot, http.MethodDelete, "/v2/auth/roles/app", "", http.StatusOK)
	assert.Equal(t, start+9, b.st.Index())

	// A change that fails still makes a fresh member create what is missing, as etcd's does.
	fresh, fb := newTestHandler(t)
	begin := fb.st.Index()
	mustAs(t, fresh, asGuest, http.MethodDelete, "/v2/auth/users/nobody", "", http.StatusNotFound)
	assert.Equal(t, begin+4, fb.st.Index())
}

func TestAuthUnsupportedBackend(t *testing.T) {
	h := New(Config{Backend: backendWithoutInternal{newFakeBackend()}})
	rec := mustAs(t, h, asGuest, http.MethodGet, "/v2/auth/enable", "", http.StatusOK)
	assert.Equal(t, `{"enabled":false}`+"\n", rec.Body.String())
	mustAs(t, h, asGuest, http.MethodPut, "/v2/auth/enable", "", http.StatusConflict)
	mustAs(t, h, asGuest, http.MethodGet, "/v2/auth/users", "", http.StatusNotFound)
	mustAs(t, h, asGuest, http.MethodPut, "/v2/keys/k", "value=1", http.StatusCreated)
}

// backendWithoutInternal hides the fake backend's GetInternal.
type backendWithoutInternal struct{ Backend }

func TestPatternMatches(t *testing.T) {
	tests := []struct {
		pattern, key string
		recursive    bool
		want         bool
	}{
		{"/*", "/", true, true},
		{"/*", "/a/b", false, true},
		{"/app/*", "/app/x", false, true},
		{"/app/*", "/app/x/y", true, true},
		{"/app/*", "/app", false, false},
		{"/app/*", "/apple", false, false},
		{"/app*", "/apple", false, true},
		{"/k", "/k", false, true},
		{"/k", "/k", true, false},
		{"/k", "/k/sub", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.pattern+" "+tt.key+" "+strconv.FormatBool(tt.recursive), func(t *testing.T) {
			assert.Equal(t, tt.want, store.AuthPatternAllows(tt.pattern, tt.key, tt.recursive))
		})
	}
}

func TestPasswordHashing(t *testing.T) {
	h1, err := hashPassword("secret")
	require.NoError(t, err)
	h2, err := hashPassword("secret")
	require.NoError(t, err)
	assert.NotEqual(t, h1, h2, "every hash has its own salt")
	assert.True(t, passwordMatches(h1, "secret"))
	assert.False(t, passwordMatches(h1, "Secret"))
	for _, bad := range []string{"", "secret", "pbkdf2-sha256$x$00$00", "md5$1$00$00", "pbkdf2-sha256$1$zz$00", "pbkdf2-sha256$1$00$", "pbkdf2-sha256$99999999$00$00"} {
		assert.False(t, passwordMatches(bad, "secret"), bad)
	}
	c := newPasswordChecker()
	assert.True(t, c.check(h1, "secret"))
	assert.True(t, c.check(h1, "secret"), "cached")
	assert.False(t, c.check(h2, "other"))
	assert.False(t, c.check(h1, "other"))
}

func TestAuthMembershipChangesNeedRoot(t *testing.T) {
	h, _ := setupAuth(t)
	body := `{"peerURLs":["http://10.0.0.9:2380"]}`
	rec := mustAs(t, h, asAlice, http.MethodPost, "/v2/members", body, http.StatusUnauthorized)
	assert.Equal(t, `{"message":"Insufficient credentials"}`, rec.Body.String())
	mustAs(t, h, asGuest, http.MethodDelete, "/v2/members/9e737febb6b99eee", "", http.StatusUnauthorized)
	mustAs(t, h, asGuest, http.MethodGet, "/v2/members", "", http.StatusOK)
	mustAs(t, h, asRoot, http.MethodPost, "/v2/members", body, http.StatusCreated)
}

func TestAuthClientCertificateNamesTheUser(t *testing.T) {
	h, _ := setupAuth(t)
	withCert := func(cn string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "/v2/keys/app/x", nil)
		req.TLS = &tls.ConnectionState{VerifiedChains: [][]*x509.Certificate{{{Subject: pkix.Name{CommonName: cn}}}}}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	assert.Equal(t, http.StatusOK, withCert("alice").Code, "alice's verified certificate")
	assert.Equal(t, http.StatusUnauthorized, withCert("mallory").Code, "no such user: guest, who may not read /app")
	req := httptest.NewRequest(http.MethodGet, "/v2/keys/app/x", nil)
	req.TLS = &tls.ConnectionState{PeerCertificates: []*x509.Certificate{{Subject: pkix.Name{CommonName: "alice"}}}}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusUnauthorized, rec.Code, "an unverified certificate names nobody")
}

// stallingBackend holds the first replicated write of a role until another request reads that
// role (or a bound passes): the widest window for a lost update between two changes of one record.
type stallingBackend struct {
	*fakeBackend
	role    string
	stalled atomic.Bool
	mu      sync.Mutex
	waiting chan struct{} // closed by the next read of role while a write stalls
}

func (s *stallingBackend) Do(ctx context.Context, req node.Request) (node.Reply, error) {
	if req.Kind == node.KindInternal && req.Write.Key == s.role && s.stalled.CompareAndSwap(false, true) {
		ch := make(chan struct{})
		s.mu.Lock()
		s.waiting = ch
		s.mu.Unlock()
		select {
		case <-ch:
		case <-time.After(200 * time.Millisecond): // the other change waits for this one: nothing to see
		}
	}
	return s.fakeBackend.Do(ctx, req)
}

func (s *stallingBackend) GetInternal(p string, recursive bool) (*store.Event, error) {
	if p == s.role {
		s.mu.Lock()
		if s.waiting != nil {
			close(s.waiting)
			s.waiting = nil
		}
		s.mu.Unlock()
	}
	return s.fakeBackend.GetInternal(p, recursive)
}

func TestAuthConcurrentChangesThroughOneMemberAreAllKept(t *testing.T) {
	b := &stallingBackend{fakeBackend: newFakeBackend(), role: authRolesDir + "/app"}
	h := New(Config{Backend: b})
	mustAs(t, h, asGuest, http.MethodPut, "/v2/auth/roles/app", `{"role":"app"}`, http.StatusCreated)
	b.stalled.Store(false)
	var wg sync.WaitGroup
	codes := make([]int, 2)
	for i := range codes {
		wg.Go(func() {
			codes[i] = serveAs(h, asGuest, http.MethodPut, "/v2/auth/roles/app", "application/json",
				`{"role":"app","grant":{"kv":{"read":["/p`+strconv.Itoa(i)+`"]}}}`).Code
		})
	}
	wg.Wait()
	assert.Equal(t, []int{http.StatusOK, http.StatusOK}, codes)
	rec := mustAs(t, h, asGuest, http.MethodGet, "/v2/auth/roles/app", "", http.StatusOK)
	assert.Equal(t, `{"role":"app","permissions":{"kv":{"read":["/p0","/p1"],"write":[]}}}`+"\n", rec.Body.String(),
		"both grants are kept")
}

// TestAuthConcurrentChangesThroughTwoMembersAreAllKept: two members (two handlers over one replicated
// store) change the same role at once. The first member's write stalls until the second has read
// the role, so both read the same record; the conditional write makes the later one start over from
// the newer record instead of overwriting the first grant.
func TestAuthConcurrentChangesThroughTwoMembersAreAllKept(t *testing.T) {
	b := &stallingBackend{fakeBackend: newFakeBackend(), role: authRolesDir + "/app"}
	members := []http.Handler{New(Config{Backend: b}), New(Config{Backend: b})}
	mustAs(t, members[0], asGuest, http.MethodPut, "/v2/auth/roles/app", `{"role":"app"}`, http.StatusCreated)
	b.stalled.Store(false)
	var wg sync.WaitGroup
	codes := make([]int, 2)
	for i, h := range members {
		wg.Go(func() {
			codes[i] = serveAs(h, asGuest, http.MethodPut, "/v2/auth/roles/app", "application/json",
				`{"role":"app","grant":{"kv":{"read":["/p`+strconv.Itoa(i)+`"]}}}`).Code
		})
	}
	wg.Wait()
	assert.Equal(t, []int{http.StatusOK, http.StatusOK}, codes)
	for i, h := range members {
		rec := mustAs(t, h, asGuest, http.MethodGet, "/v2/auth/roles/app", "", http.StatusOK)
		assert.Equal(t, `{"role":"app","permissions":{"kv":{"read":["/p0","/p1"],"write":[]}}}`+"\n", rec.Body.String(),
			"member %d: both grants are kept", i)
	}
}

// TestAuthDeleteMeetsAConcurrentChange: a user changed after this member read it is deleted from the
// newer record (the delete is conditional too), and deleting a user that is gone is a 404.
func TestAuthDeleteMeetsAConcurrentChange(t *testing.T) {
	b := newFakeBackend()
	h := New(Config{Backend: b})
	mustAs(t, h, asGuest, http.MethodPut, "/v2/auth/users/bob", `{"user":"bob","password":"x"}`, http.StatusCreated)
	_, index, err := newAuthStore(b, b).userAt("bob")
	require.NoError(t, err)
	err = newAuthStore(b, b).removeIf(context.Background(), authUsersDir+"/bob", index+1)
	assert.ErrorIs(t, err, errConcurrentChange, "a delete against a newer index than the record's")
	mustAs(t, h, asGuest, http.MethodDelete, "/v2/auth/users/bob", "", http.StatusOK)
	mustAs(t, h, asGuest, http.MethodDelete, "/v2/auth/users/bob", "", http.StatusNotFound)
}

func TestRetryConcurrentGivesUpWithAConflict(t *testing.T) {
	attempts := 0
	err := retryConcurrent(func() error { attempts++; return fmt.Errorf("write: %w", errConcurrentChange) })
	var ae *authError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, http.StatusConflict, ae.status)
	assert.Equal(t, maxAuthAttempts, attempts)

	attempts = 0
	err = retryConcurrent(func() error {
		attempts++
		if attempts < 3 {
			return errConcurrentChange
		}
		return nil
	})
	assert.NoError(t, err)
	assert.Equal(t, 3, attempts, "retried until the write went through")
}

package httpapi

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The tests of this file hold the auth API to etcd 3.5's answers where the differential suite
// (scenarios/parity, 22-auth-edges.seq and 23-auth-access.seq) found kvd answering otherwise.

// A role may be granted before it exists, as in etcd: a provisioning script may create users
// first. Until it exists, etcd cannot show the user (404), the list leaves the role out, and the
// role gives no access.
func TestAuthRoleGrantedBeforeItExists(t *testing.T) {
	h, _ := setupAuth(t)
	rec := mustAs(t, h, asRoot, http.MethodPut, "/v2/auth/users/bob", `{"user":"bob","password":"pw","roles":["later","app"]}`, http.StatusOK)
	assert.Equal(t, `{"user":"bob","roles":["later","app"]}`+"\n", rec.Body.String(), "roles as given, in their order")
	rec = mustAs(t, h, asRoot, http.MethodPut, "/v2/auth/users/alice", `{"user":"alice","grant":["later"]}`, http.StatusOK)
	assert.Equal(t, `{"user":"alice","roles":["app","later"]}`+"\n", rec.Body.String())
	rec = mustAs(t, h, asRoot, http.MethodGet, "/v2/auth/users/bob", "", http.StatusNotFound)
	assert.Equal(t, `{"message":"auth: Role later does not exist."}`, rec.Body.String())
	rec = mustAs(t, h, asRoot, http.MethodGet, "/v2/auth/users", "", http.StatusOK)
	assert.Contains(t, rec.Body.String(), `{"user":"bob","roles":[{"role":"app",`)
	mustAs(t, h, cred{"bob", "pw"}, http.MethodGet, "/v2/keys/later", "", http.StatusUnauthorized)

	mustAs(t, h, asRoot, http.MethodPut, "/v2/auth/roles/later", `{"role":"later","permissions":{"kv":{"read":["/later"]}}}`, http.StatusCreated)
	mustAs(t, h, asRoot, http.MethodGet, "/v2/auth/users/bob", "", http.StatusOK)
	mustAs(t, h, cred{"bob", "pw"}, http.MethodGet, "/v2/keys/later", "", http.StatusNotFound) // allowed, absent
}

// The root user always has the root role: revoking it is accepted (etcd's merge does it) and
// changes nothing, since every read of the user adds it back, in the handler and in the store.
func TestAuthRootUserKeepsTheRootRole(t *testing.T) {
	h, _ := setupAuth(t)
	rec := mustAs(t, h, asRoot, http.MethodPut, "/v2/auth/users/root", `{"user":"root","revoke":["root"]}`, http.StatusOK)
	assert.Equal(t, `{"user":"root","roles":[]}`+"\n", rec.Body.String())
	rec = mustAs(t, h, asRoot, http.MethodGet, "/v2/auth/users/root", "", http.StatusOK)
	assert.Contains(t, rec.Body.String(), `"role":"root"`)
	mustAs(t, h, asRoot, http.MethodGet, "/v2/auth/users", "", http.StatusOK)
	mustAs(t, h, asRoot, http.MethodPut, "/v2/keys/other/byroot", "value=r", http.StatusCreated)

	h2, _ := newTestHandler(t)
	rec = mustAs(t, h2, asGuest, http.MethodPut, "/v2/auth/users/root", `{"user":"root","password":"pw","roles":["zz"]}`, http.StatusOK)
	assert.Equal(t, `{"user":"root","roles":["zz","root"]}`+"\n", rec.Body.String(), "etcd appends the root role")
}

// A role is stored as created (lists in their order, duplicates kept, null when absent); a grant
// or revoke makes its lists sorted sets. Patterns are not checked: "*" matches every key, one
// without a leading slash none.
func TestAuthRoleListsAsEtcdKeepsThem(t *testing.T) {
	h, _ := setupAuth(t)
	rec := mustAs(t, h, asRoot, http.MethodPut, "/v2/auth/roles/r", `{"role":"r","permissions":{"kv":{"read":["/b","/a","/b"]}}}`, http.StatusCreated)
	assert.Equal(t, `{"role":"r","permissions":{"kv":{"read":["/b","/a","/b"],"write":null}}}`+"\n", rec.Body.String())
	rec = mustAs(t, h, asRoot, http.MethodGet, "/v2/auth/roles/r", "", http.StatusOK)
	assert.Equal(t, `{"role":"r","permissions":{"kv":{"read":["/b","/a","/b"],"write":null}}}`+"\n", rec.Body.String())
	rec = mustAs(t, h, asRoot, http.MethodPut, "/v2/auth/roles/r", `{"role":"r","grant":{"kv":{"read":["/c"]}}}`, http.StatusOK)
	assert.Equal(t, `{"role":"r","permissions":{"kv":{"read":["/a","/b","/c"],"write":[]}}}`+"\n", rec.Body.String())
	rec = mustAs(t, h, asRoot, http.MethodPut, "/v2/auth/roles/r", `{"role":"r","grant":{"kv":{"read":["/d","/d"]}}}`, http.StatusConflict)
	assert.Equal(t, `{"message":"auth: Granting duplicate read permission /d"}`, rec.Body.String())

	mustAs(t, h, asRoot, http.MethodPut, "/v2/auth/roles/odd", `{"role":"odd","permissions":{"kv":{"read":["*"],"write":["other/*"]}}}`, http.StatusCreated)
	mustAs(t, h, asRoot, http.MethodPut, "/v2/auth/users/odd", `{"user":"odd","password":"pw","roles":["odd"]}`, http.StatusOK)
	mustAs(t, h, cred{"odd", "pw"}, http.MethodGet, "/v2/keys/other/x", "", http.StatusOK)
	mustAs(t, h, cred{"odd", "pw"}, http.MethodPut, "/v2/keys/other/x", "value=w", http.StatusUnauthorized)
}

// Access is checked as etcd checks it: an Authorization header that is not basic auth is refused
// (not taken as a guest), a guest's recursive read needs only the key's own pattern, and the key is
// the request's path with its trailing slash. A dot segment is checked once cleaned: etcd lets
// "/app/../other" through as under "/app/*" and serves "/other"; kvd refuses it.
func TestAuthKeyAccessAsEtcdChecksIt(t *testing.T) {
	h, _ := setupAuth(t)
	mustAs(t, h, asRoot, http.MethodPut, "/v2/auth/roles/guest", `{"role":"guest","grant":{"kv":{"read":["/other/x"],"write":["/gdir","/slash/"]}}}`, http.StatusOK)
	for _, header := range []string{"Bearer abc", "Basic !!!", "Basic bm9jb2xvbg=="} {
		req := httptest.NewRequest(http.MethodGet, "/v2/keys/public/x", nil)
		req.Header.Set("Authorization", header)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		assert.Equal(t, http.StatusUnauthorized, rec.Code, header)
	}
	mustAs(t, h, asGuest, http.MethodGet, "/v2/keys/other/x?recursive=true", "", http.StatusOK)
	mustAs(t, h, asGuest, http.MethodPut, "/v2/keys/gdir/x", "value=1", http.StatusUnauthorized)
	mustAs(t, h, asRoot, http.MethodPut, "/v2/keys/gdir/x", "value=1", http.StatusCreated)
	mustAs(t, h, asGuest, http.MethodDelete, "/v2/keys/gdir?recursive=true", "", http.StatusOK)
	mustAs(t, h, asGuest, http.MethodPut, "/v2/keys/slash", "value=s", http.StatusUnauthorized)
	mustAs(t, h, asGuest, http.MethodPut, "/v2/keys/slash/", "value=s", http.StatusCreated)

	mustAs(t, h, asAlice, http.MethodGet, "/v2/keys/app/", "", http.StatusOK)
	mustAs(t, h, asAlice, http.MethodGet, "/v2/keys/app/?recursive=true", "", http.StatusOK)
	mustAs(t, h, asAlice, http.MethodGet, "/v2/keys/app?recursive=true", "", http.StatusUnauthorized)
	mustAs(t, h, asAlice, http.MethodGet, "/v2/keys/app/%2E%2E/other/x", "", http.StatusUnauthorized)
	mustAs(t, h, asAlice, http.MethodPut, "/v2/keys/app/%2E%2E/other/x", "value=stolen", http.StatusUnauthorized)
}

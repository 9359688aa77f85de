package store

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// authStore is a store holding auth records as the HTTP layer writes them: root, alice (role
// writer, which may write /app/*) and a guest role that may write /public only.
func authStore(t *testing.T) *Store {
	t.Helper()
	s := New()
	for p, v := range map[string]string{
		AuthUsersDir + "/root":   `{"user":"root","password":"hash-root","roles":["root"]}`,
		AuthUsersDir + "/alice":  `{"user":"alice","password":"hash-alice","roles":["writer"]}`,
		AuthRolesDir + "/writer": `{"role":"writer","permissions":{"kv":{"read":["/*"],"write":["/app/*"]}}}`,
		AuthRolesDir + "/guest":  `{"role":"guest","permissions":{"kv":{"read":["/*"],"write":["/public"]}}}`,
		AuthEnabledPath:          "true",
	} {
		_, err := s.SetInternal(p, v)
		require.NoError(t, err)
	}
	return s
}

func asCaller(r Request, c *Caller) Request {
	r.Caller = c
	return r
}

func requireRefused(t *testing.T, s *Store, r Request, msg string) {
	t.Helper()
	index := s.Index()
	_, err := s.Apply(r)
	require.Error(t, err, msg)
	assert.Equal(t, EcodeUnauthorized, storeErr(t, err).ErrorCode, msg)
	assert.Equal(t, "Insufficient credentials", storeErr(t, err).Cause, msg)
	assert.Equal(t, index, s.Index(), "%s: a refused write changes nothing", msg)
}

// The store decides writes that carry their caller on the auth records as they are when the write
// applies: a change made in between refuses them.
func TestApplyChecksTheCallerAgainstTheAuthRecords(t *testing.T) {
	s := authStore(t)
	alice := &Caller{User: "alice", PasswordTag: PasswordTag("hash-alice")}
	mustApply(t, s, asCaller(set("/app/x", "1"), alice))
	mustApply(t, s, asCaller(set("/public", "1"), &Caller{}))
	mustApply(t, s, asCaller(set("/anywhere", "1"), &Caller{User: "root", PasswordTag: PasswordTag("hash-root")}))
	mustApply(t, s, set("/anywhere", "2")) // no caller: the cluster's own writes are not checked

	requireRefused(t, s, asCaller(set("/other", "1"), alice), "outside alice's patterns")
	requireRefused(t, s, asCaller(set("/ap", "1"), alice), "/app/* does not cover /ap")
	requireRefused(t, s, asCaller(set("/app/x", "1"), &Caller{User: "alice", PasswordTag: PasswordTag("old-hash")}), "another password")
	requireRefused(t, s, asCaller(set("/app/x", "1"), &Caller{User: "alice"}), "a password the proposer could not verify")
	requireRefused(t, s, asCaller(set("/app/x", "1"), &Caller{}), "a guest")
	requireRefused(t, s, asCaller(set("/app/x", "1"), &Caller{User: "mallory", Cert: true}), "a certificate naming no user is a guest")
	mustApply(t, s, asCaller(set("/app/x", "2"), &Caller{User: "alice", Cert: true}))

	// The role loses its permission: alice's next write is refused.
	_, err := s.SetInternal(AuthRolesDir+"/writer", `{"role":"writer","permissions":{"kv":{"read":["/*"],"write":[]}}}`)
	require.NoError(t, err)
	requireRefused(t, s, asCaller(set("/app/x", "3"), alice), "revoked role")
	// The user is deleted.
	_, err = s.DeleteInternal(AuthUsersDir+"/alice", false)
	require.NoError(t, err)
	requireRefused(t, s, asCaller(set("/app/x", "3"), alice), "deleted user")

	// Auth disabled: nothing is checked.
	_, err = s.SetInternal(AuthEnabledPath, "false")
	require.NoError(t, err)
	mustApply(t, s, asCaller(set("/app/x", "4"), alice))
}

func TestRecursiveDeleteNeedsAPrefixPattern(t *testing.T) {
	s := authStore(t)
	alice := &Caller{User: "alice", PasswordTag: PasswordTag("hash-alice")}
	mustApply(t, s, asCaller(Request{Op: OpSet, Key: "/app/d/x", Value: "v"}, alice))
	requireRefused(t, s, asCaller(Request{Op: OpDelete, Key: "/", Dir: true, Recursive: true}, alice), "/app/* does not cover the root")
	mustApply(t, s, asCaller(Request{Op: OpDelete, Key: "/app/d", Dir: true, Recursive: true}, alice))
}

// The handler checks the request's path as etcd does, trailing slash included: "/app/" is under
// "/app/*" and so is the key /app it names. The store, which sees the clean key, allows what that
// path allowed; the handler has refused the path without the slash.
func TestTheKeyWithATrailingSlashIsChecked(t *testing.T) {
	s := authStore(t)
	alice := &Caller{User: "alice", PasswordTag: PasswordTag("hash-alice")}
	mustApply(t, s, asCaller(Request{Op: OpSet, Key: "/app/d/x", Value: "v"}, alice))
	mustApply(t, s, asCaller(Request{Op: OpDelete, Key: "/app", Dir: true, Recursive: true}, alice))
}

// The root user always has the root role, even when its record lost it: etcd adds it to every
// read of the user.
func TestRootAlwaysHasTheRootRole(t *testing.T) {
	s := authStore(t)
	_, err := s.SetInternal(AuthUsersDir+"/root", `{"user":"root","password":"hash-root","roles":[]}`)
	require.NoError(t, err)
	mustApply(t, s, asCaller(set("/anywhere", "1"), &Caller{User: "root", PasswordTag: PasswordTag("hash-root")}))
}

// A guest's recursive delete is checked as a single key's, as in etcd: a pattern naming the
// directory allows it.
func TestAGuestIsCheckedOnItsKey(t *testing.T) {
	s := authStore(t)
	mustApply(t, s, set("/public/x", "1"))
	mustApply(t, s, asCaller(Request{Op: OpDelete, Key: "/public", Dir: true, Recursive: true}, &Caller{}))
}

// An internal write with a caller (an auth API change) needs the root role once auth is on.
func TestInternalWritesWithACallerNeedRoot(t *testing.T) {
	s := authStore(t)
	index := s.Index()
	_, err := s.ApplyInternal(Request{Op: OpSet, Key: AuthUsersDir + "/bob", Value: "{}",
		Caller: &Caller{User: "alice", PasswordTag: PasswordTag("hash-alice")}})
	require.Error(t, err)
	assert.Equal(t, EcodeUnauthorized, storeErr(t, err).ErrorCode)
	assert.Equal(t, index, s.Index())
	_, err = s.ApplyInternal(Request{Op: OpSet, Key: AuthUsersDir + "/bob", Value: "{}",
		Caller: &Caller{User: "root", PasswordTag: PasswordTag("hash-root")}})
	require.NoError(t, err)
	_, err = s.ApplyInternal(Request{Op: OpSet, Key: AuthEnabledPath, Value: "false", Caller: &Caller{}})
	require.Error(t, err, "a guest cannot turn auth off")
	_, err = s.ApplyInternal(Request{Op: OpSet, Key: AuthEnabledPath, Value: "false"})
	require.NoError(t, err, "writes without a caller are not checked")
	_, err = s.ApplyInternal(Request{Op: OpSet, Key: AuthEnabledPath, Value: "true", Caller: &Caller{}})
	require.NoError(t, err, "with auth off anyone may turn it on")
}

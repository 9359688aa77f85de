package httpapi

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// CountGet lets the test backend count as core/server does.
func (b *fakeBackend) CountGet(ok bool) { b.st.CountGet(ok) }

// TestEachRequestCountsOneAuthFlagRead: etcd reads its auth flag from its v2 store once per keys
// request and per membership change, a get in /v2/stats/store (failed while auth has never been
// set up); kvd counts the same, and nothing more while a watch stays open (parity 09-stats.seq).
func TestEachRequestCountsOneAuthFlagRead(t *testing.T) {
	h, b := newTestHandler(t)
	before := b.st.Stats()
	mustServe(t, h, http.MethodPut, "/v2/keys/a", "value=1", http.StatusCreated)
	mustServe(t, h, http.MethodGet, "/v2/keys/a", "", http.StatusOK)
	mustServe(t, h, http.MethodGet, "/v2/keys/a?recursive=maybe", "", http.StatusBadRequest) // parse error: no read
	after := b.st.Stats()
	assert.Equal(t, uint64(1), after.GetSuccess-before.GetSuccess, "the GET itself")
	assert.Equal(t, uint64(2), after.GetFail-before.GetFail, "one auth flag read per parsed request")

	done := make(chan struct{})
	go func() {
		defer close(done)
		mustServe(t, h, http.MethodGet, "/v2/keys/w?wait=true", "", http.StatusOK)
	}()
	time.Sleep(3 * watchRecheckInterval) // the open watch re-checks its permission meanwhile
	mustServe(t, h, http.MethodPut, "/v2/keys/w", "value=x", http.StatusCreated)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		require.FailNow(t, "the watch did not return")
	}
	assert.Equal(t, after.GetFail+2, b.st.Stats().GetFail, "the watch and the PUT: one read each")
}

// flagReadingBackend is the fake backend with the auth flag's one-step read, as core/server has it.
// calls counts its reads.
type flagReadingBackend struct {
	*fakeBackend
	calls *int
}

func (b flagReadingBackend) AuthFlag(count bool) bool {
	*b.calls++
	return b.st.AuthFlag(count)
}

// The auth flag's one-step read answers and counts as the general read of the flag does: a failed
// get per keys request until the flag is first written, a successful one after, and auth enforced
// only while the flag says "true" (an anonymous write then refused the same way).
func TestAuthFlagOneStepReadAgreesWithGeneralRead(t *testing.T) {
	type step struct {
		status            int
		getFail, getsOK   uint64
		enabledAfterwards bool
	}
	oneStepReads := 0
	run := func(t *testing.T, oneStep bool) []step {
		fb := newFakeBackend()
		var backend Backend = fb
		if oneStep {
			backend = flagReadingBackend{fb, &oneStepReads}
		}
		h := New(Config{Backend: backend, Clock: func() time.Time { return testNow }})
		var steps []step
		put := func(value string) {
			before := fb.st.Stats()
			rec := serve(h, http.MethodPut, "/v2/keys/a", "value="+value)
			after := fb.st.Stats()
			steps = append(steps, step{status: rec.Code, getFail: after.GetFail - before.GetFail,
				getsOK: after.GetSuccess - before.GetSuccess, enabledAfterwards: fb.st.AuthFlag(false)})
		}
		put("1")
		for _, flag := range []string{"false", "true"} {
			_, err := fb.st.SetInternal(authEnabledPath, flag)
			require.NoError(t, err)
			put(flag)
		}
		return steps
	}
	general, oneStep := run(t, false), run(t, true)
	require.Equal(t, general, oneStep)
	require.GreaterOrEqual(t, oneStepReads, 3, "every keys request read the flag in one step")
	assert.Equal(t, step{status: http.StatusCreated, getFail: 1}, oneStep[0], "no flag yet: a failed get")
	assert.Equal(t, step{status: http.StatusOK, getsOK: 1}, oneStep[1], `"false": a successful get, no auth`)
	assert.NotEqual(t, http.StatusOK, oneStep[2].status, `"true": an anonymous write is refused`)
	assert.True(t, oneStep[2].enabledAfterwards)
}

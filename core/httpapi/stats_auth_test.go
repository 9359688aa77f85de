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

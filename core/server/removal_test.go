package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestRemovedCheckRefusesAnotherCluster: only a member of the same cluster learns that its ID was
// removed; a member of another cluster (the old cluster after a restore from backup) is refused
// with 412, as etcd refuses a cluster ID mismatch, and takes nothing from the answer.
func TestRemovedCheckRefusesAnotherCluster(t *testing.T) {
	const cluster, removedID = 0xc1, 0x42
	srv := httptest.NewServer(peerHandler(cluster, nil, func(id uint64) bool { return id == removedID }))
	defer srv.Close()
	ctx := context.Background()

	removed, err := askRemovedOne(ctx, srv.Client(), srv.URL, removedID, cluster)
	assert.NoError(t, err)
	assert.True(t, removed)
	removed, err = askRemovedOne(ctx, srv.Client(), srv.URL, 0x43, cluster)
	assert.NoError(t, err)
	assert.False(t, removed)

	removed, err = askRemovedOne(ctx, srv.Client(), srv.URL, removedID, 0xc2)
	assert.ErrorContains(t, err, http.StatusText(http.StatusPreconditionFailed))
	assert.False(t, removed)
	assert.False(t, askRemoved(ctx, srv.Client(), []string{srv.URL}, removedID, 0xc2))
	assert.True(t, askRemoved(ctx, srv.Client(), []string{srv.URL}, removedID, cluster))
}

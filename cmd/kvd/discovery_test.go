package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDiscoveryRefusals runs the discovery protocol against a running kvd acting as the discovery
// service and checks etcd's refusals: no size key, a bad one, a full cluster, an ID registered
// twice, an endpoint that is no keys API and one that never answers.
func TestDiscoveryRefusals(t *testing.T) {
	service := startCluster(t, 1).members[0].ClientURL
	registry := func(token, size string) string {
		u := service + "/v2/keys/_etcd/registry/" + token
		if size != "" {
			code, _, body, err := curl(http.MethodPut, u+"/_config/size", url.Values{"value": {size}})
			require.NoError(t, err)
			require.Equal(t, http.StatusCreated, code, body)
		}
		return u
	}
	discover := func(u string, id uint64, name string) (string, error) {
		d := newDiscoverer(u, id, name, []string{"http://127.0.0.1:1" + name[len(name)-1:]}, slog.New(slog.DiscardHandler))
		d.backoffUnit = time.Millisecond
		return d.run(ctxTimeout(t, 20*time.Second))
	}

	_, err := discover(registry("nosize", ""), 1, "a1")
	require.ErrorIs(t, err, errSizeNotFound)
	_, err = discover(registry("badsize", "many"), 1, "a1")
	require.ErrorIs(t, err, errBadSizeKey)

	one := registry("one", "1")
	cluster, err := discover(one, 0xa1, "a1")
	require.NoError(t, err)
	assert.Equal(t, "a1=http://127.0.0.1:11", cluster)
	_, err = discover(one, 0xa2, "a2")
	require.ErrorIs(t, err, errFullCluster, "the first registration takes the only place")
	_, err = discover(one, 0xa1, "a1")
	require.ErrorIs(t, err, errDuplicateID, "the same ID again")

	notKeys := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, "<html>not here</html>")
	}))
	defer notKeys.Close()
	_, err = discover(notKeys.URL+"/tok", 1, "a1")
	require.ErrorIs(t, err, errBadEndpoint)

	silent := deadURL(t)
	d := newDiscoverer(silent+"/tok", 1, "a1", []string{"http://127.0.0.1:2"}, slog.New(slog.DiscardHandler))
	d.backoffUnit = time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = d.run(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded, "an unreachable service is retried until the context ends")
}

// deadURL is a URL nobody listens on.
func deadURL(t *testing.T) string {
	t.Helper()
	return "http://" + freePort(t)
}

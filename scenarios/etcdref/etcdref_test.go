package etcdref

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestBuildGivesTheRealEtcdAndEtcdctl builds (or finds) both binaries and asks each its version.
func TestBuildGivesTheRealEtcdAndEtcdctl(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	bins, err := Build(ctx)
	require.NoError(t, err)

	out, err := exec.Command(bins.Etcd, "--version").CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.Contains(t, string(out), "etcd Version: "+Version)

	out, err = exec.Command(bins.Etcdctl, "--version").CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.Contains(t, string(out), "etcdctl version: "+Version)
	require.True(t, strings.Contains(string(out), "API version: 2"), "etcdctl must be the v2 client: %s", out)

	again, err := Build(ctx)
	require.NoError(t, err)
	require.Equal(t, bins, again, "a second build must reuse the cache")
}

package server

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/raftlab/raftlab/core/node"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMetadataRoundTrip(t *testing.T) {
	m := Metadata{Name: "n1", MemberID: 0x9e737febb6b99eee, ClusterID: 0xc8730d66636ff140,
		InitialMembers: []node.Member{{ID: 0x9e737febb6b99eee, Name: "n1", PeerURLs: []string{"http://127.0.0.1:22380"}}}}
	b, err := EncodeMetadata(m)
	require.NoError(t, err)
	got, err := DecodeMetadata(b)
	require.NoError(t, err)
	assert.Equal(t, m, got)
}

func TestDecodeMetadataRefusesBadInput(t *testing.T) {
	for _, in := range []string{"", "{", `{"version":2,"memberID":1,"clusterID":1}`, `{"version":1,"clusterID":1}`} {
		_, err := DecodeMetadata([]byte(in))
		assert.ErrorIs(t, err, ErrBadMetadata, "input %q", in)
	}
}

func TestPrepareDataDirMakesLayout(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "n1.etcd")
	require.NoError(t, prepareDataDir(dir))
	for _, d := range []string{WALDir(dir), SnapDir(dir)} {
		fi, err := os.Stat(d)
		require.NoError(t, err)
		assert.True(t, fi.IsDir())
	}
	left, err := os.ReadDir(MemberDir(dir))
	require.NoError(t, err)
	assert.Len(t, left, 2, "the write probe is removed")
}

func TestPrepareDataDirUnwritable(t *testing.T) {
	if os.Geteuid() == 0 {
		// root ignores permission bits; a file in the way is unwritable for everyone.
		file := filepath.Join(t.TempDir(), "file")
		require.NoError(t, os.WriteFile(file, nil, 0o600))
		err := prepareDataDir(filepath.Join(file, "sub"))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "cannot access data directory")
		return
	}
	parent := t.TempDir()
	require.NoError(t, os.Chmod(parent, 0o500))
	t.Cleanup(func() { _ = os.Chmod(parent, 0o700) })
	err := prepareDataDir(filepath.Join(parent, "d"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cannot access data directory")
}

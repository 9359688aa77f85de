package server

import (
	"net"
	"path/filepath"
	"testing"

	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/core/wal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBackupOfARunningMember backs up a running member (so its WAL is open and being written) and
// starts the backup with ForceNewCluster: new member and cluster IDs, the data kept, one member.
func TestBackupOfARunningMember(t *testing.T) {
	c := newTestCluster(t, 1)
	c.leader()
	for _, k := range []string{"/a", "/b", "/c"} {
		r, err := c.set(0, k, "v")
		require.NoError(t, err)
		require.NoError(t, r.Err)
	}
	dataDir := filepath.Join(c.dir, c.members[0].Name+".etcd")
	backupDir := filepath.Join(t.TempDir(), "backup")
	res, err := Backup(dataDir, backupDir, BackupOptions{})
	require.NoError(t, err)
	assert.Equal(t, c.servers[0].ID(), res.From.MemberID)
	assert.NotEqual(t, res.From.MemberID, res.To.MemberID, "a new member ID")
	assert.NotEqual(t, res.From.ClusterID, res.To.ClusterID, "a new cluster ID")
	assert.GreaterOrEqual(t, res.Commit, uint64(4), "the three writes and the publish are committed")

	_, err = Backup(dataDir, backupDir, BackupOptions{})
	require.ErrorIs(t, err, wal.ErrExist, "a backup never overwrites")
	_, err = Backup(filepath.Join(t.TempDir(), "empty"), filepath.Join(t.TempDir(), "b2"), BackupOptions{})
	require.ErrorContains(t, err, "holds no member data")
	kept, err := Backup(dataDir, filepath.Join(t.TempDir(), "b3"), BackupOptions{NodeID: 0xabc, KeepClusterID: true})
	require.NoError(t, err)
	assert.Equal(t, uint64(0xabc), kept.To.MemberID)
	assert.Equal(t, res.From.ClusterID, kept.To.ClusterID)

	addr := freeAddr(t)
	ln, err := net.Listen("tcp", addr)
	require.NoError(t, err)
	s, err := Start(Config{Name: "restored", DataDir: backupDir, PeerListener: ln, PeerURLs: []string{"http://" + addr},
		HeartbeatInterval: testHeartbeat, ElectionTimeout: testElection, Logger: quietLogger(), ForceNewCluster: true})
	require.NoError(t, err)
	restored := &testCluster{t: t, servers: []*Server{s}}
	t.Cleanup(restored.stopAll)
	restored.leader()
	assert.Equal(t, res.To.MemberID, s.ID())
	assert.Equal(t, res.To.ClusterID, s.ClusterID())
	assert.Equal(t, []node.Member{{ID: s.ID(), PeerURLs: []string{"http://" + addr}}}, stripAttributes(s.Status().Members))
	for _, k := range []string{"/a", "/b", "/c"} {
		ev, err := s.Get(k, false, false, 0)
		require.NoError(t, err)
		assert.Equal(t, "v", *ev.Node.Value)
	}
}

func stripAttributes(ms []node.Member) []node.Member {
	out := make([]node.Member, 0, len(ms))
	for _, m := range ms {
		out = append(out, node.Member{ID: m.ID, PeerURLs: m.PeerURLs})
	}
	return out
}

package server

import (
	"fmt"
	"strconv"

	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/core/wal"
)

// forceNewCluster makes the recovered member the only member of its cluster, as etcd's
// --force-new-cluster does (see node.ForceNewCluster), and makes the membership changes durable
// before the node starts.
func forceNewCluster(cfg Config, w *wal.WAL, meta Metadata, d *node.DurableState) error {
	var initial []uint64
	if !meta.Join {
		for _, m := range meta.InitialMembers {
			initial = append(initial, m.ID)
		}
	}
	self := node.Member{ID: meta.MemberID, Name: cfg.Name, PeerURLs: cfg.PeerURLs}
	appended, err := node.ForceNewCluster(d, initial, self)
	if err != nil {
		return fmt.Errorf("force new cluster: %w", err)
	}
	if len(appended) == 0 {
		cfg.Logger.Info("--force-new-cluster: the member is already alone in its cluster")
		return nil
	}
	if err := w.Save(d.HardState, appended); err != nil {
		return fmt.Errorf("force new cluster: save membership changes: %w", err)
	}
	if err := w.Sync(); err != nil {
		return fmt.Errorf("force new cluster: sync WAL: %w", err)
	}
	cfg.Logger.Warn("forced a new one-member cluster: the other members were removed, uncommitted entries discarded",
		"member", strconv.FormatUint(meta.MemberID, 16), "cluster", strconv.FormatUint(meta.ClusterID, 16),
		"commit-index", d.HardState.Commit, "membership-changes", len(appended))
	return nil
}

package main

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/raftlab/raftlab/core/server"
)

func backupCommand() *command {
	return &command{
		name: "backup", usage: "--data-dir=... --backup-dir={output}", argsUsage: " ",
		description: "Copies a member's data directory (the newest snapshot, the WAL's entries and hard state)\n   under a new member ID and cluster ID, as etcdctl v2's backup does; start the copy with\n   kvd --force-new-cluster. The member may be running.",
		setup: func(fs *flagSet) action {
			dataDir := fs.String("data-dir", "", "Path to the etcd data dir")
			backupDir := fs.String("backup-dir", "", "Path to the backup dir")
			walDir := fs.String("wal-dir", "", "Path to the etcd wal dir (kvd keeps it in the data dir: not supported)")
			backupWALDir := fs.String("backup-wal-dir", "", "Path to the backup wal dir (not supported)")
			keepClusterID := fs.Bool("keep-cluster-id", false, "Do not rewrite the cluster id")
			nodeID := fs.String("node-id", "", "Use custom node id instead of a random value")
			return func(cx *cmdContext) int {
				if *walDir != "" || *backupWALDir != "" {
					return cx.app.fail(exitBadArgs, errors.New("--wal-dir and --backup-wal-dir are not supported: kvd keeps its WAL in <data-dir>/member/wal"))
				}
				if *dataDir == "" || *backupDir == "" {
					return cx.app.fail(exitBadArgs, errors.New("--data-dir and --backup-dir are required"))
				}
				opts := server.BackupOptions{KeepClusterID: *keepClusterID}
				if *nodeID != "" {
					id, err := strconv.ParseUint(*nodeID, 16, 64)
					if err != nil || id == 0 {
						return cx.app.fail(exitBadArgs, fmt.Errorf("--node-id %q is not a non-zero hexadecimal member ID", *nodeID))
					}
					opts.NodeID = id
				}
				res, err := server.Backup(*dataDir, *backupDir, opts)
				if err != nil {
					return cx.app.fail(exitError, err)
				}
				hex := func(id uint64) string { return strconv.FormatUint(id, 16) }
				fmt.Fprintf(cx.app.stdout, "backed up member %s of cluster %s to %s as member %s of cluster %s (snapshot index %d, last index %d, commit index %d)\n",
					hex(res.From.MemberID), hex(res.From.ClusterID), *backupDir, hex(res.To.MemberID), hex(res.To.ClusterID),
					res.SnapshotIndex, res.LastIndex, res.Commit)
				fmt.Fprintf(cx.app.stdout, "start it with: kvd --data-dir %s --force-new-cluster ...\n", *backupDir)
				return exitSuccess
			}
		},
	}
}

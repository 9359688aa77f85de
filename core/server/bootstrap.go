package server

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/core/wal"
)

// HasWAL reports whether dataDir already holds a member's WAL: then the member restarts and the
// bootstrap flags (--initial-*, --discovery) are ignored.
func HasWAL(dataDir string) bool {
	return wal.Exists(wal.OSFS(), WALDir(dataDir))
}

// StaticCluster computes the membership of a new cluster from its bootstrap description: every
// member's ID from its peer URLs and token, the cluster ID from the member IDs, and which member
// is self (by name, whose peer URLs must match selfPeerURLs).
func StaticCluster(initial []node.Member, token, selfName string, selfPeerURLs []string) (Metadata, error) {
	if len(initial) == 0 {
		return Metadata{}, errors.New("the initial cluster is empty")
	}
	members := make([]node.Member, 0, len(initial))
	ids := make([]uint64, 0, len(initial))
	seen := map[uint64]string{}
	for _, m := range initial {
		urls := sortedCopy(m.PeerURLs)
		if len(urls) == 0 {
			return Metadata{}, fmt.Errorf("member %q of the initial cluster has no peer URLs", m.Name)
		}
		id := MemberID(urls, token)
		if other, dup := seen[id]; dup {
			return Metadata{}, fmt.Errorf("members %q and %q of the initial cluster have the same peer URLs %s",
				other, m.Name, strings.Join(urls, ","))
		}
		seen[id] = m.Name
		ids = append(ids, id)
		members = append(members, node.Member{ID: id, Name: m.Name, PeerURLs: urls})
	}
	slices.SortFunc(members, func(a, b node.Member) int {
		return cmpUint(a.ID, b.ID)
	})
	i := slices.IndexFunc(members, func(m node.Member) bool { return m.Name == selfName })
	if i < 0 {
		return Metadata{}, fmt.Errorf("couldn't find local name %q in the initial cluster configuration", selfName)
	}
	if want := sortedCopy(selfPeerURLs); !slices.Equal(members[i].PeerURLs, want) {
		return Metadata{}, fmt.Errorf("--initial-cluster has %s=%s but missing from --initial-advertise-peer-urls=%s",
			selfName, strings.Join(members[i].PeerURLs, ","), strings.Join(want, ","))
	}
	return Metadata{Name: selfName, MemberID: members[i].ID, ClusterID: ClusterID(ids), InitialMembers: members}, nil
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// joinCluster finds the running cluster through the peer URLs of the other members listed in
// cfg.InitialCluster and adopts the member ID the cluster gave to this member's peer URLs.
func joinCluster(ctx context.Context, cfg Config) (Metadata, error) {
	var others []string
	for _, m := range cfg.InitialCluster {
		if m.Name == cfg.Name && slices.Equal(sortedCopy(m.PeerURLs), cfg.PeerURLs) {
			continue
		}
		others = append(others, m.PeerURLs...)
	}
	if len(others) == 0 {
		return Metadata{}, errors.New("--initial-cluster-state existing needs the running members in --initial-cluster")
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.JoinTimeout)
	defer cancel()
	notAdded := fmt.Errorf("member with peer URLs %s has not been added to the cluster (add it with the members API first)",
		strings.Join(cfg.PeerURLs, ","))
	clusterID, members, err := fetchCluster(ctx, cfg.peerHTTPClient(2*time.Second), others, func(ms []node.Member) error {
		if _, ok := findByPeerURLs(ms, cfg.PeerURLs); !ok {
			return notAdded
		}
		return nil
	})
	if err != nil {
		return Metadata{}, err
	}
	self, _ := findByPeerURLs(members, cfg.PeerURLs)
	if self.Name != "" && self.Name != cfg.Name {
		return Metadata{}, fmt.Errorf("member %s with peer URLs %s already started under the name %q",
			strconv.FormatUint(self.ID, 16), strings.Join(cfg.PeerURLs, ","), self.Name)
	}
	// The members seen at join time are kept so that a restart before the first snapshot arrives
	// still knows where the cluster is.
	return Metadata{Name: cfg.Name, MemberID: self.ID, ClusterID: clusterID, Join: true, InitialMembers: members}, nil
}

// recovered is what opening the data dir gave: who this member is, its WAL and its durable state.
type recovered struct {
	meta    Metadata
	w       *wal.WAL
	durable *node.DurableState
}

// openDataDir restarts from an existing WAL or bootstraps a new member.
func openDataDir(ctx context.Context, cfg Config) (*recovered, error) {
	if err := prepareDataDir(cfg.DataDir); err != nil {
		return nil, err
	}
	opts := wal.Options{NoSync: cfg.NoSync, HostReleases: true}
	dir := WALDir(cfg.DataDir)
	if wal.Exists(cfg.FS, dir) {
		return restart(cfg, dir, opts)
	}
	var (
		meta Metadata
		err  error
	)
	if cfg.Join {
		meta, err = joinCluster(ctx, cfg)
	} else {
		meta, err = StaticCluster(cfg.InitialCluster, cfg.Token, cfg.Name, cfg.PeerURLs)
	}
	if err != nil {
		return nil, err
	}
	b, err := EncodeMetadata(meta)
	if err != nil {
		return nil, err
	}
	w, err := wal.Create(cfg.FS, dir, b, opts)
	if err != nil {
		return nil, fmt.Errorf("create WAL in %s: %w", dir, err)
	}
	return &recovered{meta: meta, w: w}, nil
}

func restart(cfg Config, dir string, opts wal.Options) (*recovered, error) {
	w, rec, err := wal.Open(cfg.FS, dir, opts)
	if err != nil {
		return nil, fmt.Errorf("open WAL in %s: %w", dir, err)
	}
	meta, err := DecodeMetadata(rec.Metadata)
	if err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("data dir %s: %w", cfg.DataDir, err)
	}
	if cfg.CheckClusterID && !cfg.Join {
		want, err := StaticCluster(cfg.InitialCluster, cfg.Token, cfg.Name, cfg.PeerURLs)
		if err == nil && want.ClusterID != meta.ClusterID {
			_ = w.Close()
			return nil, fmt.Errorf("data dir %s belongs to cluster %s, but --initial-cluster and --initial-cluster-token describe cluster %s; use another --data-dir",
				cfg.DataDir, strconv.FormatUint(meta.ClusterID, 16), strconv.FormatUint(want.ClusterID, 16))
		}
	}
	if cfg.ForceNewCluster {
		meta.Name = cfg.Name // the member is recreated under the name it is started with
	}
	if meta.Name != cfg.Name {
		cfg.Logger.Warn("data dir was created under another name; keeping the recorded one",
			"data-dir", cfg.DataDir, "recorded", meta.Name, "flag", cfg.Name)
	}
	durable := &node.DurableState{HardState: rec.HardState, Snapshot: rec.Snapshot, Entries: rec.Entries}
	if rec.TornTail {
		cfg.Logger.Warn("WAL had a torn last record (interrupted write); it was cut off", "dir", dir)
	}
	if cfg.ForceNewCluster {
		if err := forceNewCluster(cfg, w, meta, durable); err != nil {
			_ = w.Close()
			return nil, err
		}
	}
	return &recovered{meta: meta, w: w, durable: durable}, nil
}

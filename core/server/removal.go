package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/core/store"
)

// peerRemovedPath + <hex member ID> answers whether the cluster removed that member. A removed
// member is no longer sent anything, so it may never apply its own removal: when it has had no
// leader for an election timeout it asks its peers, like etcd's peers answering a removed member's
// messages with 410 Gone.
const peerRemovedPath = "/removed/"

// removedJSON is the answer of the peer removed endpoint.
type removedJSON struct {
	Removed bool `json:"removed"`
}

// removedMemberKey is where core/node records a removed member in the store's internal namespace.
func removedMemberKey(id uint64) string { return "/removed_members/" + strconv.FormatUint(id, 16) }

// isRemoved reports whether st records id as removed.
func isRemoved(st *store.Store, id uint64) bool {
	_, err := st.GetInternal(removedMemberKey(id), false)
	return err == nil
}

// serveRemoved answers the removed check of a member of this cluster. A member of another cluster
// (one restored from a backup elsewhere, or the old cluster after a restore) is refused with 412,
// as etcd's peer handlers refuse a cluster ID mismatch, before its member ID means anything here.
func serveRemoved(clusterID uint64, removed func(uint64) bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if got := r.Header.Get(clusterIDHeader); got != strconv.FormatUint(clusterID, 16) {
			http.Error(w, fmt.Sprintf("cluster ID mismatch: asked by a member of cluster %q, this member belongs to cluster %x", got, clusterID),
				http.StatusPreconditionFailed)
			return
		}
		id, err := strconv.ParseUint(strings.TrimPrefix(r.URL.Path, peerRemovedPath), 16, 64)
		if err != nil {
			http.Error(w, "bad member ID", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(removedJSON{Removed: removed(id)})
	}
}

// askRemoved asks every peer URL whether member id of cluster clusterID was removed; true as soon
// as one says so.
func askRemoved(ctx context.Context, client *http.Client, peerURLs []string, id, clusterID uint64) bool {
	for _, u := range peerURLs {
		removed, err := askRemovedOne(ctx, client, u, id, clusterID)
		if err == nil && removed {
			return true
		}
	}
	return false
}

func askRemovedOne(ctx context.Context, client *http.Client, peerURL string, id, clusterID uint64) (bool, error) {
	url := strings.TrimRight(peerURL, "/") + peerRemovedPath + strconv.FormatUint(id, 16)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false, fmt.Errorf("removed check %s: %w", url, err)
	}
	req.Header.Set(clusterIDHeader, strconv.FormatUint(clusterID, 16))
	resp, err := client.Do(req)
	if err != nil {
		return false, fmt.Errorf("removed check %s: %w", url, err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return false, errors.New("removed check " + url + ": " + resp.Status)
	}
	var out removedJSON
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return false, fmt.Errorf("removed check %s: %w", url, err)
	}
	return out.Removed, nil
}

// maybeCheckRemoved asks the peers, in the background, whether this member was removed, once it
// has had no leader for an election timeout (and again every election timeout after that).
func (l *loop) maybeCheckRemoved() {
	st := l.s.status.Load()
	// A pre-candidate keeps its last leader's ID, so the role tells more than Lead alone.
	if st.Role == raft.RoleLeader || (st.Role == raft.RoleFollower && st.Lead != 0) {
		l.noLeaderTicks = 0
		return
	}
	l.noLeaderTicks++
	if l.noLeaderTicks < l.electionTicks || l.removalCheck || l.tick < l.nextRemovalCheck {
		return
	}
	var urls []string
	for _, m := range st.Members {
		if m.ID != l.s.meta.MemberID {
			urls = append(urls, m.PeerURLs...)
		}
	}
	if len(urls) == 0 {
		return
	}
	l.removalCheck = true
	l.nextRemovalCheck = l.tick + l.electionTicks
	l.s.log.Debug("no leader for an election timeout: asking peers whether this member was removed", "peers", urls)
	go func() {
		ctx, cancel := context.WithTimeout(l.s.ctx, 3*time.Second)
		defer cancel()
		l.s.removedRes <- askRemoved(ctx, l.s.cfg.peerHTTPClient(time.Second), urls, l.s.meta.MemberID, l.s.meta.ClusterID)
	}()
}

package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/raftlab/raftlab/core/node"
)

// peerMembersPath is served on the peer port: the cluster ID (header) and the members (body).
const peerMembersPath = "/members"

// clusterIDHeader carries the cluster ID in hex, as etcd names it.
const clusterIDHeader = "X-Etcd-Cluster-Id"

// peerMember is a member as the peer /members endpoint shows it.
type peerMember struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	PeerURLs   []string `json:"peerURLs"`
	ClientURLs []string `json:"clientURLs"`
}

// peerHandler serves the peer port's HTTP side.
func peerHandler(clusterID uint64, members func() []node.Member, removed func(uint64) bool) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc(peerRemovedPath, serveRemoved(clusterID, removed))
	mux.HandleFunc(peerMembersPath, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
			return
		}
		ms := members()
		out := make([]peerMember, 0, len(ms))
		for _, m := range ms {
			out = append(out, peerMember{ID: strconv.FormatUint(m.ID, 16), Name: m.Name,
				PeerURLs: nonNil(m.PeerURLs), ClientURLs: nonNil(m.ClientURLs)})
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set(clusterIDHeader, strconv.FormatUint(clusterID, 16))
		_ = json.NewEncoder(w).Encode(out)
	})
	return mux
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// ErrClusterUnreachable: no peer of --initial-cluster answered with the cluster's membership.
var ErrClusterUnreachable = errors.New("could not retrieve cluster information from the given URLs")

// fetchCluster asks each of peerURLs in turn for the cluster ID and the members until one answers
// with a membership that accept takes (a follower may not have applied the latest member add
// yet), or ctx ends.
func fetchCluster(ctx context.Context, client *http.Client, peerURLs []string, accept func([]node.Member) error) (uint64, []node.Member, error) {
	var last error
	for {
		for _, u := range peerURLs {
			id, ms, err := fetchClusterFrom(ctx, client, u)
			if err == nil {
				err = accept(ms)
			}
			if err == nil {
				return id, ms, nil
			}
			last = err
		}
		select {
		case <-ctx.Done():
			return 0, nil, fmt.Errorf("%w %v: %w", ErrClusterUnreachable, peerURLs, last)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func fetchClusterFrom(ctx context.Context, client *http.Client, peerURL string) (uint64, []node.Member, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(peerURL, "/")+peerMembersPath, nil)
	if err != nil {
		return 0, nil, fmt.Errorf("peer %s: %w", peerURL, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("peer %s: %w", peerURL, err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return 0, nil, fmt.Errorf("peer %s: status %s", peerURL, resp.Status)
	}
	cid, err := strconv.ParseUint(resp.Header.Get(clusterIDHeader), 16, 64)
	if err != nil || cid == 0 {
		return 0, nil, fmt.Errorf("peer %s: bad cluster ID %q", peerURL, resp.Header.Get(clusterIDHeader))
	}
	var pms []peerMember
	if err := json.NewDecoder(resp.Body).Decode(&pms); err != nil {
		return 0, nil, fmt.Errorf("peer %s: decode members: %w", peerURL, err)
	}
	ms := make([]node.Member, 0, len(pms))
	for _, pm := range pms {
		id, err := strconv.ParseUint(pm.ID, 16, 64)
		if err != nil {
			return 0, nil, fmt.Errorf("peer %s: bad member ID %q: %w", peerURL, pm.ID, err)
		}
		ms = append(ms, node.Member{ID: id, Name: pm.Name, PeerURLs: sortedCopy(pm.PeerURLs), ClientURLs: pm.ClientURLs})
	}
	return cid, ms, nil
}

// findByPeerURLs returns the member whose (sorted) peer URLs are exactly urls (sorted).
func findByPeerURLs(ms []node.Member, urls []string) (node.Member, bool) {
	for _, m := range ms {
		if slices.Equal(sortedCopy(m.PeerURLs), urls) {
			return m, true
		}
	}
	return node.Member{}, false
}

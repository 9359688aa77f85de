package server

import (
	"slices"
	"strconv"
)

// syncPeers keeps the transport's peers equal to the membership (or, before the node knows it,
// to the members recorded at bootstrap).
func (l *loop) syncPeers() {
	s := l.s
	members := s.status.Load().Members
	if len(members) == 0 {
		members = s.meta.InitialMembers
	}
	want := make(map[uint64][]string, len(members))
	for _, m := range members {
		if m.ID != s.meta.MemberID {
			want[m.ID] = hostPorts(m.PeerURLs)
		}
	}
	for id, addrs := range want {
		if cur, ok := l.peers[id]; !ok || !slices.Equal(cur, addrs) {
			s.tr.AddPeer(id, addrs)
			l.peers[id] = addrs
			s.log.Info("peer added or updated", "peer", strconv.FormatUint(id, 16), "addrs", addrs)
		}
	}
	for id := range l.peers {
		if _, ok := want[id]; !ok {
			s.tr.RemovePeer(id)
			delete(l.peers, id)
			s.log.Info("peer removed", "peer", strconv.FormatUint(id, 16))
		}
	}
}

// hostPorts turns peer URLs into the transport's host:port addresses.
func hostPorts(urls []string) []string {
	out := make([]string, 0, len(urls))
	for _, u := range urls {
		out = append(out, hostPort(u))
	}
	return out
}

package server

import (
	"crypto/sha1"
	"encoding/binary"
	"slices"

	"github.com/raftlab/raftlab/core/httpapi"
)

// MemberID is the ID of a member bootstrapped with peerURLs and token (the
// --initial-cluster-token, or the whole discovery URL): the first 8 bytes, big endian, of
// SHA-1(peer URLs sorted and concatenated, then token) (ETCD_V2_API.md §11).
func MemberID(peerURLs []string, token string) uint64 {
	return httpapi.MemberIDWithToken(peerURLs, token)
}

// ClusterID is the ID of a new cluster: the first 8 bytes, big endian, of SHA-1 of its member IDs,
// each as 8 big-endian bytes, in ascending order (ETCD_V2_API.md §11).
func ClusterID(memberIDs []uint64) uint64 {
	ids := slices.Clone(memberIDs)
	slices.Sort(ids)
	buf := make([]byte, 8*len(ids))
	for i, id := range ids {
		binary.BigEndian.PutUint64(buf[8*i:], id)
	}
	sum := sha1.Sum(buf)
	return binary.BigEndian.Uint64(sum[:8])
}

package httpapi

import (
	"time"

	"github.com/raftlab/raftlab/core/v2members"
)

// MemberID is the ID etcd gives a member added at runtime (v2members.MemberID).
func MemberID(peerURLs []string, now time.Time) uint64 { return v2members.MemberID(peerURLs, now) }

// MemberIDWithToken is the ID of a member from its peer URLs and a token (v2members.MemberIDWithToken).
func MemberIDWithToken(peerURLs []string, token string) uint64 {
	return v2members.MemberIDWithToken(peerURLs, token)
}

package server

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMemberAndClusterIDWorkedExamples(t *testing.T) {
	tests := []struct {
		name        string
		peerURLs    []string
		token       string
		wantMember  string
		wantCluster string
	}{
		{name: "static bootstrap", peerURLs: []string{"http://127.0.0.1:22380"}, token: "etcd-cluster",
			wantMember: "9e737febb6b99eee", wantCluster: "c8730d66636ff140"},
		{name: "discovery token is the whole URL", peerURLs: []string{"http://127.0.0.1:22512"},
			token: "http://127.0.0.1:22379/v2/keys/_etcd/registry/tokA", wantMember: "451806016a5b3431"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := MemberID(tt.peerURLs, tt.token)
			assert.Equal(t, tt.wantMember, strconv.FormatUint(id, 16))
			if tt.wantCluster != "" {
				assert.Equal(t, tt.wantCluster, strconv.FormatUint(ClusterID([]uint64{id}), 16))
			}
		})
	}
}

func TestClusterIDIgnoresMemberOrder(t *testing.T) {
	a := MemberID([]string{"http://10.0.0.1:2380"}, "t")
	b := MemberID([]string{"http://10.0.0.2:2380"}, "t")
	assert.Equal(t, ClusterID([]uint64{a, b}), ClusterID([]uint64{b, a}))
	assert.NotEqual(t, ClusterID([]uint64{a}), ClusterID([]uint64{a, b}))
}

func TestMemberIDSortsPeerURLs(t *testing.T) {
	urls := []string{"http://10.0.0.2:2380", "http://10.0.0.1:2380"}
	assert.Equal(t, MemberID(urls, "t"), MemberID([]string{urls[1], urls[0]}, "t"))
	assert.NotEqual(t, MemberID(urls, "t"), MemberID(urls, "u"))
}

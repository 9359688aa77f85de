package v2client

import "time"

// Node is one key or directory as the v2 API returns it. Its JSON form is the one
// go.etcd.io/etcd/client/v2 produces when it re-marshals a node (etcdctl -o json relies on it):
// key, dir (omitempty), value, nodes, createdIndex, modifiedIndex, expiration and ttl (omitempty).
type Node struct {
	// Key is the node's full path, e.g. "/foo/bar". The root directory has an empty key.
	Key string `json:"key"`
	// Dir tells whether the node is a directory.
	Dir bool `json:"dir,omitempty"`
	// Value is the value of a file; directories have none.
	Value string `json:"value"`
	// Nodes are the children of a directory (the whole subtree on recursive reads).
	Nodes []*Node `json:"nodes"`
	// CreatedIndex is the etcd index at which the node was created.
	CreatedIndex uint64 `json:"createdIndex"`
	// ModifiedIndex is the etcd index at which the node was last modified.
	ModifiedIndex uint64 `json:"modifiedIndex"`
	// Expiration is the absolute expiry time of a node with a TTL.
	Expiration *time.Time `json:"expiration,omitempty"`
	// TTL is the number of seconds the node has left to live, 0 when it has no TTL.
	TTL int64 `json:"ttl,omitempty"`
}

// Response is the answer to a successful key operation or a watch event.
type Response struct {
	// Action is get, set, create, update, compareAndSwap, delete, compareAndDelete or expire.
	Action string `json:"action"`
	// Node is the node after the operation. It is nil when the server was asked for
	// noValueOnSuccess.
	Node *Node `json:"node"`
	// PrevNode is the node before the operation, when there was one.
	PrevNode *Node `json:"prevNode"`
	// Index is the X-Etcd-Index header: the etcd index of a write, the current index of a read,
	// or the index at which a watch was registered.
	Index uint64 `json:"-"`
	// RaftIndex is the X-Raft-Index header (the Raft commit index).
	RaftIndex uint64 `json:"-"`
	// RaftTerm is the X-Raft-Term header (the current Raft term).
	RaftTerm uint64 `json:"-"`
	// ClusterID is the X-Etcd-Cluster-Id header.
	ClusterID string `json:"-"`
}

// Member is one cluster member as the /v2/members API describes it.
type Member struct {
	// ID is the member ID in lowercase hex without leading zeros.
	ID string `json:"id"`
	// Name is the member's name; empty for a member that was added but has not started yet.
	Name string `json:"name"`
	// PeerURLs are the URLs the member listens on for its peers.
	PeerURLs []string `json:"peerURLs"`
	// ClientURLs are the URLs the member serves clients on; empty until it has started.
	ClientURLs []string `json:"clientURLs"`
}

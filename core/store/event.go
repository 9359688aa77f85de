package store

import "time"

// Event actions (ETCD_V2_API.md §2).
const (
	ActionGet              = "get"
	ActionSet              = "set"
	ActionCreate           = "create"
	ActionUpdate           = "update"
	ActionCompareAndSwap   = "compareAndSwap"
	ActionDelete           = "delete"
	ActionCompareAndDelete = "compareAndDelete"
	ActionExpire           = "expire"
)

// Event is the result of a get or a mutation, and what watchers receive. It marshals to the exact
// etcd JSON (action, node, prevNode). Events are shared with the store's history and with watchers:
// treat them as read-only. The *Event a mutation returns is the very value the history keeps (and
// Save writes) and live watchers receive, so changing any part of it, its nodes included, would
// change what later watches replay and what snapshots hold.
type Event struct {
	Action   string      `json:"action"`
	Node     *NodeExtern `json:"node,omitempty"`
	PrevNode *NodeExtern `json:"prevNode,omitempty"`
	// EtcdIndex is the X-Etcd-Index to answer with: the write's index for mutations, the current
	// index for gets and for watch events served from history.
	EtcdIndex uint64 `json:"-"`
	// Refresh marks a TTL refresh: recorded in the history but never delivered to watchers.
	Refresh bool `json:"-"`
}

// Index is the etcd index the event happened at (its node's modifiedIndex).
func (e *Event) Index() uint64 { return e.Node.ModifiedIndex }

// IsCreated reports whether the HTTP status is 201: a create, or a set of a key that did not exist.
func (e *Event) IsCreated() bool {
	return e.Action == ActionCreate || (e.Action == ActionSet && e.PrevNode == nil)
}

// NodeExtern is the external (JSON) view of a node. All fields are omitempty; a file always carries a
// non-nil Value (so "" is still shown), a directory never does.
type NodeExtern struct {
	Key           string        `json:"key,omitempty"`
	Value         *string       `json:"value,omitempty"`
	Dir           bool          `json:"dir,omitempty"`
	Expiration    *time.Time    `json:"expiration,omitempty"`
	TTL           int64         `json:"ttl,omitempty"`
	Nodes         []*NodeExtern `json:"nodes,omitempty"`
	ModifiedIndex uint64        `json:"modifiedIndex,omitempty"`
	CreatedIndex  uint64        `json:"createdIndex,omitempty"`
}

// ttlSeconds is ceil((expiration - now) / 1s), etcd's ttl field.
func ttlSeconds(expiration, now int64) int64 {
	d := expiration - now
	q := d / int64(time.Second)
	if d%int64(time.Second) > 0 {
		q++
	}
	return q
}

// expirationTime converts unix nanoseconds to the UTC time etcd shows.
func expirationTime(unixNano int64) *time.Time {
	t := time.Unix(0, unixNano).UTC()
	return &t
}

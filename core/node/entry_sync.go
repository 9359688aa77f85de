package node

import "github.com/raftlab/raftlab/core/raft"

// SyncClock returns the leader clock reading (unix ns) that a TTL-expiry entry carries, and false
// for any other entry. Applying the entry expires every key whose expiration is at or before that
// reading, on every replica alike; the lab's checker records it next to the expired keys.
func SyncClock(e raft.Entry) (int64, bool) {
	if e.Type != raft.EntryNormal || len(e.Data) == 0 {
		return 0, false
	}
	var env envelope
	if err := newCodecs().decodeEnvelope(e.Data, &env); err != nil || env.Kind != envSync {
		return 0, false
	}
	return env.Write.Time, true
}

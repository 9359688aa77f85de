package store

// Op is the kind of a mutating request as decided by the HTTP layer (ETCD_V2_API.md §3.2, §3.3, §3.4).
type Op uint8

const (
	// OpSet replaces the key (PUT without preconditions).
	OpSet Op = iota + 1
	// OpCreate creates the key and fails if it exists (PUT prevExist=false).
	OpCreate
	// OpUpdate changes an existing key, keeping its createdIndex (PUT prevExist=true).
	OpUpdate
	// OpCompareAndSwap changes an existing file when prevValue and/or prevIndex match.
	OpCompareAndSwap
	// OpDelete removes a key or a directory (DELETE).
	OpDelete
	// OpCompareAndDelete removes a file when prevValue and/or prevIndex match.
	OpCompareAndDelete
	// OpCreateInOrder creates a child named after the new index under Key (POST).
	OpCreateInOrder
	// OpSync expires every node whose expiration is <= Time.
	OpSync
)

// String returns the op's name, for logs and test names.
func (o Op) String() string {
	switch o {
	case OpSet:
		return "set"
	case OpCreate:
		return "create"
	case OpUpdate:
		return "update"
	case OpCompareAndSwap:
		return "compareAndSwap"
	case OpDelete:
		return "delete"
	case OpCompareAndDelete:
		return "compareAndDelete"
	case OpCreateInOrder:
		return "createInOrder"
	case OpSync:
		return "sync"
	default:
		return "op(" + itoa(uint64(o)) + ")"
	}
}

// Request is one mutating command as it travels through the Raft log (the node encodes it with
// msgpack, so it stays a plain struct of exported basic fields).
type Request struct {
	Op        Op
	Key       string // cleaned user path, "/" for root; it is cleaned again defensively
	Value     string
	Dir       bool
	PrevValue string
	PrevIndex uint64
	Recursive bool
	Refresh   bool
	// Expiration is the absolute expiry in unix nanoseconds. The node expires when HasTTL is set or
	// Expiration is non-zero; ttl=0 ("expires now") is sent as HasTTL with Expiration = now.
	Expiration int64
	// HasTTL distinguishes "no ttl" (permanent) from an expiration.
	HasTTL bool
	// Time is the proposer's clock in unix nanoseconds. For OpSync it is the cutoff; for the other
	// ops it is only used to compute the ttl fields of the returned event (ttl = ceil((expiration -
	// Time) / 1s)), so the HTTP layer should set it whenever it sets Expiration. 0 leaves ttl out.
	Time int64
	// Caller, when set, is who asked for the write: Apply and ApplyInternal then check it against
	// the v2 auth records (see Caller).
	Caller *Caller `codec:",omitempty"`
}

// expiring reports whether the request gives the node a TTL.
func (r *Request) expiring() bool { return r.HasTTL || r.Expiration != 0 }

// itoa formats u in decimal without pulling fmt into hot paths.
func itoa(u uint64) string {
	var buf [20]byte
	i := len(buf)
	for {
		i--
		buf[i] = byte('0' + u%10)
		u /= 10
		if u == 0 {
			break
		}
	}
	return string(buf[i:])
}

package store

// Stats are this member's store counters, served as /v2/stats/store (ETCD_V2_API.md §10). They are
// local (failed reads and writes count too) and are not part of snapshots.
type Stats struct {
	GetSuccess              uint64 `json:"getsSuccess"`
	GetFail                 uint64 `json:"getsFail"`
	SetSuccess              uint64 `json:"setsSuccess"`
	SetFail                 uint64 `json:"setsFail"`
	DeleteSuccess           uint64 `json:"deleteSuccess"`
	DeleteFail              uint64 `json:"deleteFail"`
	UpdateSuccess           uint64 `json:"updateSuccess"`
	UpdateFail              uint64 `json:"updateFail"`
	CreateSuccess           uint64 `json:"createSuccess"`
	CreateFail              uint64 `json:"createFail"`
	CompareAndSwapSuccess   uint64 `json:"compareAndSwapSuccess"`
	CompareAndSwapFail      uint64 `json:"compareAndSwapFail"`
	CompareAndDeleteSuccess uint64 `json:"compareAndDeleteSuccess"`
	CompareAndDeleteFail    uint64 `json:"compareAndDeleteFail"`
	ExpireCount             uint64 `json:"expireCount"`
	Watchers                uint64 `json:"watchers"`
}

// TotalTransactions is the number of mutations attempted (successful or not), as etcd counts it.
func (s Stats) TotalTransactions() uint64 {
	return s.SetSuccess + s.SetFail + s.DeleteSuccess + s.DeleteFail +
		s.CompareAndSwapSuccess + s.CompareAndSwapFail +
		s.CompareAndDeleteSuccess + s.CompareAndDeleteFail +
		s.UpdateSuccess + s.UpdateFail + s.CreateSuccess + s.CreateFail
}

// count records the outcome of one operation of kind op.
func (s *Stats) count(op Op, ok bool) {
	var success, fail *uint64
	switch op {
	case OpSet:
		success, fail = &s.SetSuccess, &s.SetFail
	case OpCreate, OpCreateInOrder:
		success, fail = &s.CreateSuccess, &s.CreateFail
	case OpUpdate:
		success, fail = &s.UpdateSuccess, &s.UpdateFail
	case OpCompareAndSwap:
		success, fail = &s.CompareAndSwapSuccess, &s.CompareAndSwapFail
	case OpDelete:
		success, fail = &s.DeleteSuccess, &s.DeleteFail
	case OpCompareAndDelete:
		success, fail = &s.CompareAndDeleteSuccess, &s.CompareAndDeleteFail
	default:
		return
	}
	if ok {
		*success++
	} else {
		*fail++
	}
}

// countApply records the outcome of one user mutation as etcd 3.5's v2 store counts it, so that
// /v2/stats/store moves by the same amounts on kvd as on etcd for the same requests. etcd counts
// some refusals as successes (they are returned without reaching the variable its deferred counter
// reads): an update of the root or of a directory given a value, a compare-and-swap of the root, a
// compare-and-delete whose comparison fails or that names a directory, a delete of the root. And a
// create that meets a file on its path also counts a failed set (etcd counts it where the path is
// walked, in code shared with set).
func (s *Stats) countApply(op Op, err *Error) {
	if err == nil {
		s.count(op, true)
		return
	}
	if (op == OpCreate || op == OpCreateInOrder) && err.ErrorCode == EcodeNotDir {
		s.SetFail++
	}
	s.count(op, etcdCountsAsSuccess(op, err.ErrorCode))
}

// etcdCountsAsSuccess reports whether etcd counts the refusal of op with error code as a success.
func etcdCountsAsSuccess(op Op, code int) bool {
	switch op {
	case OpUpdate:
		return code == EcodeRootROnly || code == EcodeNotFile
	case OpCompareAndSwap, OpDelete:
		return code == EcodeRootROnly
	case OpCompareAndDelete:
		return code == EcodeNotFile || code == EcodeTestFailed
	}
	return false
}

// countGet records the outcome of one read.
func (s *Stats) countGet(ok bool) {
	if ok {
		s.GetSuccess++
	} else {
		s.GetFail++
	}
}

// nodeOverheadBytes is what nodeBytes counts for a node besides its name and value.
const nodeOverheadBytes = 160

// nodeBytes is the memory a node holds, as DataBytes counts it.
func nodeBytes(n *node) int64 {
	return nodeOverheadBytes + int64(len(n.name)+len(n.value))
}

// subtreeBytes is the nodeBytes total of n and its descendants.
func subtreeBytes(n *node) int64 {
	total := nodeBytes(n)
	for _, c := range n.children {
		total += subtreeBytes(c)
	}
	return total
}

// DataBytes is about the memory the store holds: its trees (names, values and a fixed overhead per
// node) and its watch history (EventBytes of each event). It is kept up to date as the store
// changes, so reading it costs nothing; the node compares it with what it held at its last
// snapshot.
func (s *Store) DataBytes() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dataBytes + int64(s.history.bytes)
}

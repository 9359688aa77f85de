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

// countGet records the outcome of one read.
func (s *Stats) countGet(ok bool) {
	if ok {
		s.GetSuccess++
	} else {
		s.GetFail++
	}
}

package suite

import (
	"github.com/raftlab/raftlab/core/faultpoint"
	"github.com/raftlab/raftlab/netsim"
)

// crashMidSync arms a crash at wal/before-sync (the records are written, the fsync has not run)
// unless the seed's options already arm that point: the one place a simulated crash finds unsynced
// writes on the disk for torn writes to tear (a prefix or any subset of their sectors), since the
// simulator writes and fsyncs a batch at once otherwise.
func crashMidSync(o *Options) {
	for _, a := range o.FaultPoints {
		if a.Point == faultpoint.WALBeforeSync {
			return
		}
	}
	// WALBeforeSync is the first point, so the list stays in point order.
	o.FaultPoints = append([]netsim.ArmedPoint{{Point: faultpoint.WALBeforeSync, Action: faultpoint.Crash,
		OneIn: 40, Max: 2}}, o.FaultPoints...)
}

package nodehost

// ClockLog records the clock readings the nodes of a simulated run had when they ticked as leader:
// the only readings a leader proposes expiry with (core/node proposes the expiry of TTL keys on its
// ticks, with the clock reading of the tick). The lab checks every expiry entry against it. One log
// per run; not safe for concurrent use.
type ClockLog struct {
	readings map[int64]bool
}

// NewClockLog returns an empty log.
func NewClockLog() *ClockLog { return &ClockLog{readings: map[int64]bool{}} }

// add records a reading.
func (l *ClockLog) add(clock int64) { l.readings[clock] = true }

// Has reports whether some node read clock on a tick while it led.
func (l *ClockLog) Has(clock int64) bool { return l.readings[clock] }

package store

// YieldEvery is how many units of work (nodes, events, records) a Yielder lets pass between two
// calls of its Yield: about a quarter of a millisecond of encoding.
const YieldEvery = 256

// Yielder calls Yield every YieldEvery steps of a long computation, so that a host can let its
// other goroutines run in between (a kvd member passes runtime.Gosched to the encoder of its
// snapshots, which otherwise holds one of its two processors for tens of milliseconds while the
// writes queue behind it). A nil Yield makes Step count only: the simulator passes none, and the
// store and the node never call the scheduler themselves.
type Yielder struct {
	Yield func()
	steps int
}

// Step counts one unit of work and yields when YieldEvery have passed since the last yield.
func (y *Yielder) Step() {
	y.steps++
	if y.steps >= YieldEvery {
		y.steps = 0
		if y.Yield != nil {
			y.Yield()
		}
	}
}

package nemesis

import "github.com/raftlab/raftlab/netsim"

// Fault is one fault (or repair) as a value. String gives its text form, which Parse reads back.
type Fault interface {
	String() string
	// Apply performs the fault on sim now.
	Apply(sim *netsim.Sim) error
}

package nemesis

// Fault is one fault (or repair) as a value. String gives its text form, which Parse reads back.
type Fault interface {
	String() string
	// Apply performs the fault on t now: the simulator (Sim) or real processes. An error wrapping
	// errors.ErrUnsupported says t cannot perform it.
	Apply(t Target) error
}

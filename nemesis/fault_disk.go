package nemesis

import "fmt"

// DiskFaultKind is which disk fault a DiskFault injects.
type DiskFaultKind string

// The disk faults.
const (
	DiskFailSync DiskFaultKind = "fail-sync"
	DiskFull     DiskFaultKind = "full"
	DiskOK       DiskFaultKind = "ok"
)

// DiskFault injects (or clears, with DiskOK) a disk fault on a node.
type DiskFault struct {
	Kind DiskFaultKind
	Node NodeRef
}

// String renders "disk fail-sync n1".
func (f DiskFault) String() string { return "disk " + string(f.Kind) + " " + string(f.Node) }

// Apply injects the fault.
func (f DiskFault) Apply(t Target) error {
	ids, err := f.Node.resolveAll(t)
	if err != nil {
		return fmt.Errorf("nemesis: %s: %w", f, err)
	}
	switch f.Kind {
	case DiskFailSync, DiskFull, DiskOK:
	default:
		return fmt.Errorf("nemesis: unknown disk fault %q", f.Kind)
	}
	for _, id := range ids {
		if err := t.Disk(id, f.Kind); err != nil {
			return fmt.Errorf("nemesis: %s: %w", f, err)
		}
	}
	t.Note(f.String())
	return nil
}

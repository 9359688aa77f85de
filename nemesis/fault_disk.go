package nemesis

import (
	"fmt"

	"syscall"

	"github.com/raftlab/raftlab/netsim"
)

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
func (f DiskFault) Apply(sim *netsim.Sim) error {
	ids, err := f.Node.resolveAll(sim)
	if err != nil {
		return fmt.Errorf("nemesis: %s: %w", f, err)
	}
	for _, id := range ids {
		d, err := sim.Disk(id)
		if err != nil {
			return err
		}
		df, ok := d.(netsim.DiskFaults)
		if !ok {
			return fmt.Errorf("nemesis: %s: the disk of %s cannot inject faults", f, sim.Name(id))
		}
		switch f.Kind {
		case DiskFailSync:
			df.FailSync(fmt.Errorf("nemesis: injected fsync failure: %w", syscall.EIO))
		case DiskFull:
			df.SetCapacity(0)
		case DiskOK:
			df.FailSync(nil)
			df.SetCapacity(-1)
		default:
			return fmt.Errorf("nemesis: unknown disk fault %q", f.Kind)
		}
	}
	sim.Note(f.String())
	return nil
}

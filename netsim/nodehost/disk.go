package nodehost

import (
	"fmt"

	"github.com/raftlab/raftlab/core/rng"
	"github.com/raftlab/raftlab/netsim"
)

// NewDisk returns the disk factory for opts.Disk.
func NewDisk(opts Options) netsim.DiskFactory {
	return func(id uint64, name string, rng *rng.Rand) (netsim.Disk, error) {
		switch opts.Disk {
		case DiskMemory:
			return newMemDisk(), nil
		case DiskWAL:
			return newWALDisk(name, rng, opts), nil
		}
		return nil, fmt.Errorf("nodehost: unknown disk kind %d", opts.Disk)
	}
}

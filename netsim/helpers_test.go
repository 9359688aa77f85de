package netsim

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// fakeConfig is a run of fake processes on fake disks.
func fakeConfig(seed uint64, nodes int) Config {
	return Config{
		Seed:       seed,
		Nodes:      nodes,
		NewProcess: newFakeProcess,
		NewDisk:    func(id uint64, name string, rng *rand.Rand) (Disk, error) { return newFakeDisk(id, name, rng) },
	}
}

func newFakeSim(t testing.TB, cfg Config) *Sim {
	t.Helper()
	s, err := New(cfg)
	require.NoError(t, err)
	return s
}

func fake(s *Sim, id uint64) *fakeProcess {
	p, _ := s.Process(id).(*fakeProcess)
	return p
}

func fakeDiskOf(t testing.TB, s *Sim, id uint64) *fakeDisk {
	t.Helper()
	d, err := s.Disk(id)
	require.NoError(t, err)
	return d.(*fakeDisk)
}

const ms = int64(1e6)

package nodehost

import (
	"errors"
	"fmt"

	"github.com/raftlab/raftlab/core/faultpoint"
	"github.com/raftlab/raftlab/core/rng"
	"github.com/raftlab/raftlab/core/wal"
	"github.com/raftlab/raftlab/core/wal/memfs"
	"github.com/raftlab/raftlab/netsim"
)

// walDir is where each simulated node keeps its WAL on its own file system.
const walDir = "/data/member/wal"

// walDisk is DiskWAL: the node's batches go through the real core/wal onto a memfs file system
// whose Crash drops (or tears) everything not fsynced.
type walDisk struct {
	fs       *memfs.FS
	opts     wal.Options
	w        *wal.WAL
	metadata []byte
	rng      *rng.Rand
	torn     bool
	// TornTails counts recoveries that found and cut a torn last record; sectorCrashes the crashes
	// that kept a subset of the unsynced sectors rather than a prefix of the unsynced bytes.
	tornTails, sectorCrashes int
	// syncFault and bounded say which injected faults are in force (see Faulty).
	syncFault, bounded bool
}

// defaultSegmentSize keeps simulated segments small so that runs cut segments often and exercise
// that path. (memfs appends in amortized time now, so a larger size is no faster: 1 MiB measured
// the same speed in BenchmarkSimulatedCluster.)
const defaultSegmentSize = 32 << 10

func newWALDisk(name string, rng *rng.Rand, opts Options) *walDisk {
	segment := opts.SegmentSize
	if segment <= 0 {
		segment = defaultSegmentSize
	}
	fs := memfs.New()
	if opts.WALRoom > 0 {
		fs.EnableWriteAt()
	}
	return &walDisk{
		fs: fs, opts: wal.Options{SegmentSize: segment, Room: opts.WALRoom, Marks: opts.Marks, HostReleases: true},
		metadata: []byte("raftlab simulated member " + name), rng: rng, torn: opts.TornWrites,
	}
}

// Save writes the batch in the order core/node asks for: snapshot first, then hard state and
// entries. The WAL is created on the first batch.
func (d *walDisk) Save(b *netsim.PersistBatch) error {
	if d.w == nil {
		w, err := wal.Create(d.fs, walDir, d.metadata, d.opts)
		if err != nil {
			return fmt.Errorf("nodehost: create wal: %w", err)
		}
		d.w = w
	}
	if !b.Snapshot.IsEmpty() {
		if err := d.w.SaveSnapshot(b.Snapshot); err != nil {
			return fmt.Errorf("nodehost: save snapshot: %w", err)
		}
		// kvd's server releases the old files on a goroutine of its own; here at once, in the step.
		if err := d.w.Release(); err != nil {
			return fmt.Errorf("nodehost: release: %w", err)
		}
	}
	if b.HardState.IsEmpty() && len(b.Entries) == 0 {
		return nil
	}
	if err := d.w.Save(b.HardState, b.Entries); err != nil {
		return fmt.Errorf("nodehost: wal save: %w", err)
	}
	return nil
}

// Sync fsyncs the WAL, then makes its room ahead as kvd's server does after every batch
// (wal.MakeRoom: here at once, in the step, where the server has a goroutine of its own). Its
// zeros are unsynced until the next Sync, and a crash tears them like any other write.
func (d *walDisk) Sync() error {
	if d.w == nil {
		return nil
	}
	if err := d.w.Sync(); err != nil {
		return fmt.Errorf("nodehost: wal sync: %w", err)
	}
	for d.w.RoomWanted() {
		if made, err := d.w.MakeRoom(); err != nil || !made {
			break // a full disk: the WAL extends the room itself, or fails, as without it
		}
	}
	return nil
}

// Crash drops the open WAL (a crash closes nothing) and every unsynced byte. With torn writes,
// when unsynced writes are on the disk, its generator decides crash by crash how they were torn:
// a prefix of them survives (a disk that writes in order), or any subset of their sectors, each at
// any version (one that writes back in any order, see memfs.CrashSectors), half the time each
// (always the latter for a WAL that keeps room).
// Nothing is drawn when nothing is unsynced.
func (d *walDisk) Crash() {
	d.w = nil
	switch {
	case !d.torn || !d.fs.UnsyncedWrites():
		d.fs.Crash()
	case d.opts.Room <= 0 && d.rng.IntN(2) == 0:
		// A byte-granular prefix tears a sector in half. The WAL relies on sectors being written
		// whole (a disk's atomic unit); without room that is never seen, as the file's size ends
		// at the cut, but records written over room would be torn inside a sector: a WAL with room
		// crashes sector by sector only (a prefix of the sectors being one of the subsets drawn).
		d.fs.CrashTorn(func(n int) int { return d.rng.IntN(n + 1) })
	default:
		d.sectorCrashes++
		d.fs.CrashSectors(d.rng.IntN)
	}
}

// Recover opens and replays the WAL, nil if the node never created one (no segment is durable).
func (d *walDisk) Recover() (*netsim.Durable, error) {
	w, rec, err := wal.Open(d.fs, walDir, d.opts)
	if errors.Is(err, wal.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("nodehost: open wal: %w", err)
	}
	d.w = w
	if rec.TornTail {
		d.tornTails++
	}
	return &netsim.Durable{HardState: rec.HardState, Snapshot: rec.Snapshot, Entries: rec.Entries, Metadata: rec.Metadata}, nil
}

// FailSync makes every later fsync fail with err (nil heals the disk).
func (d *walDisk) FailSync(err error) {
	d.syncFault = err != nil
	d.fs.FailSync(err)
}

// SetCapacity bounds the file system to bytes (negative = unbounded).
func (d *walDisk) SetCapacity(bytes int64) {
	d.bounded = bytes >= 0
	d.fs.SetCapacity(bytes)
}

// Faulty reports whether an injected fsync failure or capacity bound is in force.
func (d *walDisk) Faulty() bool { return d.syncFault || d.bounded }

// SetFaultPoints hands the WAL its node's fault points.
func (d *walDisk) SetFaultPoints(s *faultpoint.Set) { d.opts.Faults = s }

// FS is the node's simulated file system (for inspection and corruption tests).
func (d *walDisk) FS() *memfs.FS { return d.fs }

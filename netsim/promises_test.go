package netsim

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/raftlab/raftlab/core/faultpoint"
	"github.com/raftlab/raftlab/core/raft"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// promiseLog records what a PromiseObserver is told, one line per call.
type promiseLog struct {
	NopObserver
	lines []string
	sends int
}

func (l *promiseLog) OnSend(node uint64, m *raft.Message, at int64) { l.sends++ }

func (l *promiseLog) OnSave(node uint64, b *PersistBatch, err error, at int64) {
	l.lines = append(l.lines, fmt.Sprintf("save n%d entries=%d err=%v", node, len(b.Entries), err))
}

func (l *promiseLog) OnSync(node uint64, at int64) {
	l.lines = append(l.lines, fmt.Sprintf("sync n%d", node))
}

func (l *promiseLog) OnRecover(node uint64, d *Durable, at int64) {
	n := -1
	if d != nil {
		n = len(d.Entries)
	}
	l.lines = append(l.lines, fmt.Sprintf("recover n%d entries=%d", node, n))
}

func (l *promiseLog) OnBootFail(node uint64, err error, diskFaulty bool, at int64) {
	l.lines = append(l.lines, fmt.Sprintf("bootfail n%d %v", node, err))
}

func TestPromiseObserversHearSendsWritesSyncsAndRecoveries(t *testing.T) {
	log := &promiseLog{}
	cfg := fakeConfig(1, 2)
	cfg.Observers = []Observer{log}
	s := newFakeSim(t, cfg)
	assert.Equal(t, []string{"recover n1 entries=-1", "recover n2 entries=-1"}, log.lines, "fresh disks give nothing back")

	c, err := s.Do(Request{Kind: ReqSet, Key: "a", Value: "1"}, DoOptions{Target: 1})
	require.NoError(t, err)
	require.True(t, s.RunUntil(c.Done, 1e9))
	s.RunFor(300 * ms)
	assert.Positive(t, log.sends, "heartbeats are sends")
	require.NoError(t, s.Crash(1))
	require.NoError(t, s.Restart(1))
	require.NoError(t, s.Crash(1))
	fakeDiskOf(t, s, 1).recoverErr = errors.New("disk gone")
	require.Error(t, s.Restart(1))
	assert.Equal(t, []string{"recover n1 entries=-1", "recover n2 entries=-1", "save n1 entries=1 err=<nil>", "sync n1",
		"recover n1 entries=1", "bootfail n1 netsim: recover n1: disk gone"}, log.lines)
}

// crashAfterWriteDisk is a fake disk whose Save of a batch with entries writes and syncs it, then
// crashes the node at a fault point, as the WAL's SaveSnapshot does at wal/before-release (the
// snapshot already logged and synced, the node dead before Save returns).
type crashAfterWriteDisk struct {
	*fakeDisk
	faults func() *faultpoint.Set
}

func (d *crashAfterWriteDisk) Save(b *PersistBatch) error {
	if err := d.fakeDisk.Save(b); err != nil || len(b.Entries) == 0 {
		return err
	}
	if err := d.fakeDisk.Sync(); err != nil {
		return err
	}
	return d.faults().Hit(faultpoint.WALBeforeRelease)
}

// TestPromiseObserversHearAWriteThatAFaultPointCrashCutShort: a node that dies at a fault point
// inside a disk write never returns from Save, yet the write may be on disk, all of it or part; the
// observers must hear of it before the node recovers it, or a promise check takes what the node
// recovers for entries no write made (learners-transfers seed 16227: a snapshot logged and synced,
// the crash at wal/before-release, and a recovered log "shorter than the durable one").
func TestPromiseObserversHearAWriteThatAFaultPointCrashCutShort(t *testing.T) {
	log := &promiseLog{}
	cfg := fakeConfig(1, 2)
	cfg.Observers = []Observer{log}
	cfg.FaultPoints = FaultPoints{Armed: []ArmedPoint{{Point: faultpoint.WALBeforeRelease, Action: faultpoint.Crash, Node: 1, Max: 1}}}
	faults := map[uint64]*faultpoint.Set{}
	cfg.NewProcess = func(spec ProcessSpec) (Process, error) {
		faults[spec.ID] = spec.Faults
		return newFakeProcess(spec)
	}
	cfg.NewDisk = func(id uint64, name string, r *rand.Rand) (Disk, error) {
		d, err := newFakeDisk(id, name, r)
		return &crashAfterWriteDisk{fakeDisk: d.(*fakeDisk), faults: func() *faultpoint.Set { return faults[id] }}, err
	}
	s := newFakeSim(t, cfg)
	_, err := s.Do(Request{Kind: ReqSet, Key: "a", Value: "1"}, DoOptions{Target: 1})
	require.NoError(t, err)
	s.Run(3000 * ms)
	require.Len(t, s.FaultPointsFired(), 1, "n1 crashed inside its write")
	assert.Equal(t, []string{"recover n1 entries=-1", "recover n2 entries=-1",
		"save n1 entries=1 err=netsim: the node crashed during the write", "recover n1 entries=1"}, log.lines)
}

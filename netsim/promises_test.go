package netsim

import (
	"errors"
	"fmt"
	"testing"

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

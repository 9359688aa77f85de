package netsim

import (
	"bytes"
	"errors"
	"testing"

	"github.com/raftlab/raftlab/checker/history"
	"github.com/stretchr/testify/require"
)

func TestCrashLosesUnsyncedWritesAndRestartRecovers(t *testing.T) {
	cfg := fakeConfig(1, 3)
	cfg.DiskLatency = Latency{Min: 50 * ms}
	s := newFakeSim(t, cfg)

	first, err := s.Do(Request{Kind: ReqSet, Key: "a", Value: "1"}, DoOptions{Target: 1})
	require.NoError(t, err)
	require.True(t, s.RunUntil(first.Done, 1e9))
	require.Equal(t, history.OutcomeOK, first.Op().Outcome)

	// The second write is saved but its fsync completes 50ms later: crash in between.
	second, err := s.Do(Request{Kind: ReqSet, Key: "b", Value: "2"}, DoOptions{Target: 1})
	require.NoError(t, err)
	require.True(t, s.RunUntil(func() bool { return fakeDiskOf(t, s, 1).saves == 2 }, s.Now()+1e9))
	require.NoError(t, s.Crash(1))
	require.Nil(t, s.Process(1))
	require.Error(t, s.Crash(1), "crashing a down node is an error")
	require.True(t, s.RunUntil(second.Done, s.Now()+2e9))
	require.Equal(t, history.OutcomeUnknown, second.Op().Outcome, "the write reached the node, which crashed")
	require.ErrorIs(t, second.Reply().Err, ErrConnectionLost)

	require.NoError(t, s.Restart(1))
	require.Error(t, s.Restart(1), "restarting a running node is an error")
	p := fake(s, 1)
	require.Len(t, p.log, 1, "only the synced write survives")
	require.Equal(t, "a1", string(p.log[0].Data))
	info, err := s.Info(1)
	require.NoError(t, err)
	require.True(t, info.Alive)
	require.Equal(t, 1, info.Restarts)
}

func TestRequestsToADownNodeAreRefusedAndRecordedUnknown(t *testing.T) {
	s := newFakeSim(t, fakeConfig(1, 3))
	require.NoError(t, s.Crash(2))
	c, err := s.Do(Request{Kind: ReqSet, Key: "a", Value: "1"}, DoOptions{Target: 2})
	require.NoError(t, err)
	require.True(t, s.RunUntil(c.Done, 1e9))
	op := c.Op()
	// Not "fail": in the history format a fail asserts that the precondition did not hold.
	require.Equal(t, history.OutcomeUnknown, op.Outcome)
	require.Zero(t, op.ErrorCode)
	require.ErrorIs(t, c.Reply().Err, ErrRefused)
	require.Less(t, op.Return-op.Call, int64(10*ms), "refused at once, not after the timeout")
}

func TestPauseHoldsInputsAndStopsTicks(t *testing.T) {
	cfg := fakeConfig(1, 3)
	cfg.TickInterval = 10 * ms
	s := newFakeSim(t, cfg)
	s.Run(100 * ms)
	require.NoError(t, s.Pause(2))
	require.Error(t, s.Pause(2))
	ticks, got := len(fake(s, 2).ticks), fake(s, 2).received[1]
	call, err := s.Do(Request{Kind: ReqSet, Key: "a", Value: "x"}, DoOptions{Target: 2, Timeout: 200 * ms})
	require.NoError(t, err)
	s.Run(500 * ms)
	require.Equal(t, ticks, len(fake(s, 2).ticks), "no ticks while paused")
	require.Equal(t, got, fake(s, 2).received[1], "messages are held")
	require.True(t, call.Done())
	require.Equal(t, history.OutcomeUnknown, call.Op().Outcome, "timed out: the write may still happen")
	require.Equal(t, 200*ms, call.Op().Return-call.Op().Call, "the client gave up at its timeout")
	require.ErrorIs(t, call.Reply().Err, ErrClientTimeout)
	info, err := s.Info(2)
	require.NoError(t, err)
	require.True(t, info.Paused)

	require.NoError(t, s.Resume(2))
	require.Error(t, s.Resume(2))
	// The held messages and the held write are handed over at once, in order.
	require.Greater(t, fake(s, 2).received[1], got+30)
	require.Equal(t, "x", fake(s, 2).values["a"]+fake(s, 2).pendingValue("a"))
	s.Run(600 * ms)
	require.Greater(t, len(fake(s, 2).ticks), ticks+5, "ticks resume")
}

func TestClockSkewOffsetsAndDrift(t *testing.T) {
	cfg := fakeConfig(1, 2)
	cfg.TickInterval = 100 * ms
	s := newFakeSim(t, cfg)
	require.NoError(t, s.SkewClock(2, 300*ms, 0))
	s.Run(1e9)
	a, b := fake(s, 1).ticks, fake(s, 2).ticks
	require.Len(t, a, 10)
	require.Len(t, b, 10)
	for i := range a {
		require.Equal(t, int64(300*ms), b[i]-a[i], "node 2 reads 300ms ahead")
		require.Equal(t, DefaultEpoch+int64(i+1)*100*ms, a[i])
	}
	// 10% fast: ticks come 10% more often, and its clock stays continuous at the change.
	before, err := s.Clock(2)
	require.NoError(t, err)
	require.NoError(t, s.SkewClock(2, 0, 100000))
	after, err := s.Clock(2)
	require.NoError(t, err)
	require.Equal(t, before, after)
	n := len(fake(s, 2).ticks)
	s.Run(11e9)
	require.InDelta(t, 110, len(fake(s, 2).ticks)-n, 1)
	now, err := s.Clock(2)
	require.NoError(t, err)
	require.Equal(t, DefaultEpoch+11e9+300*ms+1e9, now)
	require.Error(t, s.SkewClock(2, 0, -1e6))
	require.Error(t, s.SkewClock(9, 0, 0))
}

func TestDiskSyncFailureIsReportedToTheNode(t *testing.T) {
	s := newFakeSim(t, fakeConfig(1, 1))
	eio := errors.New("EIO")
	fakeDiskOf(t, s, 1).FailSync(eio)
	c, err := s.Do(Request{Kind: ReqSet, Key: "a", Value: "1"}, DoOptions{Target: 1})
	require.NoError(t, err)
	require.True(t, s.RunUntil(c.Done, 1e9))
	require.Equal(t, history.OutcomeUnknown, c.Op().Outcome)
	require.ErrorIs(t, c.Reply().Err, eio)
}

// A write the disk refuses (a full disk) is reported when the batch completes, and only for that
// batch: the error is not kept for later ones.
func TestDiskWriteFailureIsReportedToTheNode(t *testing.T) {
	s := newFakeSim(t, fakeConfig(1, 1))
	enospc := errors.New("ENOSPC")
	fakeDiskOf(t, s, 1).failSave = enospc
	c, err := s.Do(Request{Kind: ReqSet, Key: "a", Value: "1"}, DoOptions{Target: 1})
	require.NoError(t, err)
	require.True(t, s.RunUntil(c.Done, 1e9))
	require.ErrorIs(t, c.Reply().Err, enospc)
	require.Empty(t, s.hostByID(1).saveErrs, "delivered and forgotten")

	fakeDiskOf(t, s, 1).failSave = nil
	c, err = s.Do(Request{Kind: ReqSet, Key: "b", Value: "2"}, DoOptions{Target: 1})
	require.NoError(t, err)
	require.True(t, s.RunUntil(c.Done, s.Now()+1e9))
	require.NoError(t, c.Reply().Err)
}

func TestLeaderAndInfo(t *testing.T) {
	s := newFakeSim(t, fakeConfig(1, 3))
	s.Run(100 * ms)
	id, term := s.Leader()
	require.Equal(t, uint64(1), id)
	require.Equal(t, uint64(1), term)
	require.NoError(t, s.Crash(1))
	id, _ = s.Leader()
	require.Zero(t, id)
	n, err := s.NodeID("n3")
	require.NoError(t, err)
	require.Equal(t, uint64(3), n)
	_, err = s.NodeID("n9")
	require.Error(t, err)
	_, err = s.Info(9)
	require.Error(t, err)
}

func TestInvokeRunsAgainstTheLiveProcessAndDrainsOutputs(t *testing.T) {
	s := newFakeSim(t, fakeConfig(1, 2))
	require.NoError(t, s.Invoke(2, "poke", "", func(p Process) {
		p.Submit(Request{ID: 77, Kind: ReqSet, Key: "z", Value: "9"})
	}))
	require.Equal(t, 1, fakeDiskOf(t, s, 2).saves, "the persist batch was handled at once")
	s.Run(100 * ms)
	require.Equal(t, "9", fake(s, 2).values["z"])
	require.NoError(t, s.Crash(2))
	require.Error(t, s.Invoke(2, "poke", "", func(Process) {}))
	require.Error(t, s.Invoke(5, "poke", "", func(Process) {}))
}

func TestDriftDoesNotOverflowOnLongRuns(t *testing.T) {
	week := int64(7 * 24 * 3600 * 1e9)
	require.Equal(t, week/10, drift(week, 100000), "10% fast for a week")
	require.Equal(t, -week/10, drift(week, -100000))
	require.Equal(t, int64(1), drift(1e6, 1))
	require.Zero(t, drift(999_999, 1))
}

func TestARestartTheDiskRefusesLeavesTheNodeDown(t *testing.T) {
	var trace bytes.Buffer
	cfg := fakeConfig(1, 3)
	cfg.Trace = &trace
	s := newFakeSim(t, cfg)
	require.NoError(t, s.Crash(2))
	fakeDiskOf(t, s, 2).recoverErr = errors.New("corrupt WAL")
	require.Error(t, s.Restart(2))
	require.Empty(t, s.Failures(), "the system's behaviour, not a simulator problem")
	require.Contains(t, trace.String(), "bootfail n2   netsim: recover n2: corrupt WAL")
	info, err := s.Info(2)
	require.NoError(t, err)
	require.False(t, info.Alive)
	fakeDiskOf(t, s, 2).recoverErr = nil
	require.NoError(t, s.Restart(2))
}

// A batch to be synced completes after the disk's latency; one without fsync (a write to the OS's
// cache) completes at once, within the input that produced it.
func TestOnlyBatchesToSyncWaitForTheDisk(t *testing.T) {
	for _, noSync := range []bool{false, true} {
		cfg := fakeConfig(1, 3)
		cfg.DiskLatency = Latency{Min: 50 * ms}
		cfg.NewProcess = func(spec ProcessSpec) (Process, error) {
			p, err := newFakeProcess(spec)
			p.(*fakeProcess).noSync = noSync
			return p, err
		}
		s := newFakeSim(t, cfg)
		call, err := s.Do(Request{Kind: ReqSet, Key: "a", Value: "1"}, DoOptions{Target: 1})
		require.NoError(t, err)
		require.True(t, s.RunUntil(func() bool { return fakeDiskOf(t, s, 1).saves == 1 }, 1e9))
		saved := s.Now()
		require.True(t, s.RunUntil(func() bool { return fake(s, 1).persisted == 1 }, saved+1e9))
		if noSync {
			require.Equal(t, saved, s.Now(), "completed with the write")
		} else {
			require.Equal(t, saved+50*ms, s.Now(), "completed after the disk latency")
		}
		require.True(t, s.RunUntil(call.Done, s.Now()+1e9))
		require.Equal(t, history.OutcomeOK, call.Op().Outcome)
	}
}

package reports

import (
	"os"
	"path/filepath"
	"testing"
)

// bigRun is a five-node run of n ops spread over n*4 ms of virtual time,
// with a sample per node every 50 ms, a leader change halfway and one
// partition window.
func bigRun(n int) Run {
	run := partitionRun()
	end := int64(n) * 4 * ms
	run.Samples = nil
	run.Ops = nil
	for at, commit := int64(0), uint64(0); at <= end; at, commit = at+50*ms, commit+1 {
		for id := uint64(1); id <= 5; id++ {
			role, term := RoleFollower, uint64(1)
			if at >= end/2 {
				term = 2
			}
			if (term == 1 && id == 1) || (term == 2 && id == 3) {
				role = RoleLeader
			}
			run.Samples = append(run.Samples, Sample{At: at, Node: id, Role: role, Term: term, Commit: commit})
		}
	}
	run.Faults = []FaultWindow{{Start: end/2 - s, End: end/2 + s, Label: "partition", Nodes: []uint64{1, 2}}}
	outcomes := []string{OutcomeOK, OutcomeOK, OutcomeOK, OutcomeOK, OutcomeOK, OutcomeOK, OutcomeOK, OutcomeOK, OutcomeFail, OutcomeUnknown}
	for i := range n {
		call := int64(i) * 4 * ms
		run.Ops = append(run.Ops, OpPoint{
			Client: i % 8, Kind: "set", Call: call,
			Return:  call + int64(1+i%13)*ms,
			Outcome: outcomes[i%len(outcomes)],
		})
	}
	return run
}

func BenchmarkWrite10kOps(b *testing.B) {
	run := bigRun(10_000)
	dir := filepath.Join(b.TempDir(), "report")
	var files Files
	for b.Loop() {
		var err error
		files, err = Write(dir, run)
		if err != nil {
			b.Fatal(err)
		}
	}
	var total int64
	for _, p := range append([]string{files.Index}, files.Figures...) {
		info, err := os.Stat(p)
		if err != nil {
			b.Fatal(err)
		}
		total += info.Size()
	}
	b.ReportMetric(float64(total)/1024, "report-KiB")
	b.ReportMetric(float64(len(run.Ops))*float64(b.N)/b.Elapsed().Seconds(), "ops-rendered/s")
}

func TestBigRunReportIsValid(t *testing.T) {
	dir, files := writeReport(t, bigRun(500))
	requireValidReport(t, dir, files)
}

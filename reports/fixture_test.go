package reports

import "time"

// Virtual-time helpers for fixtures.
const (
	ms = int64(time.Millisecond)
	s  = int64(time.Second)
)

// partitionRun builds a realistic five-node run by hand: n1 wins term 1,
// a partition {n1,n2} | {n3,n4,n5} lets n3 win term 2 while n1 keeps
// believing it leads term 1, the partition heals and n1 steps down.
// Three clients issue an op every 40 ms; those routed to the minority
// side during the partition time out as unknown or fail.
func partitionRun() Run {
	run := Run{
		Title:         "partition-heal: minority leader <steps down> & log is repaired",
		Story:         "start 5 nodes\npartition n1,n2 | n3,n4,n5\nwait 3s\nheal",
		Seed:          42,
		TraceHash:     "9f2c4e1a77d0b3c5",
		ReplayCommand: `go run ./cmd/labd replay -story partition-heal -seed 42 -note "a & b <c>"`,
		Nodes: []NodeInfo{
			{ID: 1, Name: "n1"}, {ID: 2, Name: "n2"}, {ID: 3, Name: "n3"}, {ID: 4, Name: "n4"}, {ID: 5, Name: "n5"},
		},
		Faults: []FaultWindow{
			{Start: 2 * s, End: 5 * s, Label: "partition n1,n2 | n3,n4,n5", Nodes: []uint64{1, 2}},
			{Start: 5*s + 500*ms, End: 6 * s, Label: "pause n4", Nodes: []uint64{4}},
		},
		Verdict: Verdict{
			Linearizable: true,
			Summary:      "history of 176 operations is linearizable",
		},
		Assertions: []Assertion{
			{Line: 3, Text: "leader n3 term 2", Passed: true},
			{Line: 4, Text: "n1 log[2] uncommitted", Passed: true},
			{Line: 6, Text: "get /k == much", Passed: false, Detail: `got "so"`},
		},
		Narrative: []string{
			"0.160 s n1 became leader in term 1",
			"2.000 s partition n1,n2 | n3,n4,n5",
			"2.320 s n3 became leader in term 2",
			"5.000 s heal",
		},
	}
	commit := uint64(0)
	for id := uint64(1); id <= 5; id++ {
		run.Samples = append(run.Samples, Sample{At: 0, Node: id, Role: RoleFollower})
	}
	run.Samples = append(run.Samples,
		Sample{At: 150 * ms, Node: 1, Role: RolePreCandidate},
		Sample{At: 155 * ms, Node: 1, Role: RoleCandidate, Term: 1},
		Sample{At: 160 * ms, Node: 1, Role: RoleLeader, Term: 1, Commit: 1},
	)
	for id := uint64(2); id <= 5; id++ {
		run.Samples = append(run.Samples, Sample{At: 158 * ms, Node: id, Role: RoleFollower, Term: 1})
	}
	// Commit advances every 100 ms; the minority stalls during the partition.
	for at := 200 * ms; at <= 7*s; at += 100 * ms {
		commit++
		for id := uint64(1); id <= 5; id++ {
			role, term := RoleFollower, uint64(1)
			switch {
			case at < 2*s:
				if id == 1 {
					role = RoleLeader
				}
			case at < 2300*ms:
				if id == 1 {
					role = RoleLeader
				}
			case at < 5*s:
				term = 2
				if id <= 2 {
					term = 1
					if id == 1 {
						role = RoleLeader
					}
				} else if id == 3 {
					role = RoleLeader
				}
			default:
				term = 2
				if id == 3 {
					role = RoleLeader
				}
			}
			c := commit
			if id <= 2 && at >= 2*s && at < 5*s {
				c = 19 // stuck at what was committed before the partition
			}
			if id == 4 && at >= 5*s+500*ms && at < 6*s {
				role = RolePaused
			}
			run.Samples = append(run.Samples, Sample{At: at, Node: id, Role: role, Term: term, Commit: c})
		}
	}
	run.Samples = append(run.Samples,
		Sample{At: 2300 * ms, Node: 3, Role: RolePreCandidate, Term: 1, Commit: 19},
		Sample{At: 2310 * ms, Node: 3, Role: RoleCandidate, Term: 2, Commit: 19},
	)
	for at, i := 10*ms, 0; at < 7*s; at, i = at+40*ms, i+1 {
		client := i % 3
		op := OpPoint{Client: client, Kind: []string{"set", "get", "cas"}[i%3], Call: at, Return: at + 4*ms + int64(i%7)*ms, Outcome: OutcomeOK}
		if client == 0 && at >= 2*s && at < 5*s {
			op.Outcome = OutcomeUnknown
			op.Return = at + 1*s
			if i%2 == 0 {
				op.Outcome = OutcomeFail
				op.Return = at + 300*ms
			}
		}
		run.Ops = append(run.Ops, op)
	}
	run.Ops = append(run.Ops, OpPoint{Client: 0, Kind: "set", Call: 4900 * ms, Return: 0, Outcome: OutcomeUnknown})
	run.Steps = []Step{
		{At: 1 * s, Caption: "A new uncommitted log entry is added to the leader", Logs: []NodeLog{
			{Node: 1, Name: "n1", Role: RoleLeader, Term: 1, Commit: 0, Entries: []LogCell{{Index: 1, Term: 1, Text: "much"}}},
			{Node: 2, Role: RoleFollower, Term: 1},
			{Node: 3, Role: RoleFollower, Term: 1},
			{Node: 4, Role: RoleFollower, Term: 1},
			{Node: 5, Role: RoleFollower, Term: 1},
		}},
		{At: 3 * s, Caption: "Uncommitted entries pile up on the minority leader", Logs: []NodeLog{
			{Node: 1, Role: RoleLeader, Term: 1, Commit: 1, Entries: []LogCell{{Index: 1, Term: 1, Text: "much", Committed: true}, {Index: 2, Term: 1, Text: "so"}}},
			{Node: 2, Role: RoleFollower, Term: 1, Commit: 1, Entries: []LogCell{{Index: 1, Term: 1, Text: "much", Committed: true}, {Index: 2, Term: 1, Text: "so"}}},
			{Node: 3, Role: RoleLeader, Term: 2, Commit: 2, Entries: []LogCell{{Index: 1, Term: 1, Text: "much", Committed: true}, {Index: 2, Term: 2, Text: "wow", Committed: true}}},
			{Node: 4, Role: RoleFollower, Term: 2, Commit: 2, Entries: []LogCell{{Index: 1, Term: 1, Text: "much", Committed: true}, {Index: 2, Term: 2, Text: "wow", Committed: true}}},
			{Node: 5, Role: RoleFollower, Term: 2, Commit: 1, Entries: []LogCell{{Index: 1, Term: 1, Text: "much", Committed: true}, {Index: 2, Term: 2, Text: "wow"}}},
		}},
	}
	return run
}

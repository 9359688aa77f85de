// Package scenarios holds raftlab's lab verdicts as Go tests: every story file in stories/ must
// pass (TestStories), runs replay exactly (TestStoryReplay), and the randomized chaos suites of
// package suite find no violation on correct code and find each known bug
// (`go test ./scenarios/...`; RAFTLAB_SEEDS=N widens every sweep).
package scenarios

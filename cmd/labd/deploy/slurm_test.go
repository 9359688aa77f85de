package deploy

import (
	"debug/buildinfo"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The Slurm test sweeps a few hundred seeds of a known-bug suite (about a third of them fail, so the
// verdicts differ from seed to seed and the failing seeds' reports travel through the merge) in
// slurmShards shards.
const (
	slurmSuite  = "bug-vote-without-log-check"
	slurmSeeds  = "1..200"
	slurmShards = 4
	// allowNoSlurmEnv, set to 1, lets the Slurm test skip where Slurm is not installed. CI sets
	// nothing: .ci/run installs and starts Slurm (slurm/start-local.sh), and the test must run.
	allowNoSlurmEnv = "RAFTLAB_ALLOW_NO_SLURM"
	// slurmWait bounds the wait for the jobs.
	slurmWait = 5 * time.Minute
)

// TestSlurmJobArrayMergesIntoTheOneMachineSweep submits the sweep's job array (slurm/sweep.sh: one
// task per shard, then the merge job after them) to a real Slurm, waits, and checks that the merged
// sweep has, seed by seed, the verdicts, trace hashes, checked operations, problems and replay
// commands of the same sweep run on one machine, with the same code version, and that every failing
// seed's report came along and replays.
func TestSlurmJobArrayMergesIntoTheOneMachineSweep(t *testing.T) {
	requireSlurm(t)
	labd, env := labdBinary(t)
	out := t.TempDir()

	submit := exec.Command("bash", filepath.Join("slurm", "sweep.sh"), slurmSuite, slurmSeeds, fmt.Sprint(slurmShards), out)
	submit.Env = append(os.Environ(), append(env, "LABD="+labd)...)
	text, err := submit.CombinedOutput()
	require.NoError(t, err, "sweep.sh:\n%s", text)
	ids := regexp.MustCompile(`(?m)^jobs (\d+) (\d+)$`).FindStringSubmatch(string(text))
	require.NotNil(t, ids, "sweep.sh prints the job ids:\n%s", text)
	arrayJob, mergeJob := ids[1], ids[2]
	t.Cleanup(func() { _ = exec.Command("scancel", arrayJob, mergeJob).Run() })
	waitForJob(t, mergeJob, out)

	mergeLog, err := os.ReadFile(filepath.Join(out, "logs", "merge.log"))
	require.NoError(t, err)
	assert.Contains(t, string(mergeLog), fmt.Sprintf("sweep %s, seeds %s, merged from %d shards", slurmSuite, slurmSeeds, slurmShards))
	for i := range slurmShards {
		assert.FileExists(t, filepath.Join(out, "logs", fmt.Sprintf("shard-%d.log", i)), "one array task per shard")
	}

	one := filepath.Join(t.TempDir(), "one")
	sweep := exec.Command(labd, "sweep", slurmSuite, "--seeds", slurmSeeds, "--reports", "none", "--out", one)
	sweep.Env = append(os.Environ(), env...)
	text, err = sweep.CombinedOutput()
	require.NoError(t, err, "the one-machine sweep finds the known bug:\n%s", lastLines(string(text), 20))

	merged := readResult(t, filepath.Join(out, "merged"))
	alone := readResult(t, one)
	require.Len(t, merged["results"], 200, "one result per seed")
	assert.Len(t, merged["mergedShards"], slurmShards)
	assert.Equal(t, alone["version"], merged["version"], "the same binary ran everywhere")
	if info, err := buildinfo.ReadFile(labd); err == nil {
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" {
				assert.Equal(t, s.Value, merged["version"].(map[string]any)["revision"], "the build's VCS revision is recorded")
			}
		}
	}
	failed := merged["failedSeeds"].([]any)
	require.NotEmpty(t, failed, "some seeds found the bug")
	assert.Less(t, len(failed), 200, "and some did not")
	for _, seed := range failed {
		seedDir := filepath.Join(out, "merged", fmt.Sprintf("seed-%v", seed))
		assert.FileExists(t, filepath.Join(seedDir, "run.json"), "a failing seed keeps its report")
		assert.FileExists(t, filepath.Join(seedDir, "history.jsonl"))
	}
	assert.Equal(t, whatSeedsDecide(alone), whatSeedsDecide(merged))

	replay := exec.Command(labd, "replay", filepath.Join(out, "merged", fmt.Sprintf("seed-%v", failed[0])))
	text, err = replay.CombinedOutput()
	require.NoError(t, err, "%s", text)
	assert.Contains(t, string(text), "replayed bit-for-bit")
}

// requireSlurm fails the test unless a Slurm controller answers here; it skips only where Slurm is
// not installed and allowNoSlurmEnv allows it.
func requireSlurm(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("sbatch"); err != nil {
		if os.Getenv(allowNoSlurmEnv) == "1" {
			t.Skipf("Slurm is not installed and %s=1", allowNoSlurmEnv)
		}
		t.Fatalf("Slurm is not installed (no sbatch on PATH): run cmd/labd/deploy/slurm/start-local.sh as root, as .ci/run does, or set %s=1 to skip this test", allowNoSlurmEnv)
	}
	text, err := exec.Command("scontrol", "ping").CombinedOutput()
	if err != nil || !strings.Contains(string(text), "is UP") {
		t.Fatalf("Slurm is installed but its controller does not answer (scontrol ping: %v: %s): start it with cmd/labd/deploy/slurm/start-local.sh as root", err, strings.TrimSpace(string(text)))
	}
}

// waitForJob waits until Slurm job id completed; a job that failed, or waits on shards that failed,
// fails the test with the jobs' logs.
func waitForJob(t *testing.T, id, out string) {
	t.Helper()
	deadline := time.Now().Add(slurmWait)
	for {
		text, err := exec.Command("scontrol", "show", "job", "-o", id).CombinedOutput()
		state := regexp.MustCompile(`JobState=(\S+)`).FindStringSubmatch(string(text))
		switch {
		case err != nil && strings.Contains(string(text), "Invalid job id"):
			// Slurm forgot the finished job (MinJobAge): its result tells how it went.
			require.FileExists(t, filepath.Join(out, "merged", "sweep.json"), "job %s is gone without a merged result:\n%s", id, jobLogs(out))
			return
		case err != nil:
			t.Fatalf("scontrol show job %s: %v: %s", id, err, text)
		case state != nil && state[1] == "COMPLETED":
			return
		case state != nil && state[1] != "PENDING" && state[1] != "RUNNING" && state[1] != "CONFIGURING" && state[1] != "COMPLETING":
			t.Fatalf("merge job %s ended %s:\n%s\n%s", id, state[1], text, jobLogs(out))
		case strings.Contains(string(text), "Reason=DependencyNeverSatisfied"):
			t.Fatalf("merge job %s will never run: a shard failed:\n%s", id, jobLogs(out))
		case time.Now().After(deadline):
			queue, _ := exec.Command("squeue").CombinedOutput()
			t.Fatalf("merge job %s not done after %s:\n%s\n%s\n%s", id, slurmWait, text, queue, jobLogs(out))
		}
		time.Sleep(time.Second)
	}
}

// jobLogs is the end of every job log of the sweep.
func jobLogs(out string) string {
	files, _ := filepath.Glob(filepath.Join(out, "logs", "*.log"))
	var b strings.Builder
	for _, f := range files {
		data, _ := os.ReadFile(f)
		fmt.Fprintf(&b, "== %s\n%s\n", f, lastLines(string(data), 15))
	}
	return b.String()
}

// lastLines is the last n lines of text.
func lastLines(text string, n int) string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// readResult reads a sweep's sweep.json as JSON values: the test compares every field labd writes,
// including fields added after it was written.
func readResult(t *testing.T, dir string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "sweep.json"))
	require.NoError(t, err)
	var rec map[string]any
	require.NoError(t, json.Unmarshal(data, &rec))
	return rec
}

// whatSeedsDecide drops from a sweep result where and how long it ran (shards, wall times) and
// which seeds got a report: what is left is what the seeds and the code decide.
func whatSeedsDecide(rec map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range rec {
		switch k {
		case "shard", "mergedShards", "wallNs":
		case "results":
			var results []any
			for _, r := range v.([]any) {
				seed := map[string]any{}
				for rk, rv := range r.(map[string]any) {
					if rk != "wallNs" && rk != "report" {
						seed[rk] = rv
					}
				}
				results = append(results, seed)
			}
			out[k] = results
		default:
			out[k] = v
		}
	}
	return out
}

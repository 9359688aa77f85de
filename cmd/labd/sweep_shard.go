package main

import (
	"fmt"
	"strconv"
	"strings"
)

// shardSpec is one share of a sweep's seeds: shard Index of Count (0 <= Index < Count), as a Slurm
// array task (SLURM_ARRAY_TASK_ID) or a Kubernetes Indexed Job pod (JOB_COMPLETION_INDEX) numbers it.
type shardSpec struct {
	Index, Count int
}

// parseShard parses `--shard i/n`.
func parseShard(text string) (shardSpec, error) {
	i, n, ok := strings.Cut(strings.TrimSpace(text), "/")
	index, errI := strconv.Atoi(strings.TrimSpace(i))
	count, errN := strconv.Atoi(strings.TrimSpace(n))
	if !ok || errI != nil || errN != nil {
		return shardSpec{}, fmt.Errorf("shard %q: want i/n, shard i of n counted from 0 (0/4 … 3/4)", text)
	}
	if count < 1 || index < 0 || index >= count {
		return shardSpec{}, fmt.Errorf("shard %q: want 0 <= i < n", text)
	}
	return shardSpec{Index: index, Count: count}, nil
}

// String formats the shard as i/n.
func (s shardSpec) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// shardOf is the seeds shard s runs out of r. Shards are contiguous: shard i runs the i-th of Count
// consecutive slices of r, whose sizes differ by at most one, so the shards of
// a range cover it exactly once, in order, and each shard is itself a range (its seed reports and
// replay commands read like a small sweep's). It refuses more shards than seeds.
func (r seedRange) shardOf(s shardSpec) (seedRange, error) {
	n := uint64(r.Len())
	if uint64(s.Count) > n {
		return seedRange{}, fmt.Errorf("shard %s: %d shards of %d seeds (%s) leave a shard without a seed; use at most %d shards",
			s, s.Count, n, r, n)
	}
	from := r.From + n*uint64(s.Index)/uint64(s.Count)
	to := r.From + n*uint64(s.Index+1)/uint64(s.Count) - 1
	return seedRange{From: from, To: to}, nil
}

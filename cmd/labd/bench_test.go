package main

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/raftlab/raftlab/scenarios/suite"
	"github.com/stretchr/testify/require"
)

// BenchmarkRunMuchWowCool measures `labd run much-wow-cool` without the printing: the story and its
// report. virtual-s/s is how much faster than real time the lab simulates.
func BenchmarkRunMuchWowCool(b *testing.B) {
	src, err := loadStory("much-wow-cool")
	require.NoError(b, err)
	job := storyJob{Source: src}
	dir := b.TempDir()
	var virtual time.Duration
	for i := 0; b.Loop(); i++ {
		res, err := job.execute(nil)
		require.NoError(b, err)
		_, err = writeStoryReport(filepath.Join(dir, "r"), job, res)
		require.NoError(b, err)
		virtual += time.Duration(res.VirtualTime)
	}
	b.ReportMetric(virtual.Seconds()/b.Elapsed().Seconds(), "virtual-s/s")
}

// BenchmarkSweepSeeds measures a sweep over 8 seeds of register-partitions on every core.
func BenchmarkSweepSeeds(b *testing.B) {
	s, err := suite.Lookup("register-partitions")
	require.NoError(b, err)
	seeds := seedRange{From: 1, To: 8}
	var runs int
	for b.Loop() {
		out := sweepSeeds(seeds, 0, s.Run, nil)
		runs += len(out)
	}
	b.ReportMetric(float64(runs)/b.Elapsed().Seconds(), "runs/s")
}

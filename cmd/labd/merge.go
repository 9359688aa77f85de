package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// errMerge marks a set of shards that do not make one sweep.
var errMerge = errors.New("cannot merge")

// shardInput is one shard's result and where it was read from.
type shardInput struct {
	Rec sweepRecord
	// Dir holds the shard's sweep.json and its seed reports; File is its sweep.json, for messages.
	Dir, File string
}

// shardAgreement is one thing every shard of a sweep has in common.
type shardAgreement struct {
	what  string // plural, for "shards of different …"
	value func(sweepRecord) string
}

// shardAgreements are what the shards of one sweep must share: the same suite or story with the
// same bug, the same seeds cut in the same number of shards, run by the same code.
var shardAgreements = []shardAgreement{
	{"suites or stories", func(r sweepRecord) string {
		if r.Story != "" {
			return "story " + r.Story
		}
		return "suite " + r.Suite
	}},
	{"bugs", func(r sweepRecord) string {
		if r.Bug == "" {
			return "no bug"
		}
		return "bug " + r.Bug
	}},
	{"seed ranges", func(r sweepRecord) string { return "seeds " + r.Seeds }},
	{"shard counts", func(r sweepRecord) string { return fmt.Sprintf("%d shards", r.Shard.Count) }},
	// String names every field of the version, so equal strings are equal versions.
	{"code versions", func(r sweepRecord) string { return r.Version.String() }},
}

// mergeShards checks that inputs are every shard of one sweep, each once, and joins them into the
// whole sweep's result, seeds in order.
func mergeShards(inputs []shardInput) (sweepRecord, error) {
	for _, in := range inputs {
		if in.Rec.Shard == nil {
			return sweepRecord{}, fmt.Errorf("%w: %s is not a shard (a sweep run without --shard, or a merged one); merge the directories of labd sweep --shard I/N", errMerge, in.File)
		}
	}
	first := inputs[0]
	for _, in := range inputs[1:] {
		for _, a := range shardAgreements {
			if want, got := a.value(first.Rec), a.value(in.Rec); want != got {
				return sweepRecord{}, fmt.Errorf("%w: shards of different %s: %s has %s, %s has %s", errMerge, a.what, first.File, want, in.File, got)
			}
		}
	}
	seeds, err := parseSeedRange(first.Rec.Seeds)
	if err != nil {
		return sweepRecord{}, fmt.Errorf("%w: %s: %w", errMerge, first.File, err)
	}
	count := first.Rec.Shard.Count
	byIndex := make([]*shardInput, count)
	for i := range inputs {
		in := &inputs[i]
		if err := checkShardSeeds(*in, seeds); err != nil {
			return sweepRecord{}, err
		}
		if prev := byIndex[in.Rec.Shard.Index]; prev != nil {
			return sweepRecord{}, fmt.Errorf("%w: shard %s given twice: %s and %s", errMerge, in.Rec.Shard.spec(), prev.File, in.File)
		}
		byIndex[in.Rec.Shard.Index] = in
	}
	if missing := missingShards(byIndex, seeds); missing != "" {
		return sweepRecord{}, fmt.Errorf("%w: missing %s; have %s", errMerge, missing, presentShards(byIndex))
	}

	merged := first.Rec
	merged.Shard, merged.Results, merged.WallNs, merged.Marks = nil, nil, 0, map[string]uint64{}
	for _, in := range byIndex {
		merged.MergedShards = append(merged.MergedShards, *in.Rec.Shard)
		addMarkCounts(merged.Marks, in.Rec.Marks)
		merged.Results = append(merged.Results, in.Rec.Results...)
		merged.WallNs += in.Rec.Shard.WallNs
	}
	merged.count()
	return merged, nil
}

// checkShardSeeds checks that a shard holds exactly the seeds its index stands for, each once, in order.
func checkShardSeeds(in shardInput, seeds seedRange) error {
	spec := in.Rec.Shard.spec()
	if spec.Index < 0 || spec.Index >= spec.Count {
		return fmt.Errorf("%w: %s: shard %s is no shard", errMerge, in.File, spec)
	}
	want, err := seeds.shardOf(spec)
	if err != nil {
		return fmt.Errorf("%w: %s: %w", errMerge, in.File, err)
	}
	if in.Rec.Shard.Seeds != want.String() {
		return fmt.Errorf("%w: %s: shard %s of seeds %s should hold seeds %s, it holds %s", errMerge, in.File, spec, seeds, want, in.Rec.Shard.Seeds)
	}
	if len(in.Rec.Results) != want.Len() {
		return fmt.Errorf("%w: %s: shard %s has %d results for the %d seeds %s", errMerge, in.File, spec, len(in.Rec.Results), want.Len(), want)
	}
	for i, r := range in.Rec.Results {
		if r.Seed != want.From+uint64(i) {
			return fmt.Errorf("%w: %s: shard %s lists seed %d where seed %d belongs", errMerge, in.File, spec, r.Seed, want.From+uint64(i))
		}
	}
	return nil
}

// missingShards names the shards not given, with their seeds: "shards 1/4 (seeds 26..50), 3/4 (seeds 76..100)".
func missingShards(byIndex []*shardInput, seeds seedRange) string {
	var names []string
	for i, in := range byIndex {
		if in == nil {
			spec := shardSpec{Index: i, Count: len(byIndex)}
			share, _ := seeds.shardOf(spec)
			names = append(names, fmt.Sprintf("%s (seeds %s)", spec, share))
		}
	}
	if len(names) == 0 {
		return ""
	}
	word := "shards"
	if len(names) == 1 {
		word = "shard"
	}
	return word + " " + strings.Join(names, ", ")
}

// presentShards lists the shards given with their files: "0/4 (a/sweep.json), 2/4 (c/sweep.json)".
func presentShards(byIndex []*shardInput) string {
	var names []string
	for _, in := range byIndex {
		if in != nil {
			names = append(names, fmt.Sprintf("%s (%s)", in.Rec.Shard.spec(), in.File))
		}
	}
	return strings.Join(names, ", ")
}

// copySeedReports copies every seed report the shards kept into dir, where the merged page links them.
func copySeedReports(dir string, inputs []shardInput) error {
	for _, in := range inputs {
		for _, r := range in.Rec.Results {
			if r.Report == "" {
				continue
			}
			if !filepath.IsLocal(r.Report) {
				return fmt.Errorf("%w: %s: seed %d's report %q lies outside the shard's directory", errMerge, in.File, r.Seed, r.Report)
			}
			src, dst := filepath.Join(in.Dir, r.Report), filepath.Join(dir, r.Report)
			if err := os.RemoveAll(dst); err != nil {
				return fmt.Errorf("replace %s: %w", dst, err)
			}
			if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
				return fmt.Errorf("copy seed %d's report from %s: %w", r.Seed, src, err)
			}
		}
	}
	return nil
}

// isOneOf says whether dir is one of the shard directories.
func isOneOf(dir string, inputs []shardInput) bool {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return false
	}
	return slices.ContainsFunc(inputs, func(in shardInput) bool {
		a, err := filepath.Abs(in.Dir)
		return err == nil && a == abs
	})
}

package main

import (
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseShard(t *testing.T) {
	good := map[string]shardSpec{"0/1": {0, 1}, "0/4": {0, 4}, "3/4": {3, 4}, " 2 / 5 ": {2, 5}}
	for text, want := range good {
		got, err := parseShard(text)
		require.NoError(t, err, text)
		assert.Equal(t, want, got, text)
	}
	for _, text := range []string{"", "1", "4/4", "5/4", "-1/4", "0/0", "1/-2", "a/b", "1/2/3"} {
		_, err := parseShard(text)
		assert.Error(t, err, text)
	}
}

// TestShardsCoverTheSeedsExactlyOnce: the shards of a range are contiguous, in order, cover it with
// no seed left out or run twice, and differ in size by at most one.
func TestShardsCoverTheSeedsExactlyOnce(t *testing.T) {
	cases := []struct {
		seeds seedRange
		count int
	}{
		{seedRange{1, 400}, 4}, {seedRange{1, 10}, 4}, {seedRange{7, 7}, 1}, {seedRange{0, 99}, 7},
		{seedRange{5, 9}, 5}, {seedRange{1, 1_000_000}, 3}, {seedRange{1<<63 - 10, 1<<63 + 10}, 6},
	}
	for _, tc := range cases {
		next := tc.seeds.From
		minLen, maxLen := tc.seeds.Len(), 0
		for i := range tc.count {
			share, err := tc.seeds.shardOf(shardSpec{Index: i, Count: tc.count})
			require.NoError(t, err)
			assert.Equal(t, next, share.From, "%v shard %d/%d starts where the previous ended", tc.seeds, i, tc.count)
			require.LessOrEqual(t, share.From, share.To, "%v shard %d/%d holds a seed", tc.seeds, i, tc.count)
			next = share.To + 1
			minLen, maxLen = min(minLen, share.Len()), max(maxLen, share.Len())
		}
		assert.Equal(t, tc.seeds.To+1, next, "%v in %d shards ends at the last seed", tc.seeds, tc.count)
		assert.LessOrEqual(t, maxLen-minLen, 1, "%v in %d shards", tc.seeds, tc.count)
	}
	_, err := seedRange{1, 3}.shardOf(shardSpec{Index: 0, Count: 4})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "4 shards of 3 seeds (1..3) leave a shard without a seed; use at most 3 shards")
}

func TestSweepShardUsageErrors(t *testing.T) {
	r := runLabd(t, "sweep", "register-partitions", "--seeds", "1..8", "--shard", "4/4")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, `shard "4/4": want 0 <= i < n`)
	r = runLabd(t, "sweep", "register-partitions", "--seeds", "1..3", "--shard", "0/5")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "use at most 3 shards")
}

func TestVersionFromBuild(t *testing.T) {
	info := &debug.BuildInfo{GoVersion: "go1.26.8", Settings: []debug.BuildSetting{
		{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: "0123abcd"}, {Key: "vcs.modified", Value: "true"},
	}}
	v := versionFromBuild(info, "nightly")
	assert.Equal(t, codeVersion{Revision: "0123abcd", Modified: true, Tag: "nightly", Go: "go1.26.8"}, v)
	assert.Equal(t, "revision 0123abcd (modified), tag nightly, go1.26.8", v.String())
	assert.True(t, v.known())

	bare := versionFromBuild(&debug.BuildInfo{GoVersion: "go1.26.8"}, "")
	assert.False(t, bare.known())
	assert.Equal(t, "no revision or tag, go1.26.8", bare.String())
}

func TestVersionTagFromTheEnvironment(t *testing.T) {
	t.Setenv(versionTagEnv, " image-42 ")
	assert.Equal(t, "image-42", versionTag(""))
	assert.Equal(t, "flag", versionTag("flag"), "the flag wins")
}

package main

import (
	"strings"
	"testing"

	"github.com/raftlab/raftlab/scenarios/suite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestListShowsStoriesSuitesAndBugs(t *testing.T) {
	r := runLabd(t, "list")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Regexp(t, `(?m)^  much-wow-cool +RAFT - Log Replication \(with network partitions\)$`, r.stdout)
	for _, name := range embeddedStoryNames() {
		assert.Contains(t, r.stdout, "  "+name+" ")
	}
	for _, s := range suite.List() {
		assert.Contains(t, r.stdout, "  "+s.Name+" ")
	}
	for _, b := range bugNames() {
		assert.Contains(t, r.stdout, b)
	}
	for _, line := range strings.Split(r.stdout, "\n") {
		assert.LessOrEqual(t, len([]rune(line)), 2+27+2+maxDocLen+20, "one short line each: %q", line)
	}
}

func TestLoadStory(t *testing.T) {
	src, err := loadStory("much-wow-cool")
	require.NoError(t, err)
	assert.Equal(t, "scenarios/stories/much-wow-cool.story", src.File)
	assert.Empty(t, src.Path)
	st, err := src.parse()
	require.NoError(t, err)
	assert.Equal(t, "much-wow-cool", st.Name)

	_, err = loadStory("no-such-story")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `unknown story "no-such-story"; known stories:`)
	assert.Contains(t, err.Error(), "much-wow-cool")

	_, err = loadStory("missing/dir/x.story")
	assert.ErrorContains(t, err, "read story")
}

func TestFirstSentence(t *testing.T) {
	assert.Equal(t, "one register", firstSentence("one register: and more"))
	long := strings.Repeat("word ", 40)
	got := firstSentence(long)
	assert.Equal(t, maxDocLen, len([]rune(got)))
	assert.True(t, strings.HasSuffix(got, "…"))
}

func TestLookupBugAndSuite(t *testing.T) {
	b, err := lookupBug("local-quorum-reads")
	require.NoError(t, err)
	assert.True(t, b.Node.Bugs.LocalQuorumReads)
	b2, err := lookupBug("bug-local-quorum-reads")
	require.NoError(t, err)
	assert.Equal(t, b.Name, b2.Name)
	_, err = lookupBug("typo")
	assert.ErrorContains(t, err, "known bugs: ")

	_, err = lookupSuite("typo")
	assert.ErrorContains(t, err, "known suites: ")
	s, err := lookupSuite("register-partitions")
	require.NoError(t, err)
	withLocal, err := withBug(s, "local-quorum-reads")
	require.NoError(t, err)
	assert.True(t, withLocal.Node.Bugs.LocalQuorumReads)
	assert.True(t, withLocal.KnownBug)
	assert.False(t, s.Node.Bugs.LocalQuorumReads, "the original suite is untouched")
}

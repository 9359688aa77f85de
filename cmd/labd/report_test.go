package main

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMuchWowCoolReportFollowsTheSlides runs the talk's story and reads its report as a person
// would: the outcome first, the slides' logs with each entry's term, "empty log" before the first
// write, and every step at the same time as in the terminal.
func TestMuchWowCoolReportFollowsTheSlides(t *testing.T) {
	src, err := loadStory("much-wow-cool")
	require.NoError(t, err)
	job := storyJob{Source: src}
	var terminal strings.Builder
	res, err := job.execute(&terminal)
	require.NoError(t, err)
	require.True(t, res.Passed, res.Failures)
	files, err := writeStoryReport(t.TempDir(), job, res)
	require.NoError(t, err)
	data, err := os.ReadFile(files.Index)
	require.NoError(t, err)
	page := string(data)

	assert.Regexp(t, `<div class="run-outcome pass" id="outcome">\s*<span class="word">PASSED</span>`, page)
	steps := strings.Split(page, `<div class="step" id="step-`)[1:]
	require.Len(t, steps, 7)
	assert.Equal(t, 5, strings.Count(steps[0], "empty log"), "no node has an entry before the first write")
	entry := regexp.MustCompile(`&#34;(\w+)&#34;<span class="term">(t\d+)</span>`)
	terms := map[string]string{}
	for _, step := range steps {
		for _, m := range entry.FindAllStringSubmatch(step, -1) {
			terms[m[1]] = m[2]
		}
	}
	assert.Equal(t, map[string]string{"much": "t1", "wow": "t1", "cool": "t2"}, terms)
	for i, step := range steps {
		partitioned := i >= 2 && i <= 4 // the slides' partition: from step 3 until the heal of step 6
		assert.Equal(t, partitioned, strings.Contains(step, "in force: partition {n1,n2} {n3,n4,n5}"), "step %d", i+1)
	}
	assert.Contains(t, steps[1], "(etcd index ", "the client's answer names its index")
	assert.Contains(t, steps[1], "commit index 7", "the tables name the commit index")

	terminalTimes := regexp.MustCompile(`(?m)^== \d+\. .*\[t=([0-9.]+ s)\]$`).FindAllStringSubmatch(terminal.String(), -1)
	reportTimes := regexp.MustCompile(`<span class="at">at ([0-9.]+ s)</span>`).FindAllStringSubmatch(page, -1)
	require.Len(t, terminalTimes, 7)
	require.Len(t, reportTimes, 7)
	for i := range terminalTimes {
		assert.Equal(t, terminalTimes[i][1], reportTimes[i][1], "step %d at the same time in the terminal and the report", i+1)
	}
	read := strings.Split(page, "<h2>Story</h2>")[0][strings.Index(page, "<body>"):]
	read = regexp.MustCompile(`<dd id="trace-hash">[0-9a-f]+</dd>`).ReplaceAllString(read, "")
	assert.NotRegexp(t, `\d{7,}`, read, "no nanoseconds anywhere a person reads")
}

package main

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// latencyLogLine is one parsed line of a --latency-log file.
type latencyLogLine struct {
	start   time.Time
	latency time.Duration
	addr    string
}

// readLatencyLog parses a --latency-log file, checking its header.
func readLatencyLog(t *testing.T, path string) []latencyLogLine {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	require.True(t, sc.Scan(), "a header line")
	require.Equal(t, strings.TrimSuffix(latencyLogHeader, "\n"), sc.Text())
	var lines []latencyLogLine
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		require.Len(t, fields, 3, "line %q", sc.Text())
		start, err := strconv.ParseInt(fields[0], 10, 64)
		require.NoError(t, err)
		latency, err := strconv.ParseInt(fields[1], 10, 64)
		require.NoError(t, err)
		lines = append(lines, latencyLogLine{start: time.Unix(0, start), latency: time.Duration(latency), addr: fields[2]})
	}
	require.NoError(t, sc.Err())
	return lines
}

func TestBenchLatencyLogHasEveryAnsweredOperation(t *testing.T) {
	h := newClusterHarness(t, clusterSpec{doors: 3, advertise: func(_ int, doors []string) []string { return doors[1:] }})
	first, second := h.cluster.members[0].doors[1], h.cluster.members[0].doors[2]
	addr := func(d *door) string { return strings.TrimPrefix(d.URL(), "http://") }
	path := filepath.Join(t.TempDir(), "latency.log")

	before := time.Now()
	r := h.run(t, "", "bench", "put", "--clients", "3", "--total", "60", "--val-size", "8", "--key-space", "20",
		"--prefill", "--progress", "0", "--latency-log", path)
	after := time.Now()
	require.Equal(t, 0, r.code, r.stderr)

	lines := readLatencyLog(t, path)
	require.Len(t, lines, 60, "one line per answered operation of the measured run, none of the prefill's")
	perAddr := map[string]int{}
	for i, l := range lines {
		assert.False(t, l.start.Before(before) || l.start.After(after), "line %d starts within the run", i)
		assert.Positive(t, l.latency, "line %d", i)
		assert.False(t, l.start.Add(l.latency).After(after), "line %d ends within the run", i)
		if i > 0 {
			assert.False(t, l.start.Before(lines[i-1].start), "line %d: oldest start first", i)
		}
		perAddr[l.addr]++
	}
	// The prefill's 20 writes went to the doors too: the log holds the other 60, by endpoint.
	assert.Equal(t, 80, first.count("PUT")+second.count("PUT"))
	assert.Len(t, perAddr, 2, "both endpoints answered: %v", perAddr)
	assert.Positive(t, perAddr[addr(first)])
	assert.Positive(t, perAddr[addr(second)])
	assert.Equal(t, 60, perAddr[addr(first)]+perAddr[addr(second)])
}

func TestBenchLatencyLogThatCannotBeWrittenCostsNoRun(t *testing.T) {
	h := newClusterHarness(t, clusterSpec{doors: 2, advertise: func(_ int, doors []string) []string { return doors[1:] }})
	door := h.cluster.members[0].doors[1]
	path := filepath.Join(t.TempDir(), "no-such-dir", "latency.log")

	r := h.run(t, "", "bench", "put", "--clients", "2", "--total", "10", "--progress", "0", "--latency-log", path)
	assert.Equal(t, exitBadArgs, r.code)
	assert.Contains(t, r.stderr, "--latency-log")
	assert.Contains(t, r.stderr, "no such file or directory")
	assert.Zero(t, door.count("PUT"), "no load was sent")
	assert.NoFileExists(t, path)
}

package main

import (
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseProcStat(t *testing.T) {
	tests := []struct {
		name string
		line string
		want time.Duration
	}{
		{"plain", "1234 (kvd) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 9 0 100 0 0", 3250 * time.Millisecond},
		{"name with spaces and parens", "7 (a b) (c)) R 1 7 7 0 -1 0 0 0 0 0 1 2 0 0 20 0 1 0 5 0 0", 30 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseProcStat([]byte(tt.line))
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseProcStatRefusesGarbage(t *testing.T) {
	for _, line := range []string{"", "1 (x) S 1 2", "1 (x) S 1 1 1 0 -1 0 0 0 0 0 a 2 0"} {
		_, err := parseProcStat([]byte(line))
		assert.Error(t, err, line)
	}
}

// TestProcCPUOfThisProcess reads this test's own /proc entry: CPU time never goes backwards.
func TestProcCPUOfThisProcess(t *testing.T) {
	before, err := procCPU(os.Getpid())
	require.NoError(t, err)
	deadline := time.Now().Add(50 * time.Millisecond)
	for n := 0; time.Now().Before(deadline); n++ {
		_ = n * n
	}
	after, err := cpuEach([]int{os.Getpid()})
	require.NoError(t, err)
	assert.GreaterOrEqual(t, after[0], before)
	_, err = procCPU(-1)
	assert.Error(t, err)
}

package checker

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/checker/history"
)

// The v2 fixtures are 1000-op histories of 10 clients on 5 keys with 5% unknown outcomes, made by
// genHistory (seed 42). c10-bad is c10-ok with one quorum read (client 0 on /k03) changed to return a
// value overwritten before it began.
func TestV2Fixtures(t *testing.T) {
	tests := []struct {
		file         string
		linearizable bool
		problem      string
	}{
		{"c10-ok.jsonl", true, ""},
		{"c10-bad.jsonl", false, `no legal point for: client 0 qget /k03 -> "v16"@1`},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", "v2", tt.file))
			require.NoError(t, err)
			defer f.Close()
			ops, err := history.ReadHistory(f)
			require.NoError(t, err)
			require.Len(t, ops, 1000)
			v := Check(ops, Options{})
			assert.Equal(t, tt.linearizable, v.Linearizable, "%q", v.Problems)
			if tt.problem != "" {
				assert.Contains(t, strings.Join(v.Problems, "\n"), tt.problem)
			}
		})
	}
}

package history

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadJepsen(t *testing.T) {
	log := strings.Join([]string{
		"INFO  jepsen.util - 4\t:invoke\t:read\tnil",
		"INFO  jepsen.util - 4\t:ok\t:read\tnil",
		"INFO  jepsen.util - 1   :invoke :write  3", // spaces instead of tabs
		"INFO  jepsen.util - 2\t:invoke\t:cas\t[2 4]",
		"some unrelated log line",
		"INFO  jepsen.util - 1\t:ok\t:write\t3",
		"INFO  jepsen.util - 2\t:fail\t:cas\t[2 4]",
		"INFO  jepsen.util - 0\t:invoke\t:read\tnil",
		"INFO  jepsen.util - 0\t:fail\t:read\t:timed-out",
		"INFO  jepsen.util - 3\t:invoke\t:write\t1",
		"INFO  jepsen.util - 3\t:info\t:write\t:timed-out",
		"INFO  jepsen.util - 4\t:invoke\t:cas\t[3 0]",
		"INFO  jepsen.util - 1\t:invoke\t:read\tnil",
		"INFO  jepsen.util - 1\t:ok\t:read\t3",
	}, "\n")
	ops, err := ReadJepsen(strings.NewReader(log))
	require.NoError(t, err)
	want := []Op{
		{Client: 4, Kind: KindQGet, Key: JepsenKey, Call: 1, Return: 2, Outcome: OutcomeOK},
		{Client: 1, Kind: KindSet, Key: JepsenKey, Value: "3", Call: 3, Return: 6, Outcome: OutcomeOK},
		{Client: 2, Kind: KindCAS, Key: JepsenKey, PrevValue: "2", Value: "4", Call: 4, Return: 7, Outcome: OutcomeFail},
		{Client: 0, Kind: KindQGet, Key: JepsenKey, Call: 8, Return: 9, Outcome: OutcomeUnknown},
		{Client: 3, Kind: KindSet, Key: JepsenKey, Value: "1", Call: 10, Return: 11, Outcome: OutcomeUnknown},
		{Client: 4, Kind: KindCAS, Key: JepsenKey, PrevValue: "3", Value: "0", Call: 12, Return: 15, Outcome: OutcomeUnknown},
		{Client: 1, Kind: KindQGet, Key: JepsenKey, Call: 13, Return: 14, Outcome: OutcomeOK, Found: true, Result: "3"},
	}
	assert.Equal(t, want, ops)
}

func TestReadJepsenRejectsMalformedLines(t *testing.T) {
	tests := []struct{ name, log, wantErr string }{
		{"short", "INFO  jepsen.util - 1 :invoke", "line 1"},
		{"bad process", "INFO  jepsen.util - x :invoke :read nil", `bad process "x"`},
		{"unknown function", "INFO  jepsen.util - 1 :invoke :append 3", `unknown function ":append"`},
		{"bad cas", "INFO  jepsen.util - 1 :invoke :cas [1]", "is not [from to]"},
		{"orphan completion", "INFO  jepsen.util - 1 :ok :read 3", "nothing outstanding"},
		{"double invoke", "INFO  jepsen.util - 1 :invoke :read nil\nINFO  jepsen.util - 1 :invoke :read nil", "line 2"},
		{"mismatched completion", "INFO  jepsen.util - 1 :invoke :read nil\nINFO  jepsen.util - 1 :ok :write 3", "completes :write but invoked :read"},
		{"unknown type", "INFO  jepsen.util - 1 :invoke :read nil\nINFO  jepsen.util - 1 :maybe :read 3", `unknown completion type ":maybe"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadJepsen(strings.NewReader(tt.log))
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrInvalidOp)
			assert.Contains(t, err.Error(), tt.wantErr)
		})
	}
}

func TestReadJepsenSharedLogs(t *testing.T) {
	files, err := filepath.Glob("../testdata/jepsen/*.log")
	require.NoError(t, err)
	if len(files) == 0 {
		t.Skip("no Jepsen logs in ../testdata/jepsen yet")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		ops, err := ReadJepsen(strings.NewReader(string(data)))
		require.NoError(t, err, f)
		invokes := strings.Count(string(data), ":invoke")
		assert.Len(t, ops, invokes, "%s: one op per invocation", f)
		for _, op := range ops {
			require.NoError(t, op.Validate(), "%s: %v", f, op)
		}
	}
}

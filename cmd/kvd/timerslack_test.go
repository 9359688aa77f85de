package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTimerSlackWanted(t *testing.T) {
	tests := []struct {
		name  string
		value string // "" with unset: the variable is not set
		unset bool
		want  time.Duration
		bad   bool
	}{
		{name: "unset: the default", unset: true, want: timerSlackDefault},
		{name: "a duration", value: "250us", want: 250 * time.Microsecond},
		{name: "spaces around it", value: " 1ms ", want: time.Millisecond},
		{name: "the bound", value: "10ms", want: maxTimerSlack},
		{name: "off", value: "off", want: 0},
		{name: "zero", value: "0", want: 0},
		{name: "beyond the bound", value: "11ms", bad: true},
		{name: "negative", value: "-1ms", bad: true},
		{name: "zero with a unit", value: "0s", bad: true},
		{name: "no unit", value: "4", bad: true},
		{name: "empty", value: "", bad: true},
		{name: "words", value: "fast", bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			getenv := func(name string) (string, bool) {
				if name != timerSlackEnv || tt.unset {
					return "", false
				}
				return tt.value, true
			}
			got, err := timerSlackWanted(getenv)
			if tt.bad {
				require.ErrorIs(t, err, errUsage)
				assert.Contains(t, err.Error(), timerSlackEnv)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

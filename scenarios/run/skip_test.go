package run

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWhatADriverCannotDoIsSkippedNeverPassed: the simulator's clients do not read recursively, so
// that read, the expectation about it and a wait for it are skipped, each with its line, and shown
// as skipped in the narrative and the final line; the story neither fails nor counts them as passed.
func TestWhatADriverCannotDoIsSkippedNeverPassed(t *testing.T) {
	st := parse(t, header+`step "one"
wait until leader elected within 5s
get /dir recursive as listing
wait until listing done within 1s
expect listing ok
set /a 1 as w
expect w ok
`)
	res, err := Run(st, Options{})
	require.NoError(t, err)
	assert.True(t, res.Passed, "%q", res.Failures)
	assert.Empty(t, res.Failures)
	require.Len(t, res.Skipped, 3, "%q", res.Skipped)
	assert.Equal(t, "x.story:7: recursive get: the simulator's clients read and delete single keys", res.Skipped[0])
	assert.Equal(t, "x.story:8: wait until listing done: listing was skipped", res.Skipped[1])
	assert.Equal(t, "x.story:9: expect listing: listing was skipped", res.Skipped[2])
	text := strings.Join(res.Narrative, "\n")
	assert.Contains(t, text, "SKIPPED recursive get")
	assert.Contains(t, text, "story x: PASSED, 3 SKIPPED at t=")
}

// TestNotComparableRoleIsSkippedWhereTheDriverCannotHonourTheSetting: a leader expectation that
// fails only because the driver runs check-quorum where the story turned it off is skipped; the
// same expectation fails on a driver that honours the setting.
func TestNotComparableRoleIsSkippedWhereTheDriverCannotHonourTheSetting(t *testing.T) {
	for _, tc := range []struct {
		name        string
		unsupported []Setting
		skipped     bool
	}{
		{"honoured", nil, false},
		{"not honoured", []Setting{{SettingCheckQuorumOff, "always on"}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := parse(t, header+`step "one"
expect n1 is leader
`)
			d, err := newSimDriver(st, st.Seed, Options{})
			require.NoError(t, err)
			res := execute(st, settingsDriver{simDriver: d, unsupported: tc.unsupported}, st.Seed, nil, 0)
			joined := strings.Join(res.Skipped, "\n")
			if tc.skipped {
				assert.Empty(t, res.Failures)
				assert.Contains(t, joined, "x.story:6: expected n1 is leader, got follower (not comparable: the servers always run check-quorum and n1 is cut off from a majority)")
				assert.Contains(t, joined, "x.story: check-quorum off: always on", "the setting is reported once")
				return
			}
			assert.Equal(t, []string{"x.story:6: expected n1 is leader, got follower"}, res.Failures)
			assert.Empty(t, res.Skipped)
		})
	}
}

// settingsDriver is the simulator claiming it cannot honour some settings, with every node cut off
// from the others.
type settingsDriver struct {
	*simDriver
	unsupported []Setting
}

func (d settingsDriver) Describe() DriverInfo {
	info := d.simDriver.Describe()
	info.Unsupported = d.unsupported
	return info
}

func (d settingsDriver) Connected(a, b uint64) bool { return a == b }

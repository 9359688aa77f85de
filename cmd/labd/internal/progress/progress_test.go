package progress

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// fakeClock advances by step at every reading after the first.
type fakeClock struct {
	t    time.Time
	step time.Duration
}

func (c *fakeClock) now() time.Time {
	t := c.t
	c.t = c.t.Add(c.step)
	return t
}

func TestFormat(t *testing.T) {
	cases := []struct {
		done, total, failed int
		eta                 time.Duration
		want                string
	}{
		{412, 1000, 3, 12 * time.Second, "[ 412/1000] 41% 3 failed ETA 12s"},
		{1000, 1000, 0, 0, "[1000/1000] 100% 0 failed"},
		{0, 8, 0, 0, "[0/8] 0% 0 failed"},
		{5, 10, 1, 3*time.Minute + 5*time.Second, "[ 5/10] 50% 1 failed ETA 3m05s"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, Format(c.done, c.total, c.failed, c.eta))
	}
}

func TestFormatDuration(t *testing.T) {
	assert.Equal(t, "850ms", FormatDuration(850*time.Millisecond))
	assert.Equal(t, "12s", FormatDuration(12*time.Second+300*time.Millisecond))
	assert.Equal(t, "3m05s", FormatDuration(3*time.Minute+5*time.Second))
	assert.Equal(t, "2h01m", FormatDuration(2*time.Hour+time.Minute))
}

func TestLineModePrintsOncePerTenth(t *testing.T) {
	var out strings.Builder
	clock := &fakeClock{t: time.Unix(0, 0), step: time.Second}
	l := New(&out, 100, false, clock.now)
	for i := 1; i <= 100; i++ {
		l.Update(i, i/50)
	}
	l.Finish()
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	assert.Len(t, lines, 10)
	assert.Equal(t, "[ 10/100] 10% 0 failed ETA 1m30s", lines[0])
	assert.Equal(t, "[100/100] 100% 2 failed", lines[9])
	assert.NotContains(t, out.String(), "\r")
}

func TestTerminalModeRedrawsInPlace(t *testing.T) {
	var out strings.Builder
	clock := &fakeClock{t: time.Unix(0, 0), step: time.Second}
	l := New(&out, 3, true, clock.now)
	l.Update(1, 1)
	l.Update(2, 1)
	l.Update(3, 1)
	l.Finish()
	second := "[2/3] 66% 1 failed ETA 1s"
	last := "[3/3] 100% 1 failed"
	blank := strings.Repeat(" ", len(second)-len(last))
	assert.Equal(t, "\r[1/3] 33% 1 failed ETA 2s\r"+second+"\r"+last+blank+"\n", out.String())
}

func TestIsTerminalOnAPlainWriter(t *testing.T) {
	assert.False(t, IsTerminal(&strings.Builder{}))
}

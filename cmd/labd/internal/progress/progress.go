// Package progress draws labd's progress line for long sweeps: `[ 412/1000] 41% 3 failed ETA 12s`,
// redrawn in place on a terminal and printed once per tenth of the work otherwise (so logs stay
// short). It knows nothing of what is being run.
package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// Line is a progress line for total units of work. It is not safe for concurrent use: one
// goroutine reports every completion.
type Line struct {
	w        io.Writer
	total    int
	terminal bool
	now      func() time.Time
	start    time.Time
	// printedTenth is the last tenth of the work printed in line mode (0: none yet).
	printedTenth int
	// width is the length of the last line drawn in place, to blank it out when the next is shorter.
	width int
}

// New starts a progress line for total units, drawn in place when terminal is true. now is the
// clock (time.Now in production, a fake in tests).
func New(w io.Writer, total int, terminal bool, now func() time.Time) *Line {
	return &Line{w: w, total: total, terminal: terminal, now: now, start: now()}
}

// IsTerminal says whether w is a character device (a terminal), where the line is redrawn in place.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// Update reports that done units are finished, failed of them failed.
func (l *Line) Update(done, failed int) {
	text := Format(done, l.total, failed, l.eta(done))
	if l.terminal {
		pad := ""
		if n := l.width - len(text); n > 0 {
			pad = strings.Repeat(" ", n)
		}
		l.width = len(text)
		fmt.Fprintf(l.w, "\r%s%s", text, pad)
		return
	}
	tenth := 10
	if l.total > 0 {
		tenth = done * 10 / l.total
	}
	if tenth > l.printedTenth {
		l.printedTenth = tenth
		fmt.Fprintln(l.w, text)
	}
}

// Finish ends the line (a newline after the in-place line on a terminal).
func (l *Line) Finish() {
	if l.terminal && l.width > 0 {
		fmt.Fprintln(l.w)
		l.width = 0
	}
}

// eta estimates the time left from the average time per finished unit so far.
func (l *Line) eta(done int) time.Duration {
	if done <= 0 || done >= l.total {
		return 0
	}
	elapsed := l.now().Sub(l.start)
	return time.Duration(int64(elapsed) / int64(done) * int64(l.total-done))
}

// Format renders one progress line: done out of total (padded to total's width), the percentage,
// the failures and the estimated time left (left out when zero).
func Format(done, total, failed int, eta time.Duration) string {
	width := len(fmt.Sprint(total))
	pct := 100
	if total > 0 {
		pct = done * 100 / total
	}
	s := fmt.Sprintf("[%*d/%d] %d%% %d failed", width, done, total, pct, failed)
	if eta > 0 {
		s += " ETA " + FormatDuration(eta)
	}
	return s
}

// FormatDuration prints a duration rounded for humans: 850ms, 12s, 3m05s, 2h01m.
func FormatDuration(d time.Duration) string {
	switch {
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Round(time.Second)/time.Second))
	case d < time.Hour:
		d = d.Round(time.Second)
		return fmt.Sprintf("%dm%02ds", int(d/time.Minute), int(d%time.Minute/time.Second))
	default:
		d = d.Round(time.Minute)
		return fmt.Sprintf("%dh%02dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
}

// Package human writes the lab's numbers for people: times as "1.160 s" or "2.718 ms" rather than
// nanoseconds, and counts with their noun in the right number ("1 key", "2 keys"). Machine-readable
// files keep the raw numbers; only text meant to be read goes through here.
package human

import (
	"fmt"
	"math"
	"strings"
)

// Seconds writes an instant or a length of time given in nanoseconds as seconds with millisecond
// precision, rounded: "0.015 s", "1.160 s". Every time on a run's clock (when a step ended, when a
// fault struck) is written this way, in the terminal and in the reports alike.
func Seconds(ns int64) string {
	ms := roundDiv(ns, 1_000_000)
	sign := ""
	if ms < 0 {
		sign, ms = "-", -ms
	}
	return fmt.Sprintf("%s%d.%03d s", sign, ms/1000, ms%1000)
}

// Duration writes a length of time given in nanoseconds: below a second in milliseconds with four
// significant digits (1 to 3 decimals: "0.273 ms", "2.718 ms", "27.18 ms", "271.8 ms"), from a second
// on as Seconds does ("1.160 s"). Zero is "0 ms".
func Duration(ns int64) string {
	if ns == 0 {
		return "0 ms"
	}
	abs := ns
	if abs < 0 {
		abs = -abs
	}
	ms := float64(abs) / 1e6
	var text string
	switch {
	case ms < 10 && roundTo(ms, 3) < 10:
		text = fmt.Sprintf("%.3f ms", ms)
	case ms < 100 && roundTo(ms, 2) < 100:
		text = fmt.Sprintf("%.2f ms", ms)
	case ms < 1000 && roundTo(ms, 1) < 1000:
		text = fmt.Sprintf("%.1f ms", ms)
	default:
		return Seconds(ns)
	}
	if ns < 0 {
		return "-" + text
	}
	return text
}

// Interval writes an operation's span on the run's clock, "4.386 s to 4.389 s"; a return before
// the call or at math.MaxInt64 means the operation never returned.
func Interval(call, ret int64) string {
	if ret < call || ret == math.MaxInt64 {
		return Seconds(call) + ", never returned"
	}
	return Seconds(call) + " to " + Seconds(ret)
}

// Count writes n with an English noun in the right number: "1 key", "0 keys", "3 entries",
// "2 processes".
func Count(n int, noun string) string {
	if n == 1 || n == -1 {
		return fmt.Sprintf("%d %s", n, noun)
	}
	return fmt.Sprintf("%d %s", n, pluralOf(noun))
}

// pluralOf is the regular English plural of noun.
func pluralOf(noun string) string {
	switch {
	case strings.HasSuffix(noun, "s"), strings.HasSuffix(noun, "x"), strings.HasSuffix(noun, "ch"),
		strings.HasSuffix(noun, "sh"):
		return noun + "es"
	case strings.HasSuffix(noun, "y") && len(noun) > 1 && !strings.ContainsRune("aeiou", rune(noun[len(noun)-2])):
		return noun[:len(noun)-1] + "ies"
	}
	return noun + "s"
}

// roundDiv divides n by d (> 0), rounding halves away from zero.
func roundDiv(n, d int64) int64 {
	if n < 0 {
		return -((-n + d/2) / d)
	}
	return (n + d/2) / d
}

// roundTo rounds x to the given number of decimals.
func roundTo(x float64, decimals int) float64 {
	p := math.Pow(10, float64(decimals))
	return math.Round(x*p) / p
}

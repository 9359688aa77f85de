package suite

import (
	"sort"
	"strings"
	"time"
)

// mergeTimed merges listings of "at <duration>: what" lines (nemesis.Format's and a script's) into
// one in time order; lines at equal times keep their listing's order, a's first.
func mergeTimed(a, b string) string {
	type line struct {
		at   time.Duration
		text string
	}
	var lines []line
	for _, listing := range []string{a, b} {
		for _, text := range strings.Split(strings.TrimSuffix(listing, "\n"), "\n") {
			if text == "" {
				continue
			}
			at, _ := time.ParseDuration(strings.TrimPrefix(strings.SplitN(text, ":", 2)[0], "at "))
			lines = append(lines, line{at: at, text: text})
		}
	}
	sort.SliceStable(lines, func(i, j int) bool { return lines[i].at < lines[j].at })
	var out strings.Builder
	for _, l := range lines {
		out.WriteString(l.text)
		out.WriteByte('\n')
	}
	return out.String()
}

package main

import (
	"fmt"
	"sort"
	"strings"
)

// maxSuggestions bounds how many names a "did you mean" offers.
const maxSuggestions = 3

// didYouMean is " (did you mean "x"?)" naming the candidates closest to a mistyped name, or ""
// when none is close: a name within a few edits (a third of its length, at least 2), or one that
// starts with or contains what was typed.
func didYouMean(name string, candidates []string) string {
	near := closestNames(name, candidates)
	if len(near) == 0 {
		return ""
	}
	quoted := make([]string, len(near))
	for i, n := range near {
		quoted[i] = fmt.Sprintf("%q", n)
	}
	return " (did you mean " + strings.Join(quoted, " or ") + "?)"
}

// closestNames are the candidates close to name, closest first.
func closestNames(name string, candidates []string) []string {
	typed := strings.ToLower(name)
	if typed == "" {
		return nil
	}
	type scored struct {
		name  string
		score int
	}
	var near []scored
	limit := max(2, len([]rune(typed))/3)
	for _, c := range candidates {
		lc := strings.ToLower(c)
		d := editDistance(typed, lc)
		switch {
		case d <= limit:
		case len(typed) >= 3 && (strings.HasPrefix(lc, typed) || strings.Contains(lc, typed)):
			d = limit + 1 // a fragment of the name: after the near misses
		default:
			continue
		}
		near = append(near, scored{c, d})
	}
	sort.SliceStable(near, func(i, j int) bool {
		if near[i].score != near[j].score {
			return near[i].score < near[j].score
		}
		return near[i].name < near[j].name
	})
	out := make([]string, 0, min(len(near), maxSuggestions))
	for i := 0; i < len(near) && i < maxSuggestions; i++ {
		out = append(out, near[i].name)
	}
	return out
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

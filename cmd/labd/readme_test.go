package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// repoRoot is the module's root, seen from this package.
const repoRoot = "../.."

// TestReadmeLabdExamplesWork: every labd command the README shows names a command labd has, every
// file it checks lies inside the repository (or is a run's output under labd-runs), `labd real`
// is shown, and the documents it links exist.
func TestReadmeLabdExamplesWork(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	require.NoError(t, err)
	readme := string(data)
	cmds := commands()
	seen := map[string]bool{}
	for _, m := range regexp.MustCompile(`go run \./cmd/labd (\w+)([^\n#]*)`).FindAllStringSubmatch(readme, -1) {
		name, args := m[1], strings.Fields(m[2])
		if name != "help" {
			_, ok := cmds[name]
			assert.True(t, ok, "README shows `labd %s`, which labd does not have", name)
		}
		seen[name] = true
		for _, a := range args {
			assert.False(t, strings.HasPrefix(a, "../") || strings.Contains(a, "/../") || strings.HasPrefix(a, "/"),
				"README's `labd %s` points outside the repository: %s", name, a)
		}
		if name == "check" && len(args) > 0 && !strings.HasPrefix(args[0], defaultRunsDir+"/") {
			assert.FileExists(t, filepath.Join(repoRoot, args[0]), "README checks a file the repository has")
		}
	}
	for _, name := range []string{"run", "replay", "sweep", "check", "serve", "real"} {
		assert.True(t, seen[name], "README shows `labd %s`", name)
	}
	for _, link := range regexp.MustCompile(`\]\(([^)#]+\.md)\)`).FindAllStringSubmatch(readme, -1) {
		assert.FileExists(t, filepath.Join(repoRoot, link[1]), "README links %s", link[1])
	}
	assert.Contains(t, readme, "[DESIGN.md](DESIGN.md)")
	assert.Contains(t, readme, "scenarios/story/LANGUAGE.md")
}

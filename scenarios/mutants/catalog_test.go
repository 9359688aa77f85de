package mutants

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// moduleRoot is the repository root, two levels above this package.
const moduleRoot = "../.."

// TestCatalogApplies checks that every mutant still applies exactly once to today's tree and really
// changes it: a cheap guard against edits elsewhere that silently disarm a mutant.
func TestCatalogApplies(t *testing.T) {
	for _, m := range Catalog() {
		t.Run(m.Name, func(t *testing.T) {
			orig, err := os.ReadFile(filepath.Join(moduleRoot, m.File))
			require.NoError(t, err)
			mutated, err := m.ApplyIn(moduleRoot)
			require.NoError(t, err, "the snippet must occur exactly once in %s; update the mutant to the current code", m.File)
			assert.NotEqual(t, string(orig), mutated, "the mutant must change its file")
			assert.NotEmpty(t, m.Bug, "every mutant says what goes wrong")
		})
	}
}

// TestCatalogShape checks the catalog's size, unique names and spread over core's packages.
func TestCatalogShape(t *testing.T) {
	cat := Catalog()
	require.GreaterOrEqual(t, len(cat), 25, "the issue asks for at least 25 mutants")
	names := map[string]bool{}
	perPackage := map[string]int{}
	for _, m := range cat {
		assert.False(t, names[m.Name], "duplicate mutant %s", m.Name)
		names[m.Name] = true
		assert.True(t, strings.HasPrefix(m.Name, m.Package()+"-"), "%s: name starts with its package %s", m.Name, m.Package())
		perPackage[m.Package()]++
	}
	for _, pkg := range []string{"raft", "node", "store", "wal"} {
		assert.GreaterOrEqual(t, perPackage[pkg], 4, "mutants in core/%s", pkg)
	}
	assert.GreaterOrEqual(t, perPackage["v2keys"], 4, "mutants in the API translation (core/v2keys)")
}

func TestApplyRefusesAmbiguousSnippet(t *testing.T) {
	m := Mutant{Name: "x", File: "f.go", Find: "a", Replace: "b"}
	_, err := m.Apply("a a")
	require.ErrorIs(t, err, ErrNotApplicable)
	_, err = m.Apply("c")
	require.ErrorIs(t, err, ErrNotApplicable)
	got, err := m.Apply("xay")
	require.NoError(t, err)
	assert.Equal(t, "xby", got)
}

// TestCatalogBuilds compiles the package of every mutant with its edit swapped in (go build -overlay,
// the tree is untouched): a mutant that no longer compiles would be reported as an error, not a bug.
// It compiles a package per mutant (minutes on a busy machine), so it runs in the mutation job
// (.ci/mutants sets RAFTLAB_MUTANT_BUILDS=1), not on every push.
func TestCatalogBuilds(t *testing.T) {
	if os.Getenv("RAFTLAB_MUTANT_BUILDS") == "" {
		t.Skip("set RAFTLAB_MUTANT_BUILDS=1 to compile every mutant's package")
	}
	root, err := filepath.Abs(moduleRoot)
	require.NoError(t, err)
	dir := t.TempDir()
	for _, m := range Catalog() {
		t.Run(m.Name, func(t *testing.T) {
			mutated, err := m.ApplyIn(root)
			require.NoError(t, err)
			file := filepath.Join(dir, m.Name+".go")
			require.NoError(t, os.WriteFile(file, []byte(mutated), 0o644))
			overlay, err := json.Marshal(map[string]map[string]string{"Replace": {filepath.Join(root, m.File): file}})
			require.NoError(t, err)
			overlayFile := filepath.Join(dir, m.Name+".json")
			require.NoError(t, os.WriteFile(overlayFile, overlay, 0o644))
			cmd := exec.Command("go", "build", "-overlay", overlayFile, "./"+filepath.ToSlash(filepath.Dir(m.File)))
			cmd.Dir = root
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, "%s", out)
		})
	}
}

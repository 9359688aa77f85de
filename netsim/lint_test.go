package netsim

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// deterministicDirs are the packages under the determinism contract (DESIGN.md), relative to this
// one, and what they build on (core/faultpoint, core/internal/msgp). core/wal is in whole: its real
// file system (osfs.go) only forwards to package os behind the FS interface, reading no clock and
// starting no goroutine, and the simulator gives the WAL memfs (core/wal/memfs, linted with it)
// instead. core/v2keys is the keys API's translation, which simulated requests and answers go
// through.
var deterministicDirs = []string{"../core/raft", "../core/store", "../core/node", "../core/wal", "../core/internal/msgp", "../core/faultpoint", "."}

// forbiddenTime are the time functions that read or wait on the wall clock.
var forbiddenTime = map[string]bool{
	"Now": true, "Since": true, "Until": true, "Sleep": true, "After": true, "AfterFunc": true,
	"NewTimer": true, "NewTicker": true, "Tick": true,
}

// allowedRand are the math/rand(/v2) package functions that build seeded generators rather than use
// the global one.
var allowedRand = map[string]bool{
	"New": true, "NewPCG": true, "NewChaCha8": true, "NewSource": true, "NewZipf": true,
}

// determinismViolations lists every contract breach in one Go source file: go statements, wall-clock
// calls and calls of math/rand's global functions.
func determinismViolations(fset *token.FileSet, file *ast.File) []string {
	timeNames, randNames := map[string]bool{}, map[string]bool{}
	for _, imp := range file.Imports {
		path, err := strconv.Unquote(imp.Path.Value)
		if err != nil {
			continue
		}
		name := filepath.Base(path)
		if path == "math/rand/v2" {
			name = "rand"
		}
		if imp.Name != nil {
			name = imp.Name.Name
		}
		switch path {
		case "time":
			timeNames[name] = true
		case "math/rand", "math/rand/v2":
			randNames[name] = true
		}
	}
	var out []string
	report := func(n ast.Node, format string, args ...any) {
		out = append(out, fmt.Sprintf("%s: %s", fset.Position(n.Pos()), fmt.Sprintf(format, args...)))
	}
	for _, imp := range file.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == "math/rand" || p == "math/rand/v2" {
			report(imp, "import %s: seeded generators come from core/rng (or are passed in)", p)
		}
	}
	ast.Inspect(file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.GoStmt:
			report(n, "go statement")
		case *ast.CallExpr:
			sel, ok := n.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			pkg, ok := sel.X.(*ast.Ident)
			if !ok {
				return true
			}
			if timeNames[pkg.Name] && forbiddenTime[sel.Sel.Name] {
				report(n, "wall clock: %s.%s", pkg.Name, sel.Sel.Name)
			}
			if randNames[pkg.Name] && !allowedRand[sel.Sel.Name] {
				report(n, "global random generator: %s.%s", pkg.Name, sel.Sel.Name)
			}
		}
		return true
	})
	return out
}

func TestNoWallClockOrGoroutines(t *testing.T) {
	fset := token.NewFileSet()
	var violations []string
	files := 0
	for _, dir := range deterministicDirs {
		if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) && dir != "." {
			// Packages land one by one; each is checked from the moment it exists.
			t.Logf("%s does not exist yet", dir)
			continue
		}
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && path != dir && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			file, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
			if err != nil {
				return fmt.Errorf("parse %s: %w", path, err)
			}
			files++
			violations = append(violations, determinismViolations(fset, file)...)
			return nil
		})
		require.NoError(t, err, "package directory %s", dir)
	}
	sort.Strings(violations)
	require.Empty(t, violations, "the determinism contract is broken")
	require.Greater(t, files, 5)
}

func TestDeterminismLintCatchesViolations(t *testing.T) {
	src := `package x

import (
	"math/rand"
	r2 "math/rand/v2"
	clock "time"
)

func bad() {
	go func() {}()
	_ = clock.Now()
	clock.Sleep(1)
	<-clock.After(1)
	_ = rand.Intn(3)
	_ = r2.IntN(3)
}

func fine(d clock.Duration) {
	g := r2.New(r2.NewPCG(1, 2))
	_ = g.IntN(3)
	_ = rand.New(rand.NewSource(1))
	_ = clock.Unix(0, 0)
	_ = d.Seconds()
}
`
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "x.go", src, parser.SkipObjectResolution)
	require.NoError(t, err)
	got := determinismViolations(fset, file)
	require.Len(t, got, 8, "%v", got)
	require.Contains(t, got[0], "import math/rand:")
	require.Contains(t, got[1], "import math/rand/v2:")
	require.Contains(t, got[2], "go statement")
	require.Contains(t, got[3], "clock.Now")
	require.Contains(t, got[4], "clock.Sleep")
	require.Contains(t, got[5], "clock.After")
	require.Contains(t, got[6], "rand.Intn")
	require.Contains(t, got[7], "r2.IntN")
}

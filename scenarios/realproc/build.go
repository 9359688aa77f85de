package realproc

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
)

// BuildCommands builds this module's commands (for example "kvd" and "kvctl", under cmd/) into
// dir and returns their paths in the same order. With race set they are built with -race.
func BuildCommands(ctx context.Context, dir string, race bool, names ...string) ([]string, error) {
	root, err := moduleRoot()
	if err != nil {
		return nil, err
	}
	args := []string{"build", "-o", dir + string(filepath.Separator)}
	if race {
		args = append(args, "-race")
	}
	paths := make([]string, len(names))
	for i, name := range names {
		args = append(args, "./cmd/"+name)
		paths[i] = filepath.Join(dir, name)
	}
	cmd := exec.CommandContext(ctx, goTool(), args...)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("realproc: go build %v: %w\n%s", names, err, out)
	}
	return paths, nil
}

// goTool is the go command of the toolchain running the test, else the one on PATH.
func goTool() string {
	p := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return "go"
}

// moduleRoot is the directory of this module's go.mod, found from this source file.
func moduleRoot() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", errors.New("realproc: cannot locate the module root")
	}
	root := filepath.Join(filepath.Dir(file), "..", "..")
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		return "", fmt.Errorf("realproc: module root: %w", err)
	}
	return root, nil
}

package deploy

import (
	"debug/buildinfo"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// built is the labd binary the tests share, built once into a directory TestMain removes.
var built struct {
	once sync.Once
	dir  string
	bin  string
	env  []string
	err  error
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "labd-deploy-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	built.dir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// labdBinary builds labd (once), stamped with its VCS revision where the checkout allows (a plain
// git clone; not a git worktree, which Go does not read), and returns it with the environment that
// tags the build otherwise (LABD_VERSION_TAG, as the Kubernetes image sets it).
func labdBinary(t *testing.T) (string, []string) {
	t.Helper()
	built.once.Do(func() {
		built.bin = filepath.Join(built.dir, "labd")
		build := func(vcs string) ([]byte, error) {
			return exec.Command("go", "build", "-buildvcs="+vcs, "-o", built.bin, "github.com/raftlab/raftlab/cmd/labd").CombinedOutput()
		}
		text, err := build("auto")
		if err != nil && strings.Contains(string(text), "VCS") {
			text, err = build("false")
		}
		if err != nil {
			built.err = fmt.Errorf("go build labd: %w\n%s", err, text)
			return
		}
		info, err := buildinfo.ReadFile(built.bin)
		if err != nil {
			built.err = fmt.Errorf("read labd's build info: %w", err)
			return
		}
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && s.Value != "" {
				return
			}
		}
		built.env = []string{"LABD_VERSION_TAG=deploy-test"}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.bin, built.env
}

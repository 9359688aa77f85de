package checker

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/anishathalye/porcupine"
)

// VisualizationFile is the name of the porcupine HTML Check writes into Options.VisualizeDir.
const VisualizationFile = "history.html"

// selectKeys keeps the keys named.
func selectKeys(keys []keyOps, names []string) []keyOps {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	var out []keyOps
	for _, k := range keys {
		if want[k.name] {
			out = append(out, k)
		}
	}
	return out
}

// visualize writes porcupine's HTML for the given keys (one partition each) into opts.VisualizeDir.
func visualize(keys []keyOps, opts Options) (string, error) {
	var all []porcupine.Operation
	for _, k := range keys {
		all = append(all, k.ops...)
	}
	model := V2Model()
	_, info := porcupine.CheckOperationsVerbose(model, all, opts.Timeout)
	if err := os.MkdirAll(opts.VisualizeDir, 0o755); err != nil {
		return "", fmt.Errorf("create %s: %w", opts.VisualizeDir, err)
	}
	path := filepath.Join(opts.VisualizeDir, VisualizationFile)
	if err := porcupine.VisualizePath(model, info, path); err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	return path, nil
}

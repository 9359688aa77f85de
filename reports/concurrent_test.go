package reports

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A sweep may write several reports at once; Write keeps no shared state.
func TestWriteConcurrentlyIntoSeparateDirs(t *testing.T) {
	root := t.TempDir()
	const writers = 3
	errs := make([]error, writers)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			run := partitionRun()
			run.Seed = int64(i)
			_, errs[i] = Write(filepath.Join(root, fmt.Sprint(i)), run)
		})
	}
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "writer %d", i)
		page := readFile(t, filepath.Join(root, fmt.Sprint(i), IndexFile))
		assert.Equal(t, fmt.Sprint(i), elementText(t, page, "seed"))
	}
}

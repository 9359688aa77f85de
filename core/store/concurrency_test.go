package store

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestConcurrentWatcherRemoval models the HTTP layer dropping watchers (client disconnects) and
// reading stats while the node applies entries; run with -race.
func TestConcurrentWatcherRemoval(t *testing.T) {
	s := New()
	watchers := make([]*Watcher, 50)
	for i := range watchers {
		watchers[i] = mustWatch(t, s, "/k", false, true, 0)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for _, w := range watchers {
			w.Remove()
			_ = s.Stats()
		}
	}()
	for i := 0; i < 200; i++ {
		mustApply(t, s, set("/k", "v"))
	}
	wg.Wait()
	assert.Equal(t, uint64(0), s.Stats().Watchers)
	for _, w := range watchers {
		_, closed := drain(w)
		assert.True(t, closed)
	}
}

package checker

import (
	"context"
	"runtime"
	"sync"
	"time"

	"github.com/anishathalye/porcupine"
)

// checkKeys runs porcupine on every key, a few keys at a time, all within one overall timeout.
func checkKeys(keys []keyOps, timeout time.Duration) []porcupine.CheckResult {
	results := make([]porcupine.CheckResult, len(keys))
	ctx := context.Background()
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	model := searchModel()
	work := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				results[i] = checkOneKey(ctx, model, keys[i].search)
			}
		}()
	}
	for i := range keys {
		work <- i
	}
	close(work)
	wg.Wait()
	return results
}

func checkOneKey(ctx context.Context, model porcupine.Model, ops []porcupine.Operation) porcupine.CheckResult {
	if timeout := remaining(ctx); timeout >= 0 {
		if timeout == 0 {
			return porcupine.Unknown
		}
		return porcupine.CheckOperationsTimeout(model, ops, timeout)
	}
	return porcupine.CheckOperationsTimeout(model, ops, 0)
}

// remaining is the time left before ctx's deadline: -1 without a deadline, 0 when it has passed.
func remaining(ctx context.Context) time.Duration {
	deadline, ok := ctx.Deadline()
	if !ok {
		return -1
	}
	left := time.Until(deadline)
	if left <= 0 {
		return 0
	}
	return left
}

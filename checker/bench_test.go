package checker

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func BenchmarkCheck100k(b *testing.B) {
	ops := genHistory(1, 100_000, 10, 50, 3)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		v := Check(ops, Options{})
		require.True(b, v.Linearizable, v.Problems)
	}
	perCheck := time.Since(start).Seconds() / float64(b.N)
	b.ReportMetric(perCheck, "s/check")
	b.ReportMetric(float64(len(ops))/perCheck, "ops/s")
}

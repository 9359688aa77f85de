package wal

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// sscanfPair is how names were parsed before the direct path: the reference.
func sscanfPair(name, suffix string) (a, b uint64, ok bool) {
	base, found := strings.CutSuffix(name, suffix)
	if !found || len(base) != 33 || base[16] != '-' {
		return 0, 0, false
	}
	if _, err := fmt.Sscanf(base, "%016x-%016x", &a, &b); err != nil {
		return 0, 0, false
	}
	return a, b, true
}

func TestParsePairAgreesWithSscanf(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 2))
	alphabet := "0123456789abcdefABCDEFxX+-_ g"
	var names []string
	for _, v := range []uint64{0, 1, 0xabcdef, 1 << 63, ^uint64(0)} {
		names = append(names, segmentName(v, v>>3), snapshotName(v>>1, v))
	}
	for range 5000 {
		b := []byte(segmentName(rng.Uint64(), rng.Uint64()>>rng.IntN(64)))
		for range rng.IntN(3) {
			b[rng.IntN(33)] = alphabet[rng.IntN(len(alphabet))]
		}
		names = append(names, string(b))
	}
	names = append(names, " 000000000000001-0000000000000002.wal", "0x00000000000001-0000000000000002.wal", "+000000000000001-0000000000000002.wal")
	accepted := 0
	for _, name := range names {
		for _, suffix := range []string{segmentSuffix, snapshotSuffix} {
			a, b, ok := parsePair(name, suffix)
			wa, wb, wok := sscanfPair(name, suffix)
			require.Equal(t, wok, ok, "%q", name)
			require.Equal(t, [2]uint64{wa, wb}, [2]uint64{a, b}, "%q", name)
			if ok {
				accepted++
			}
		}
	}
	require.Greater(t, accepted, 1000, "most names are valid")
	for _, v := range []uint64{0, 0x7f, 1 << 40, ^uint64(0)} {
		a, b, ok := parsePair(segmentName(v, ^v), segmentSuffix)
		require.True(t, ok)
		require.Equal(t, [2]uint64{v, ^v}, [2]uint64{a, b})
	}
}

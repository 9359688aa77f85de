package suite

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestANodeAckingBeforeItsDiskIsCaughtByItsOwnPromises(t *testing.T) {
	s, err := Lookup("bug-ack-before-durable")
	require.NoError(t, err)
	sum, err := s.Run(1)
	require.NoError(t, err)
	require.NotEmpty(t, sum.Promises, "the node's own promises show the bug, whatever the clients saw")
	assert.Contains(t, strings.Join(sum.Promises, "\n"), "a vote must be durable before it is granted")
	assert.Positive(t, sum.PromiseStats.Votes)

	correct, err := s.Correct().Run(1)
	require.NoError(t, err)
	assert.Empty(t, correct.Promises)
	st := correct.PromiseStats
	assert.Positive(t, st.Acks)
	assert.Positive(t, st.Syncs)
	assert.Positive(t, st.Recoveries)
}

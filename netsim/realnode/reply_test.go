package realnode

import (
	"errors"
	"fmt"
	"testing"

	"github.com/raftlab/raftlab/core/store"
	"github.com/stretchr/testify/assert"
)

func TestStoreErrorCodeFindsTheCodeDirectOrWrapped(t *testing.T) {
	notFound := store.NewError(store.EcodeKeyNotFound, "/a", 7)
	cases := []struct {
		name string
		err  error
		want int
	}{
		{"direct", notFound, store.EcodeKeyNotFound},
		{"wrapped", fmt.Errorf("apply: %w", notFound), store.EcodeKeyNotFound},
		{"other", errors.New("timeout"), 0},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, storeErrorCode(c.err), c.name)
		r := memberReply(1, c.err)
		assert.Equal(t, c.want, r.ErrorCode, c.name)
		assert.Equal(t, c.err, r.Err, c.name)
	}
}

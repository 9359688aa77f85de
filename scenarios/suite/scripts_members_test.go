package suite

import (
	"fmt"
	"strings"
	"testing"

	"github.com/raftlab/raftlab/nemesis"
	"github.com/raftlab/raftlab/netsim"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An addition answered with success must show in the membership at the end of the run, even when
// the run ends before checkAdmitted's timeout (v2members-refused-change-answered-success: an
// addition refused by the strict reconfiguration check answered 201 hid behind that timeout).
func TestConfirmedAdditionMustBeAMemberAtTheEnd(t *testing.T) {
	tests := []struct {
		name      string
		confirmed map[uint64]string
		want      string // fragment of a problem, "" for a pass
	}{
		{"confirmed member present", map[uint64]string{1: "n1"}, ""},
		{"confirmed member missing", map[uint64]string{99: "n99"},
			"membership: the addition of n99 was confirmed, but no live node has it as a member at the end of the run"},
		{"missing but removed on purpose", map[uint64]string{98: "n98"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := base("confirmed-additions", "no faults", fixed(netsim.KeysWorkload(3)),
				func(uint64) []nemesis.Scheduled { return nil })
			s.Script = func(sim *netsim.Sim, seed uint64, stop int64) fmt.Stringer {
				return &memberScript{sim: sim, confirmed: tt.confirmed, removing: map[uint64]bool{98: true}}
			}
			sum, err := s.Run(1)
			require.NoError(t, err)
			problems := strings.Join(sum.Problems, "\n")
			if tt.want == "" {
				assert.True(t, sum.Passed, problems)
				return
			}
			assert.False(t, sum.Passed)
			assert.Contains(t, problems, tt.want)
		})
	}
}

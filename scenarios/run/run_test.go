package run

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestMuchWowCoolPasses(t *testing.T) {
	var out strings.Builder
	res, err := File("../stories/much-wow-cool.story", Options{Out: &out})
	require.NoError(t, err)
	if testing.Verbose() {
		os.Stdout.WriteString(out.String())
	}
	require.True(t, res.Passed, "%s", strings.Join(res.Failures, "\n"))
}

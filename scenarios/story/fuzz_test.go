package story

import (
	"bytes"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FuzzParse feeds arbitrary text to the story parser. It must never panic; a refusal is an
// *Error that points at a line of the input (or the scanner's error for an over-long line); an
// accepted story has a name, nodes and statements in line order, and parsing is deterministic.
// Seeds: testdata/fuzz/FuzzParse (shipped stories and broken variants).
func FuzzParse(f *testing.F) {
	f.Add([]byte("story s\ncluster n1 n2 n3\nset /a 1 as w\nexpect w ok\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		st, err := Parse("fuzz.story", bytes.NewReader(src))
		lines := bytes.Count(src, []byte("\n")) + 1
		if err != nil {
			assert.Nil(t, st, "a refused story returns nothing")
			var perr *Error
			if errors.As(err, &perr) {
				assert.Equal(t, "fuzz.story", perr.Pos.File)
				assert.True(t, perr.Pos.Line >= 1 && perr.Pos.Line <= lines, "error line %d outside 1..%d", perr.Pos.Line, lines)
				assert.NotEmpty(t, perr.Msg)
			} else {
				assert.Contains(t, err.Error(), "fuzz.story", "every error names the file")
			}
			return
		}
		require.NotNil(t, st)
		assert.NotEmpty(t, st.Name)
		assert.NotEmpty(t, st.Nodes)
		prev := 0
		for _, s := range st.Stmts {
			assert.True(t, s.Pos.Line > prev && s.Pos.Line <= lines, "statement line %d after %d, input has %d lines", s.Pos.Line, prev, lines)
			prev = s.Pos.Line
		}
		again, err := Parse("fuzz.story", bytes.NewReader(src))
		require.NoError(t, err)
		assert.Equal(t, st, again, "parsing is deterministic")
	})
}

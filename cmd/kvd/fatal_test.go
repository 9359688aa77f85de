package main

import (
	"bytes"
	"context"
	"net"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFatalErrorIsPrintedOnce: a member that cannot start says why once, in the log format it was
// asked for, not once as a log record and again as a plain line.
func TestFatalErrorIsPrintedOnce(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer taken.Close()
	peer := "http://" + taken.Addr().String()
	for _, format := range []string{"json", "text"} {
		t.Run(format, func(t *testing.T) {
			var stderr bytes.Buffer
			args := []string{"--name", "n1", "--data-dir", t.TempDir(), "--log-format", format,
				"--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
				"--listen-client-urls", "http://127.0.0.1:0", "--advertise-client-urls", "http://127.0.0.1:2379",
				"--initial-cluster", "n1=" + peer}
			code := run(context.Background(), args, func(string) (string, bool) { return "", false }, nil, &stderr)
			assert.Equal(t, exitError, code)
			out := stderr.String()
			assert.Equal(t, 1, strings.Count(out, "address already in use"), "the error once:\n%s", out)
			assert.Contains(t, out, "listen on peer URL "+peer)
		})
	}
}

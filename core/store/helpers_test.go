package store

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

// t0 is a fixed clock reading for tests: 2023-11-14T22:13:20Z in unix nanoseconds.
const t0 int64 = 1_700_000_000_000_000_000

// sec is one second in nanoseconds.
const sec int64 = 1_000_000_000

// mustApply applies r and fails the test on error.
func mustApply(t testing.TB, s *Store, r Request) *Event {
	t.Helper()
	e, err := s.Apply(r)
	require.NoError(t, err, "apply %+v", r)
	require.NotNil(t, e)
	return e
}

// applyAll applies every request and fails the test on error.
func applyAll(t testing.TB, s *Store, rs ...Request) {
	t.Helper()
	for _, r := range rs {
		mustApply(t, s, r)
	}
}

// jsonOf marshals v the way the HTTP layer does.
func jsonOf(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// storeErr asserts err is a *Error and returns it.
func storeErr(t testing.TB, err error) *Error {
	t.Helper()
	require.Error(t, err)
	var se *Error
	require.True(t, errors.As(err, &se), "error %v is not a *Error", err)
	return se
}

// set is a plain set request.
func set(key, value string) Request { return Request{Op: OpSet, Key: key, Value: value} }

// mkdir is a set request for a directory.
func mkdir(key string) Request { return Request{Op: OpSet, Key: key, Dir: true} }

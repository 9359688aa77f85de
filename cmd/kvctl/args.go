package main

import (
	"errors"
	"io"
	"time"
)

// errKeyRequired and errValueRequired are etcdctl's bad-argument errors.
var (
	errKeyRequired   = errors.New("key required")
	errValueRequired = errors.New("value required")
)

// key returns the first positional argument or reports "key required".
func (cx *cmdContext) key() (string, bool) {
	if len(cx.args) == 0 {
		return "", false
	}
	return cx.args[0], true
}

// value returns the second positional argument, or all of stdin when it is missing. An empty
// stdin is "value required".
func (cx *cmdContext) value() (string, error) {
	if len(cx.args) > 1 {
		return cx.args[1], nil
	}
	if cx.app.stdin == nil {
		return "", errValueRequired
	}
	b, err := io.ReadAll(cx.app.stdin)
	if err != nil || len(b) == 0 {
		return "", errValueRequired
	}
	return string(b), nil
}

// seconds turns an integer --ttl into a duration (negative values mean none, as in etcdctl).
func seconds(n int) time.Duration {
	return time.Duration(n) * time.Second
}

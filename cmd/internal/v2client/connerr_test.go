package v2client

import (
	"context"
	"errors"
	"net"
	"os"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestIsConnectionError(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	reset := &net.OpError{Op: "write", Net: "tcp", Err: os.NewSyscallError("write", syscall.ECONNREFUSED)}
	noLeader := errors.New("client: etcd member http://a:1 has no leader")
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"dial", refused, true},
		{"refused under another op", reset, true},
		{"read", &net.OpError{Op: "read", Net: "tcp", Err: errors.New("EOF")}, true},
		{"timeout", &net.DNSError{IsTimeout: true}, true},
		{"all endpoints unreachable", &ClusterError{Errors: []error{refused, refused}}, true},
		{"one endpoint answered 503", &ClusterError{Errors: []error{refused, noLeader}}, false},
		{"empty cluster error", &ClusterError{}, false},
		{"key error", &Error{ErrorCode: 100}, false},
		{"cancelled", context.Canceled, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, IsConnectionError(tt.err))
		})
	}
}

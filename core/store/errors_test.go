package store

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestErrorMessagesAndStatus(t *testing.T) {
	cases := []struct {
		code    int
		message string
		status  int
	}{
		{EcodeKeyNotFound, "Key not found", http.StatusNotFound},
		{EcodeTestFailed, "Compare failed", http.StatusPreconditionFailed},
		{EcodeNotFile, "Not a file", http.StatusForbidden},
		{EcodeNoMorePeer, "Reached the max number of peers in the cluster", http.StatusBadRequest},
		{EcodeNotDir, "Not a directory", http.StatusBadRequest},
		{EcodeNodeExist, "Key already exists", http.StatusPreconditionFailed},
		{EcodeKeyIsPreserved, "The prefix of given key is a keyword in etcd", http.StatusBadRequest},
		{EcodeRootROnly, "Root is read only", http.StatusBadRequest},
		{EcodeDirNotEmpty, "Directory not empty", http.StatusForbidden},
		{EcodeExistingPeerAddr, "Peer address has existed", http.StatusBadRequest},
		{EcodeUnauthorized, "The request requires user authentication", http.StatusUnauthorized},
		{EcodeValueRequired, "Value is Required in POST form", http.StatusBadRequest},
		{EcodePrevValueRequired, "PrevValue is Required in POST form", http.StatusBadRequest},
		{EcodeTTLNaN, "The given TTL in POST form is not a number", http.StatusBadRequest},
		{EcodeIndexNaN, "The given index in POST form is not a number", http.StatusBadRequest},
		{EcodeValueOrTTLRequired, "Value or TTL is required in POST form", http.StatusBadRequest},
		{EcodeTimeoutNaN, "The given timeout in POST form is not a number", http.StatusBadRequest},
		{EcodeNameRequired, "Name is required in POST form", http.StatusBadRequest},
		{EcodeIndexOrValueRequired, "Index or value is required", http.StatusBadRequest},
		{EcodeIndexValueMutex, "Index and value cannot both be specified", http.StatusBadRequest},
		{EcodeInvalidField, "Invalid field", http.StatusBadRequest},
		{EcodeInvalidForm, "Invalid POST form", http.StatusBadRequest},
		{EcodeRefreshValue, "Value provided on refresh", http.StatusBadRequest},
		{EcodeRefreshTTLRequired, "A TTL must be provided on refresh", http.StatusBadRequest},
		{EcodeRaftInternal, "Raft Internal Error", http.StatusInternalServerError},
		{EcodeLeaderElect, "During Leader Election", http.StatusInternalServerError},
		{EcodeWatcherCleared, "watcher is cleared due to etcd recovery", http.StatusBadRequest},
		{EcodeEventIndexCleared, "The event in requested index is outdated and cleared", http.StatusBadRequest},
		{EcodeStandbyInternal, "Standby Internal Error", http.StatusBadRequest},
		{EcodeInvalidActiveSize, "Invalid active size", http.StatusBadRequest},
		{EcodeInvalidRemoveDelay, "Standby remove delay", http.StatusBadRequest},
		{EcodeClientInternal, "Client Internal Error", http.StatusBadRequest},
	}
	for _, c := range cases {
		e := NewError(c.code, "cause", 7)
		assert.Equal(t, c.message, e.Message, "code %d", c.code)
		assert.Equal(t, c.status, e.StatusCode(), "code %d", c.code)
	}
}

func TestErrorTextAndJSON(t *testing.T) {
	e := NewError(EcodeKeyNotFound, "/a", 12)
	assert.Equal(t, "100: Key not found (/a) [12]", e.Error())
	assert.Equal(t, `{"errorCode":100,"message":"Key not found","cause":"/a","index":12}`, jsonOf(t, e))

	noCause := NewError(EcodeNotFile, "", 0)
	assert.Equal(t, `{"errorCode":102,"message":"Not a file","index":0}`, jsonOf(t, noCause))

	unknown := NewError(999, "x", 1)
	require.Empty(t, unknown.Message)
	assert.Equal(t, http.StatusBadRequest, unknown.StatusCode())
}

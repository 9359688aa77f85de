package store

import (
	"fmt"
	"net/http"
)

// Error codes of the etcd v2 API (ETCD_V2_API.md §8).
const (
	EcodeKeyNotFound      = 100
	EcodeTestFailed       = 101
	EcodeNotFile          = 102
	EcodeNoMorePeer       = 103
	EcodeNotDir           = 104
	EcodeNodeExist        = 105
	EcodeKeyIsPreserved   = 106
	EcodeRootROnly        = 107
	EcodeDirNotEmpty      = 108
	EcodeExistingPeerAddr = 109
	EcodeUnauthorized     = 110

	EcodeValueRequired        = 200
	EcodePrevValueRequired    = 201
	EcodeTTLNaN               = 202
	EcodeIndexNaN             = 203
	EcodeValueOrTTLRequired   = 204
	EcodeTimeoutNaN           = 205
	EcodeNameRequired         = 206
	EcodeIndexOrValueRequired = 207
	EcodeIndexValueMutex      = 208
	EcodeInvalidField         = 209
	EcodeInvalidForm          = 210
	EcodeRefreshValue         = 211
	EcodeRefreshTTLRequired   = 212

	EcodeRaftInternal = 300
	EcodeLeaderElect  = 301

	EcodeWatcherCleared     = 400
	EcodeEventIndexCleared  = 401
	EcodeStandbyInternal    = 402
	EcodeInvalidActiveSize  = 403
	EcodeInvalidRemoveDelay = 404

	EcodeClientInternal = 500
)

// errorMessage is the fixed message text of code (ETCD_V2_API.md §8), or "" for an unknown code.
func errorMessage(code int) string {
	switch code {
	case EcodeKeyNotFound:
		return "Key not found"
	case EcodeTestFailed:
		return "Compare failed"
	case EcodeNotFile:
		return "Not a file"
	case EcodeNoMorePeer:
		return "Reached the max number of peers in the cluster"
	case EcodeNotDir:
		return "Not a directory"
	case EcodeNodeExist:
		return "Key already exists"
	case EcodeKeyIsPreserved:
		return "The prefix of given key is a keyword in etcd"
	case EcodeRootROnly:
		return "Root is read only"
	case EcodeDirNotEmpty:
		return "Directory not empty"
	case EcodeExistingPeerAddr:
		return "Peer address has existed"
	case EcodeUnauthorized:
		return "The request requires user authentication"
	case EcodeValueRequired:
		return "Value is Required in POST form"
	case EcodePrevValueRequired:
		return "PrevValue is Required in POST form"
	case EcodeTTLNaN:
		return "The given TTL in POST form is not a number"
	case EcodeIndexNaN:
		return "The given index in POST form is not a number"
	case EcodeValueOrTTLRequired:
		return "Value or TTL is required in POST form"
	case EcodeTimeoutNaN:
		return "The given timeout in POST form is not a number"
	case EcodeNameRequired:
		return "Name is required in POST form"
	case EcodeIndexOrValueRequired:
		return "Index or value is required"
	case EcodeIndexValueMutex:
		return "Index and value cannot both be specified"
	case EcodeInvalidField:
		return "Invalid field"
	case EcodeInvalidForm:
		return "Invalid POST form"
	case EcodeRefreshValue:
		return "Value provided on refresh"
	case EcodeRefreshTTLRequired:
		return "A TTL must be provided on refresh"
	case EcodeRaftInternal:
		return "Raft Internal Error"
	case EcodeLeaderElect:
		return "During Leader Election"
	case EcodeWatcherCleared:
		return "watcher is cleared due to etcd recovery"
	case EcodeEventIndexCleared:
		return "The event in requested index is outdated and cleared"
	case EcodeStandbyInternal:
		return "Standby Internal Error"
	case EcodeInvalidActiveSize:
		return "Invalid active size"
	case EcodeInvalidRemoveDelay:
		return "Standby remove delay"
	case EcodeClientInternal:
		return "Client Internal Error"
	default:
		return ""
	}
}

// Error is an etcd v2 key-API error; it marshals to the exact JSON body etcd sends.
type Error struct {
	ErrorCode int    `json:"errorCode"`
	Message   string `json:"message"`
	Cause     string `json:"cause,omitempty"`
	Index     uint64 `json:"index"`
}

// NewError builds the error for code with its fixed message (empty for an unknown code).
func NewError(code int, cause string, index uint64) *Error {
	return &Error{ErrorCode: code, Message: errorMessage(code), Cause: cause, Index: index}
}

// Error renders the error the way client/v2 and etcdctl do: "<code>: <message> (<cause>) [<index>]".
func (e *Error) Error() string {
	return fmt.Sprintf("%d: %s (%s) [%d]", e.ErrorCode, e.Message, e.Cause, e.Index)
}

// StatusCode is the HTTP status etcd answers with for this error (ETCD_V2_API.md §8).
func (e *Error) StatusCode() int {
	switch e.ErrorCode {
	case EcodeKeyNotFound:
		return http.StatusNotFound
	case EcodeNotFile, EcodeDirNotEmpty:
		return http.StatusForbidden
	case EcodeTestFailed, EcodeNodeExist:
		return http.StatusPreconditionFailed
	case EcodeUnauthorized:
		return http.StatusUnauthorized
	case EcodeRaftInternal, EcodeLeaderElect:
		return http.StatusInternalServerError
	default:
		return http.StatusBadRequest
	}
}

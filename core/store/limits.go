package store

import "strconv"

// MaxKeyBytes is the longest key the store accepts, after cleaning (an in-order key counts with its
// generated name). It is a deliberate bound where etcd has none: etcd refuses a request line over
// 4096 bytes only on a connection's first request (its listener reads that line into a 4 KiB
// buffer), so every key a fresh etcd client can send fits, while deep keys can no longer make
// recursive reads and the event history grow with the square of their length. The bound also
// bounds depth: at most MaxKeyBytes/2 levels ("/a/a/...").
const MaxKeyBytes = 4096

// KeyTooLong is the error for a key of length bytes over limit: 400, errorCode 209 (etcd's
// "Invalid field"), the same at the HTTP door and in Apply.
func KeyTooLong(length, limit int, index uint64) *Error {
	return NewError(EcodeInvalidField, "key is too long ("+strconv.Itoa(length)+" bytes > "+strconv.Itoa(limit)+")", index)
}

// checkKeyLength refuses a clean key longer than MaxKeyBytes. Apply checks every key, so an entry
// that reached the log by any path (an older member, a forwarded proposal) cannot grow the tree
// past the bound: every replica refuses it alike.
func (s *Store) checkKeyLength(key string) *Error {
	if len(key) > MaxKeyBytes {
		return KeyTooLong(len(key), MaxKeyBytes, s.index)
	}
	return nil
}

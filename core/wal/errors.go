package wal

import "errors"

var (
	// ErrCorrupt wraps every refusal to recover damaged data: a bad CRC or length in the middle of
	// the log, a missing or out-of-chain segment, an unusable snapshot. The message names the file
	// and byte offset.
	ErrCorrupt = errors.New("wal: corrupt")
	// ErrFailed wraps every error of a WAL that has seen a failed write or fsync; such a WAL
	// accepts nothing more and must be reopened (which recovers what was durable).
	ErrFailed = errors.New("wal: failed, nothing more is accepted")
	// ErrExist is returned by Create when dir already holds a WAL.
	ErrExist = errors.New("wal: already exists")
	// ErrNotExist is returned by Open when dir holds no WAL (no segment, or no dir at all).
	ErrNotExist = errors.New("wal: does not exist")
	// ErrClosed is returned by every method of a closed WAL.
	ErrClosed = errors.New("wal: closed")
	// ErrInvalid wraps rejected input (a gap in the entries, an oversized entry, an empty
	// snapshot). Nothing of that call is written and the WAL stays usable.
	ErrInvalid = errors.New("wal: invalid input")
)

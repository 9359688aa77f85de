package wal

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
)

// recordType tells how to decode a record's payload.
type recordType uint8

// The record types. A segment always starts with a recordSegmentHeader.
const (
	recordSegmentHeader recordType = iota + 1
	recordMetadata
	recordEntries
	recordHardState
	recordSnapshot
)

func (t recordType) String() string {
	switch t {
	case recordSegmentHeader:
		return "segment-header"
	case recordMetadata:
		return "metadata"
	case recordEntries:
		return "entries"
	case recordHardState:
		return "hard-state"
	case recordSnapshot:
		return "snapshot"
	}
	return "unknown"
}

// Frame layout, little endian:
//
//	[0:4)   n = 1 + len(payload)
//	[4:8)   ^n, so a damaged length is told apart from a torn one
//	[8:12)  CRC-32C (Castagnoli) of type and payload
//	[12]    type
//	[13:)   payload (msgpack)
const (
	frameHeaderLen = 12
	// maxRecordLen bounds n; a bigger length field is damage, not data.
	maxRecordLen = 64 << 20
	// maxBatchPayload is the size at which Save splits a batch of entries into several records.
	maxBatchPayload = 16 << 20
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Decoding failures of one frame. They are classified into torn tails and corruption by replay.
var (
	errShortRecord = errors.New("record runs past the end of the file")
	errBadLength   = errors.New("record length field is damaged")
	errBadCRC      = errors.New("record CRC mismatch")
)

// rawRecord is one decoded frame.
type rawRecord struct {
	typ     recordType
	payload []byte
	crc     uint32
}

// bodyCRC is the CRC of a record's body: its type byte followed by its payload, contiguous in a
// frame (so computing it needs no copy of the type byte).
func bodyCRC(body []byte) uint32 {
	return crc32.Checksum(body, castagnoli)
}

// appendFrame appends the frame of one record to buf and returns it with the record's CRC.
func appendFrame(buf []byte, typ recordType, payload []byte) ([]byte, uint32) {
	start := len(buf)
	buf = append(openFrame(buf, typ), payload...)
	return buf, closeFrame(buf[start:])
}

// openFrame appends the header of a frame of type typ, to be completed by closeFrame once its
// payload has been appended after it: a payload is encoded in place, never copied into its frame.
func openFrame(buf []byte, typ recordType) []byte {
	return append(buf, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, byte(typ))
}

// closeFrame fills in the length fields and the CRC of frame, opened by openFrame and holding its
// whole payload, and returns the CRC.
func closeFrame(frame []byte) uint32 {
	n := uint32(len(frame) - frameHeaderLen)
	binary.LittleEndian.PutUint32(frame, n)
	binary.LittleEndian.PutUint32(frame[4:], ^n)
	crc := bodyCRC(frame[frameHeaderLen:])
	binary.LittleEndian.PutUint32(frame[8:], crc)
	return crc
}

// decodeFrame decodes the frame at the start of buf and returns it with its total size. The
// payload aliases buf. On errBadCRC the size is still valid (the length field checked out).
func decodeFrame(buf []byte) (rawRecord, int, error) {
	if len(buf) < frameHeaderLen+1 {
		if len(buf) >= 8 && !lengthValid(buf) {
			return rawRecord{}, 0, errBadLength
		}
		return rawRecord{}, 0, errShortRecord
	}
	if !lengthValid(buf) {
		return rawRecord{}, 0, errBadLength
	}
	n := int(binary.LittleEndian.Uint32(buf))
	size := frameHeaderLen + n
	if len(buf) < size {
		return rawRecord{}, 0, errShortRecord
	}
	rec := rawRecord{
		typ:     recordType(buf[frameHeaderLen]),
		payload: buf[frameHeaderLen+1 : size],
		crc:     binary.LittleEndian.Uint32(buf[8:]),
	}
	if bodyCRC(buf[frameHeaderLen:size]) != rec.crc {
		return rawRecord{}, size, errBadCRC
	}
	return rec, size, nil
}

// lengthValid checks the length field and its complement (buf holds at least 8 bytes).
func lengthValid(buf []byte) bool {
	n := binary.LittleEndian.Uint32(buf)
	return n >= 1 && n <= maxRecordLen && binary.LittleEndian.Uint32(buf[4:]) == ^n
}

package transport

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// ProtocolVersion is the stream protocol version sent in the hello. Peers with another version
// are refused.
const ProtocolVersion = 1

// protocolMagic opens every stream.
const protocolMagic = "raftlab1"

const (
	helloLen        = 8 + 4 + 8 + 8 + 8
	answerHeaderLen = 1 + 4 + 2
	maxReasonLen    = 512
	statusAccepted  = 0
	statusRefused   = 1
)

// hello is what the dialer sends first.
type hello struct {
	Version   uint32
	ClusterID uint64
	From      uint64
	To        uint64
}

// RefusedError says that the other side refused a stream during the handshake, and why.
type RefusedError struct {
	// Reason is the explanation the acceptor sent (or found, on the accepting side).
	Reason string
}

// Error returns the reason prefixed by what happened.
func (e *RefusedError) Error() string { return "transport: stream refused: " + e.Reason }

func writeHello(w io.Writer, h hello) error {
	var b [helloLen]byte
	copy(b[:8], protocolMagic)
	binary.BigEndian.PutUint32(b[8:], h.Version)
	binary.BigEndian.PutUint64(b[12:], h.ClusterID)
	binary.BigEndian.PutUint64(b[20:], h.From)
	binary.BigEndian.PutUint64(b[28:], h.To)
	if _, err := w.Write(b[:]); err != nil {
		return fmt.Errorf("transport: send hello: %w", err)
	}
	return nil
}

// readHello reads a hello. A wrong magic is reported as a *RefusedError, since the stream cannot
// be from a raftlab peer.
func readHello(r io.Reader) (hello, error) {
	var b [helloLen]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return hello{}, fmt.Errorf("transport: read hello: %w", err)
	}
	if string(b[:8]) != protocolMagic {
		return hello{}, &RefusedError{Reason: fmt.Sprintf("bad magic %q: not a raftlab peer stream", b[:8])}
	}
	return hello{
		Version:   binary.BigEndian.Uint32(b[8:]),
		ClusterID: binary.BigEndian.Uint64(b[12:]),
		From:      binary.BigEndian.Uint64(b[20:]),
		To:        binary.BigEndian.Uint64(b[28:]),
	}, nil
}

// checkHello returns why an acceptor with the given identity must refuse h, or "" to accept it.
func checkHello(h hello, clusterID, localID uint64) string {
	switch {
	case h.Version != ProtocolVersion:
		return fmt.Sprintf("protocol version mismatch: member %x speaks version %d, member %x speaks version %d",
			h.From, h.Version, localID, ProtocolVersion)
	case h.ClusterID != clusterID:
		return fmt.Sprintf("cluster ID mismatch: member %x belongs to cluster %x, member %x belongs to cluster %x",
			h.From, h.ClusterID, localID, clusterID)
	case h.To != localID:
		return fmt.Sprintf("member ID mismatch: stream from member %x is addressed to member %x, but this is member %x",
			h.From, h.To, localID)
	case h.From == 0:
		return "member ID 0 is not a valid sender"
	}
	return ""
}

// notMemberReason is why an acceptor refuses a stream from a member ID that is not one of its
// peers: never a member, removed, or added by a change this member has not applied yet.
func notMemberReason(from, clusterID, localID uint64) string {
	return fmt.Sprintf("member %x is not a member of cluster %x as member %x knows it (removed, or not added yet)",
		from, clusterID, localID)
}

// errNotMember is the error that ends an accepted stream whose sender stopped being a peer.
func errNotMember(from uint64) error {
	return fmt.Errorf("member %x is no longer a peer", from)
}

// writeAnswer sends the acceptor's answer: accepted with its frame limit when reason is empty,
// refused with reason otherwise.
func writeAnswer(w io.Writer, maxFrame int, reason string) error {
	if len(reason) > maxReasonLen {
		reason = reason[:maxReasonLen]
	}
	b := make([]byte, answerHeaderLen, answerHeaderLen+len(reason))
	b[0] = statusAccepted
	if reason != "" {
		b[0] = statusRefused
	}
	binary.BigEndian.PutUint32(b[1:], uint32(min(uint64(maxFrame), math.MaxUint32)))
	binary.BigEndian.PutUint16(b[5:], uint16(len(reason)))
	b = append(b, reason...)
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("transport: send handshake answer: %w", err)
	}
	return nil
}

// readAnswer reads the acceptor's answer. It returns the acceptor's frame limit, or a
// *RefusedError carrying its reason.
func readAnswer(r io.Reader) (int, error) {
	var b [answerHeaderLen]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return 0, fmt.Errorf("transport: read handshake answer: %w", err)
	}
	maxFrame := int(binary.BigEndian.Uint32(b[1:]))
	reasonLen := int(binary.BigEndian.Uint16(b[5:]))
	if reasonLen > maxReasonLen {
		return 0, fmt.Errorf("transport: handshake answer has a %d-byte reason, limit %d", reasonLen, maxReasonLen)
	}
	reason := make([]byte, reasonLen)
	if _, err := io.ReadFull(r, reason); err != nil {
		return 0, fmt.Errorf("transport: read handshake refusal reason: %w", err)
	}
	switch b[0] {
	case statusAccepted:
		if maxFrame == 0 {
			return 0, errors.New("transport: handshake answer gives a frame limit of 0")
		}
		return maxFrame, nil
	case statusRefused:
		return 0, &RefusedError{Reason: string(reason)}
	}
	return 0, fmt.Errorf("transport: handshake answer has unknown status %d", b[0])
}

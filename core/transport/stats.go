package transport

import (
	"sync/atomic"
	"time"
)

// PeerStats describes the traffic with one peer.
type PeerStats struct {
	// Connected tells whether the outbound stream is up.
	Connected bool
	// MessagesSent, FramesSent and BytesSent count what was written to the outbound stream.
	MessagesSent, FramesSent, BytesSent uint64
	// MessagesDropped counts outbound messages lost: queue full, stream down or in backoff, or a
	// message larger than the frame limit.
	MessagesDropped uint64
	// Failures counts failed dials, refused handshakes and broken outbound streams.
	Failures uint64
	// LastError is the most recent outbound error (nil if none); a refused handshake is a *RefusedError.
	LastError error
	// HandshakeRTT is the time the last successful handshake took: a cheap latency estimate.
	HandshakeRTT time.Duration
	// MessagesReceived, FramesReceived and BytesReceived count inbound traffic from the peer.
	MessagesReceived, FramesReceived, BytesReceived uint64
	// SnapshotsSent and SnapshotsFailed count the snapshot streams to the peer that the peer took
	// and that failed; SnapshotsReceived the snapshots received from it and handed to Handler.
	SnapshotsSent, SnapshotsFailed, SnapshotsReceived uint64
}

// sendCounters are updated by a peer's writer and by Send.
type sendCounters struct {
	messages, frames, bytes, dropped, failures atomic.Uint64
	snapshots, snapshotsFailed                 atomic.Uint64
}

// recvCounters are updated by the inbound streams of one peer.
type recvCounters struct {
	messages, frames, bytes, snapshots atomic.Uint64
}

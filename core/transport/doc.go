// Package transport is raftlab's TCP peer transport: it carries raft.Message values between the
// members of one cluster in the real server (cmd/kvd). The simulator (netsim) replaces it.
//
// # Streams
//
// Every member keeps one outbound TCP stream per peer, opened lazily by the first message to that
// peer, and accepts one inbound stream from each peer. A stream is one-way: the dialer writes frames,
// the acceptor reads them and hands every message to Config.Handler. A writer goroutine per peer
// drains that peer's queue and writes everything pending as one frame (or a few, when the batch would
// exceed the frame limit) with a single write. When a stream fails, the messages in hand and in the
// queue are dropped (Raft retransmits), the peer is reported by Unreachable, and the next dial waits
// for an exponential backoff with jitter.
//
// # Handshake
//
// The dialer opens a stream with a fixed 36-byte hello, all integers big-endian:
//
//	magic      [8]byte  "raftlab1"
//	version    uint32   ProtocolVersion
//	cluster ID uint64
//	from ID    uint64   the dialing member
//	to ID      uint64   the member the dialer means to reach
//
// The acceptor answers with
//
//	status     uint8    0 accepted, 1 refused
//	max frame  uint32   the largest frame payload the acceptor will read (the dialer splits batches to fit)
//	reason len uint16   at most 512
//	reason     [reason len]byte  why the stream was refused (empty when accepted)
//
// A stream is refused when the magic or version differ, when the cluster IDs differ, when the hello
// is addressed to another member ID, or when the sender is not one of the acceptor's peers
// (AddPeer): only current members may speak, so a removed member, or a stranger that learnt the
// cluster ID, moves nothing. RemovePeer closes the removed member's inbound stream, and a frame
// that arrives once its sender stopped being a peer is dropped with its stream. Both sides log the
// reason; the dialer returns a *RefusedError and keeps backing off (a member added by a change the
// acceptor has not applied yet gets in once it has).
//
// # Frames
//
// After the handshake the stream is a sequence of frames:
//
//	length  uint32 big-endian: the payload size in bytes, 1 ≤ length ≤ the receiver's limit
//	payload msgpack array of messages
//
// Each message is a msgpack array of 12 elements, in this order: Type, From, To, Term, LogTerm, Index,
// Commit, Entries, Snapshot, Reject, RejectHint, Context. Integers are msgpack unsigned integers (any
// width is accepted, and non-negative signed integers too), Reject is a msgpack bool, Context is bin or
// nil. Entries is nil or an array of entries, each an array of 4: Term, Index, Type, Data (bin or nil).
// Snapshot is nil or an array of 2: Metadata, Data; Metadata is an array of 3: Index, Term, ConfState;
// ConfState is an array of 2: Voters, Learners, each nil or an array of unsigned integers. A nil value
// and an empty one are kept apart, so every message survives the trip unchanged.
//
// # Snapshots
//
// A MsgSnap never travels in a frame: it would make a snapshot's size bounded by the frame limit.
// The writer hands it to a goroutine that opens a stream of its own to the peer, with the same
// hello but snapshotStreamFlag (1<<31) set in its version (the same checks apply: cluster, address,
// current peer), and writes
//
//	header  one frame holding the MsgSnap with its snapshot data left out
//	size    uint64 big-endian: the data's length
//	chunks  until size bytes are sent: length uint32 (1 ≤ length ≤ the smaller frame limit, at most
//	        1 MiB), CRC-32C uint32 of the chunk (Castagnoli, big-endian), the chunk
//
// straight from the snapshot's bytes (no copy), each chunk within WriteTimeout. The receiver spools
// the chunks to a file in Config.SnapshotDir as they arrive, checking each; once the whole data has
// arrived it reads it back into one buffer of exactly its size and hands the complete MsgSnap to
// Handler, then answers like a handshake (accepted, or refused with the reason). The memory a stream
// makes the receiver commit thus follows the bytes that actually arrived, and no limit applies to a
// snapshot's size. One snapshot at a time goes to each peer: while one is on its way, another MsgSnap
// for the same peer is left out (Raft sends it again if it is still needed). How each stream ended
// is reported by SnapshotReports, for the host to tell Raft (raft.Node.ReportSnapshot).
//
// DecodeFrame never panics on any input, refuses a frame longer than its limit before reading it, and
// checks every count against the bytes that remain before it allocates, so the memory a frame can make
// it allocate grows only linearly with the frame's actual length.
package transport

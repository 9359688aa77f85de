package transport

import (
	"bytes"
	"io"
	"net"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/raft"
)

// benchBatch is 64 MsgApp messages, each carrying one 128-byte entry.
func benchBatch() []raft.Message {
	msgs := make([]raft.Message, 64)
	for i := range msgs {
		msgs[i] = raft.Message{Type: raft.MsgApp, From: 1, To: 2, Term: 5, LogTerm: 5, Index: uint64(1000 + i),
			Commit: 999, Entries: []raft.Entry{{Term: 5, Index: uint64(1001 + i), Data: bytes.Repeat([]byte{'k'}, 128)}}}
	}
	return msgs
}

func BenchmarkEncodeFrame(b *testing.B) {
	msgs := benchBatch()
	b.SetBytes(int64(len(encodeFrame(b, msgs))))
	b.ReportAllocs()
	for b.Loop() {
		if err := EncodeFrame(io.Discard, msgs); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAppendFrame measures the path the peer writer uses, which reuses its buffer.
func BenchmarkAppendFrame(b *testing.B) {
	msgs := benchBatch()
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if buf, err = appendFrame(buf[:0], msgs); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(len(buf)))
}

func BenchmarkDecodeFrame(b *testing.B) {
	frame := encodeFrame(b, benchBatch())
	r := bytes.NewReader(frame)
	b.SetBytes(int64(len(frame)))
	b.ReportAllocs()
	for b.Loop() {
		r.Reset(frame)
		msgs, err := DecodeFrame(r, 0)
		if err != nil || len(msgs) != 64 {
			b.Fatalf("decoded %d messages: %v", len(msgs), err)
		}
	}
}

// BenchmarkLoopback sends heartbeat-sized MsgApp messages from one transport to another over
// 127.0.0.1, keeping at most half a queue in flight so that nothing is dropped.
func BenchmarkLoopback(b *testing.B) {
	var received atomic.Int64
	newTransport := func(id uint64) (*Transport, string) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(b, err)
		tr, err := New(Config{LocalID: id, ClusterID: 1, Listener: ln,
			Handler: func(raft.Message) { received.Add(1) }})
		require.NoError(b, err)
		tr.Start()
		b.Cleanup(func() { _ = tr.Close() })
		return tr, ln.Addr().String()
	}
	a, addrA := newTransport(1)
	bt, addrB := newTransport(2)
	a.AddPeer(2, []string{addrB})
	bt.AddPeer(1, []string{addrA})

	batch := make([]raft.Message, 64)
	for i := range batch {
		batch[i] = raft.Message{Type: raft.MsgApp, From: 1, To: 2, Term: 3, Index: uint64(i),
			Entries: []raft.Entry{{Term: 3, Index: uint64(i + 1), Data: []byte("0123456789abcdef")}}}
	}
	const window = DefaultQueueLen / 2
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	var sent int64
	for sent < int64(b.N) {
		n := min(int64(len(batch)), int64(b.N)-sent)
		for sent-received.Load() > window {
			runtime.Gosched()
		}
		a.Send(batch[:n])
		sent += n
	}
	for received.Load() < sent {
		runtime.Gosched()
	}
	elapsed := time.Since(start)
	b.StopTimer()
	stats := a.Stats()[2]
	b.ReportMetric(float64(sent)/elapsed.Seconds(), "msgs/s")
	b.ReportMetric(float64(stats.MessagesSent)/float64(max(stats.FramesSent, 1)), "msgs/frame")
	b.ReportMetric(float64(stats.MessagesDropped), "dropped")
}

// Package msgp holds the msgpack primitives raftlab's hand-written codecs are built from: appending
// and reading unsigned and signed integers, strings, binary strings, array and map headers, nil and
// booleans, in every width and length form the msgpack specification has.
//
// The Append functions write the forms github.com/hashicorp/go-msgpack/v2/codec writes with a
// MsgpackHandle whose WriteExt is set (the handle the WAL, the transport and the node use): the
// shortest form of every integer (non-negative signed integers beyond the fixint range in signed
// forms, as the codec does), str8 and bin for strings and byte slices, nil for a nil slice. The Read
// functions accept every form a msgpack writer may use for a value, so that what another encoder
// wrote reads the same; they never panic and never read past their input. The package's tests hold
// both to go-msgpack, the reference, on every boundary and on random values.
//
// The field layouts (which values, in which order) belong to the packages that encode records: the
// WAL's payloads, the transport's frames, the node's envelopes.
package msgp

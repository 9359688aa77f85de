package node

import (
	"math"

	"github.com/raftlab/raftlab/core/internal/msgp"
	"github.com/raftlab/raftlab/core/store"
)

// The literal byte runs of an envelope as appendEnvelope writes it: every map header and field name
// in the encoder's (sorted) order, so that the in-order decoder compares whole runs instead of
// reading and switching on each field name. TestInOrderLiteralsAreTheEncodersBytes derives them from
// the encoder.
const (
	// litEnvelopeID opens the envelope (a map of 4) up to its first value, the ID.
	litEnvelopeID = "\x84\xa2ID"
	litKind       = "\xa4Kind"
	// litMemberClientURLs opens the member (a map of 4) up to its first value, the client URLs.
	litMemberClientURLs = "\xa6Member\x84\xaaClientURLs"
	litMemberID         = "\xa2ID"
	litName             = "\xa4Name"
	litPeerURLs         = "\xa8PeerURLs"
	// litWriteDir opens the write request (a map of 11) up to its first value, Dir.
	litWriteDir = "\xa5Write\x8b\xa3Dir"
	// litWriteCaller opens a write request with a caller (a map of 12) up to its first value.
	litWriteCaller = "\xa5Write\x8c\xa6Caller"
	litDir         = "\xa3Dir"
	// litEmptyMemberWriteDir is litMemberClientURLs through litWriteDir for the zero Member (nil URL
	// lists, ID 0, empty name): what every write entry carries, so writes skip it in one compare.
	litEmptyMemberWriteDir = litMemberClientURLs + "\xc0" + litMemberID + "\x00" + litName + "\xa0" +
		litPeerURLs + "\xc0" + litWriteDir
	litExpiration = "\xaaExpiration"
	litHasTTL     = "\xa6HasTTL"
	litKey        = "\xa3Key"
	litOp         = "\xa2Op"
	litPrevIndex  = "\xa9PrevIndex"
	litPrevValue  = "\xa9PrevValue"
	litRecursive  = "\xa9Recursive"
	litRefresh    = "\xa7Refresh"
	litTime       = "\xa4Time"
	litValue      = "\xa5Value"
	// litNoTTLThroughKey follows litWriteDir in a write without a TTL: Dir false, Expiration 0,
	// HasTTL false, up to the key (most writes, which skip these three fields in one compare).
	litNoTTLThroughKey = "\xc2" + litExpiration + "\x00" + litHasTTL + "\xc2" + litKey
	// litNoFlagsThroughValue is Recursive false, Refresh false and Time 0 up to the value.
	litNoFlagsThroughValue = litRecursive + "\xc2" + litRefresh + "\xc2" + litTime + "\x00" + litValue
)

// decodeEnvelopeInOrder decodes b into env (setting every field) when b has exactly the layout appendEnvelope writes
// (every field present, in sorted order), or returns errNotFast (env is then left partly filled
// and must be discarded). It reads the values with the same readers as decodeEnvelopeFast, so the
// two agree wherever both accept; it only skips the field-name dispatch.
func decodeEnvelopeInOrder(b []byte, env *envelope) error {
	r := envReader{msgp.NewReader(b)}
	r.literal(litEnvelopeID)
	env.ID = r.Uint()
	r.literal(litKind)
	kind := r.Uint()
	w := &env.Write
	w.Caller = nil
	if r.Skip(litEmptyMemberWriteDir) {
		env.Member = Member{}
	} else {
		m := &env.Member
		r.literal(litMemberClientURLs)
		m.ClientURLs = r.strs()
		r.literal(litMemberID)
		m.ID = r.Uint()
		r.literal(litName)
		m.Name = r.str()
		r.literal(litPeerURLs)
		m.PeerURLs = r.strs()
		if r.Skip(litWriteCaller) {
			w.Caller = r.caller()
			r.literal(litDir)
		} else {
			r.literal(litWriteDir)
		}
	}
	if r.Skip(litNoTTLThroughKey) {
		w.Dir, w.Expiration, w.HasTTL = false, 0, false
	} else {
		w.Dir = r.Bool()
		r.literal(litExpiration)
		w.Expiration = r.Int()
		r.literal(litHasTTL)
		w.HasTTL = r.Bool()
		r.literal(litKey)
	}
	key := r.Str()
	r.literal(litOp)
	op := r.Uint()
	r.literal(litPrevIndex)
	w.PrevIndex = r.Uint()
	r.literal(litPrevValue)
	prevValue := r.Str()
	if r.Skip(litNoFlagsThroughValue) {
		w.Recursive, w.Refresh, w.Time = false, false, 0
	} else {
		r.literal(litRecursive)
		w.Recursive = r.Bool()
		r.literal(litRefresh)
		w.Refresh = r.Bool()
		r.literal(litTime)
		w.Time = r.Int()
		r.literal(litValue)
	}
	value := r.Str()
	if r.Len() != 0 || kind > math.MaxUint8 || op > math.MaxUint8 {
		r.Fail(errNotFast)
	}
	env.Kind, w.Op = envelopeKind(kind), store.Op(op)
	if err := r.failed(); err != nil {
		return err
	}
	w.Key, w.Value, w.PrevValue = copyStrings(key, value, prevValue)
	return nil
}

// literal consumes s, or fails when the input does not continue with exactly s.
func (r *envReader) literal(s string) {
	if !r.Skip(s) {
		r.Fail(errNotFast)
	}
}

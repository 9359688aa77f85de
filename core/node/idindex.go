package node

import "math/bits"

// idIndex maps request IDs to slot numbers of the dedup ring. It is an open-addressing hash table
// with linear probing and deletion by backward shift (no tombstones), sized to twice the most IDs
// it holds at once: the dedup table looks up, inserts and deletes one ID for every applied write,
// and Go's map spent most of that time on probing and tombstones.
type idIndex struct {
	slots []idSlot
	shift uint // 64 - log2(len(slots))
	n     int
}

// idSlot is one entry; id 0 marks an empty slot (ID 0 is never remembered).
type idSlot struct {
	id  uint64
	pos uint32
}

// newIDIndex returns an index with room for at least capacity IDs at a load of one half.
func newIDIndex(capacity int) *idIndex {
	size := 8
	for size < 2*capacity {
		size *= 2
	}
	return &idIndex{slots: make([]idSlot, size), shift: uint(64 - bits.TrailingZeros(uint(size)))}
}

// home is id's first slot (Fibonacci hashing: request IDs may be sequential as well as random).
func (x *idIndex) home(id uint64) int { return int((id * 0x9e3779b97f4a7c15) >> x.shift) }

func (x *idIndex) next(i int) int { return (i + 1) & (len(x.slots) - 1) }

// get returns id's slot number (never found for 0).
func (x *idIndex) get(id uint64) (uint32, bool) {
	if id == 0 {
		return 0, false
	}
	for i := x.home(id); ; i = x.next(i) {
		switch x.slots[i].id {
		case id:
			return x.slots[i].pos, true
		case 0:
			return 0, false
		}
	}
}

// put sets id's slot number (id must not be 0), growing the table past a load of one half.
func (x *idIndex) put(id uint64, pos uint32) {
	if 2*(x.n+1) > len(x.slots) {
		x.grow()
	}
	for i := x.home(id); ; i = x.next(i) {
		switch x.slots[i].id {
		case id:
			x.slots[i].pos = pos
			return
		case 0:
			x.slots[i] = idSlot{id: id, pos: pos}
			x.n++
			return
		}
	}
}

// remove deletes id, moving back the entries of its probe run that would no longer be found.
func (x *idIndex) remove(id uint64) {
	if id == 0 {
		return
	}
	i := x.home(id)
	for ; x.slots[i].id != id; i = x.next(i) {
		if x.slots[i].id == 0 {
			return
		}
	}
	x.n--
	for j := x.next(i); x.slots[j].id != 0; j = x.next(j) {
		// The entry at j may move to the hole at i unless its home lies cyclically in (i, j].
		h := x.home(x.slots[j].id)
		if (j > i && (h <= i || h > j)) || (j < i && h <= i && h > j) {
			x.slots[i] = x.slots[j]
			i = j
		}
	}
	x.slots[i] = idSlot{}
}

func (x *idIndex) grow() {
	old := x.slots
	*x = *newIDIndex(len(old))
	for _, s := range old {
		if s.id != 0 {
			x.put(s.id, s.pos)
		}
	}
}

// len is how many IDs the index holds.
func (x *idIndex) len() int { return x.n }

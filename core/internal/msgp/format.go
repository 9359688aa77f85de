package msgp

// Format bytes: the first byte of a msgpack value.
const (
	PosFixIntMax = 0x7f // 0x00-0x7f: a positive fixint is the value itself
	FixMap       = 0x80 // 0x80-0x8f: a map of up to 15 pairs
	FixArray     = 0x90 // 0x90-0x9f: an array of up to 15 elements
	FixStr       = 0xa0 // 0xa0-0xbf: a string of up to 31 bytes
	Nil          = 0xc0
	False        = 0xc2
	True         = 0xc3
	Bin8         = 0xc4
	Bin16        = 0xc5
	Bin32        = 0xc6
	Uint8        = 0xcc
	Uint16       = 0xcd
	Uint32       = 0xce
	Uint64       = 0xcf
	Int8         = 0xd0
	Int16        = 0xd1
	Int32        = 0xd2
	Int64        = 0xd3
	Str8         = 0xd9
	Str16        = 0xda
	Str32        = 0xdb
	Array16      = 0xdc
	Array32      = 0xdd
	Map16        = 0xde
	Map32        = 0xdf
	NegFixInt    = 0xe0 // 0xe0-0xff: a negative fixint, -32 to -1
)

// Limits of the fix forms: a fix container or string holds fewer elements or bytes than these.
const (
	fixMapLimit   = 16
	fixArrayLimit = 16
	fixStrLimit   = 32
)

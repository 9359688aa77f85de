package wal

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
)

const (
	segmentSuffix  = ".wal"
	snapshotSuffix = ".snap"
	tempSuffix     = ".tmp"
)

// segmentName encodes the sequence number and the first entry index, zero-padded hex, so that the
// sorted directory listing is replay order.
func segmentName(seq, firstIndex uint64) string {
	return fmt.Sprintf("%016x-%016x%s", seq, firstIndex, segmentSuffix)
}

// snapshotName encodes the snapshot's term and index.
func snapshotName(term, index uint64) string {
	return fmt.Sprintf("%016x-%016x%s", term, index, snapshotSuffix)
}

// parsePair parses "%016x-%016x<suffix>" as fmt.Sscanf does. The names the WAL writes (32 hex
// digits) are parsed directly; anything else is left to Sscanf, so what is accepted is unchanged.
func parsePair(name, suffix string) (a, b uint64, ok bool) {
	base, found := strings.CutSuffix(name, suffix)
	if !found || len(base) != 33 || base[16] != '-' {
		return 0, 0, false
	}
	if a, ok := parseHex16(base[:16]); ok {
		if b, ok := parseHex16(base[17:]); ok {
			return a, b, true
		}
	}
	if _, err := fmt.Sscanf(base, "%016x-%016x", &a, &b); err != nil {
		return 0, 0, false
	}
	return a, b, true
}

// parseHex16 parses 16 hexadecimal digits (of either case).
func parseHex16(s string) (uint64, bool) {
	var v uint64
	for i := range len(s) {
		c := s[i]
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		v = v<<4 | uint64(c)
	}
	return v, len(s) == 16
}

// segmentFile is one segment named in the directory.
type segmentFile struct {
	seq        uint64
	firstIndex uint64
	name       string
}

// snapshotFile is one snapshot file named in the directory.
type snapshotFile struct {
	term, index uint64
	name        string
}

// listDir returns the segments and snapshot files of dir in order, and the leftover temp files.
func listDir(fs FS, dir string) (segs []segmentFile, snaps []snapshotFile, temps []string, err error) {
	names, err := fs.ReadDir(dir)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("wal: list %s: %w", dir, err)
	}
	for _, name := range names {
		switch {
		case strings.HasSuffix(name, tempSuffix):
			temps = append(temps, name)
		case strings.HasSuffix(name, segmentSuffix):
			seq, first, ok := parsePair(name, segmentSuffix)
			if !ok {
				return nil, nil, nil, fmt.Errorf("%w: %s: not a segment name", ErrCorrupt, filepath.Join(dir, name))
			}
			segs = append(segs, segmentFile{seq: seq, firstIndex: first, name: name})
		case strings.HasSuffix(name, snapshotSuffix):
			term, index, ok := parsePair(name, snapshotSuffix)
			if ok {
				snaps = append(snaps, snapshotFile{term: term, index: index, name: name})
			}
		}
	}
	sort.Slice(segs, func(i, j int) bool { return segs[i].seq < segs[j].seq })
	sort.Slice(snaps, func(i, j int) bool {
		if snaps[i].index != snaps[j].index {
			return snaps[i].index < snaps[j].index
		}
		return snaps[i].term < snaps[j].term
	})
	return segs, snaps, temps, nil
}

// Exists reports whether dir holds a WAL (at least one segment).
func Exists(fs FS, dir string) bool {
	segs, _, _, err := listDir(fs, dir)
	return err == nil && len(segs) > 0
}

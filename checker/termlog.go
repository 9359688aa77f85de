package checker

import "github.com/raftlab/raftlab/core/raft"

// termLog is the shape of a Raft log as a node's disk holds it: a snapshot's index and term, then
// the terms of the entries after it as runs of equal terms (terms change rarely, so a long log
// costs a few runs). It follows core/wal's replay rules: an entry at index i replaces i and every
// entry after it; a snapshot whose index and term the log holds compacts the entries up to it, any
// other snapshot replaces the whole log.
type termLog struct {
	snapIndex, snapTerm uint64
	// runs hold the entries (snapIndex, last]: run k covers [runs[k].start, runs[k+1].start).
	runs []termRun
	last uint64
}

type termRun struct{ start, term uint64 }

// lastIndex is the last index the log holds (a snapshot's index when no entry follows it).
func (l *termLog) lastIndex() uint64 { return max(l.last, l.snapIndex) }

// empty reports whether the log holds neither a snapshot nor an entry.
func (l *termLog) empty() bool { return l.lastIndex() == 0 }

// term is the term of the entry at i: known is false when the log does not reach i or a snapshot
// covers it (the snapshot's own index excepted).
func (l *termLog) term(i uint64) (term uint64, known bool) {
	if i == 0 {
		return 0, true
	}
	if i == l.snapIndex {
		return l.snapTerm, true
	}
	if i < l.snapIndex || i > l.last || len(l.runs) == 0 || i < l.runs[0].start {
		return 0, false
	}
	k := len(l.runs) - 1
	for k > 0 && l.runs[k].start > i {
		k--
	}
	return l.runs[k].term, true
}

// truncateAfter drops every entry after index i.
func (l *termLog) truncateAfter(i uint64) {
	if i >= l.last {
		return
	}
	k := len(l.runs)
	for k > 0 && l.runs[k-1].start > i {
		k--
	}
	l.runs = l.runs[:k]
	l.last = max(i, l.snapIndex)
	if len(l.runs) == 0 {
		l.last = l.snapIndex
	}
}

// appendEntries writes contiguous entries with replace semantics. It returns the first index whose
// entry was removed or changed (0 when the append only extended the log or rewrote equal entries).
func (l *termLog) appendEntries(ents []raft.Entry) (changedFrom uint64) {
	var w termLog
	for _, e := range ents {
		if n := len(w.runs); n == 0 || w.runs[n-1].term != e.Term {
			w.runs = append(w.runs, termRun{start: e.Index, term: e.Term})
		}
	}
	if len(ents) > 0 {
		w.last = ents[len(ents)-1].Index
	}
	return l.appendLog(&w)
}

// appendLog writes the entries of w (a log without snapshot) with replace semantics; see
// appendEntries.
func (l *termLog) appendLog(w *termLog) (changedFrom uint64) {
	// Entries the snapshot covers already are skipped.
	runs := trimRuns(w.runs, l.snapIndex+1, w.last)
	if len(runs) == 0 {
		return 0
	}
	first, newLast, oldLast := runs[0].start, w.last, l.last
	if first <= oldLast {
		for i := first; i <= min(oldLast, newLast); {
			old, _ := l.term(i)
			if nt := runTerm(runs, i); nt != old {
				changedFrom = i
				break
			}
			i = min(l.nextChange(i), nextRun(runs, i, newLast))
		}
		if changedFrom == 0 && newLast < oldLast {
			changedFrom = newLast + 1
		}
		l.truncateAfter(first - 1)
	}
	for _, r := range runs {
		if n := len(l.runs); n == 0 || l.runs[n-1].term != r.term {
			l.runs = append(l.runs, r)
		}
	}
	l.last = newLast
	return changedFrom
}

// trimRuns is runs (ending at last) without the indexes below from; it shares runs' array only when
// nothing is cut.
func trimRuns(runs []termRun, from, last uint64) []termRun {
	if len(runs) == 0 || from > last {
		return nil
	}
	if runs[0].start >= from {
		return runs
	}
	k := 0
	for k+1 < len(runs) && runs[k+1].start <= from {
		k++
	}
	out := append([]termRun(nil), runs[k:]...)
	out[0].start = from
	return out
}

// runTerm is the term of index i in runs (i at or after the first run's start).
func runTerm(runs []termRun, i uint64) uint64 {
	k := len(runs) - 1
	for k > 0 && runs[k].start > i {
		k--
	}
	return runs[k].term
}

// nextRun is the start of the first run after i, or last+1.
func nextRun(runs []termRun, i, last uint64) uint64 {
	for _, r := range runs {
		if r.start > i {
			return r.start
		}
	}
	return last + 1
}

// applySnapshot records a snapshot at index/term: a compaction when the log holds that entry, a
// replacement of the whole log otherwise. It returns the first index it removed or replaced, 0 if
// none: the snapshot's own index when the log held another term there (that entry is replaced
// too), else the first entry past the snapshot that it dropped.
func (l *termLog) applySnapshot(index, term uint64) (removedFrom uint64) {
	if index <= l.snapIndex {
		return 0
	}
	if t, ok := l.term(index); !ok || t != term {
		switch {
		case ok && index <= l.last:
			removedFrom = index
		case l.last > index:
			removedFrom = index + 1
		}
		l.runs, l.last = nil, index
	} else {
		l.runs = trimRuns(l.runs, index+1, l.last)
	}
	l.snapIndex, l.snapTerm = index, term
	l.last = max(l.last, index)
	return removedFrom
}

// termLogOf builds the log a node recovered: its snapshot, then its entries.
func termLogOf(snap raft.SnapshotMetadata, ents []raft.Entry) termLog {
	var l termLog
	if snap.Index > 0 {
		l.applySnapshot(snap.Index, snap.Term)
	}
	l.appendEntries(ents)
	return l
}

// nextChange is the first index after i where the log's term may differ from the term at i (the
// start of the next run, or i+1 at and below the snapshot).
func (l *termLog) nextChange(i uint64) uint64 {
	if i <= l.snapIndex {
		return i + 1
	}
	for _, r := range l.runs {
		if r.start > i {
			return r.start
		}
	}
	return l.last + 1
}

// replacedAfter reports whether the entry at last, the log's last index, is of a term later than
// term: the log's suffix was replaced by a later leader. An acknowledgement of term term for
// entries past last is then stale rather than false: raft made it while the node held those entries
// (before it entered the later term, so every vote it cast afterwards counted them), and the write
// that made it durable also carried the later leader's replacement (a host may write two batches as
// one).
func (l *termLog) replacedAfter(last, term uint64) bool {
	t, known := l.term(last)
	return known && t > term
}

package checker

// checkNothingResurrected checks that the recovered log holds no entry past the durable log's end
// that no write since the last fsync explains: a suffix that a durable append replaced must stay
// replaced, however the log on disk is replayed.
func (p *Promises) checkNothingResurrected(node uint64, n *nodePromises, got *termLog, at int64) {
	end := n.log.lastIndex()
	for i := max(end, got.snapIndex) + 1; i <= got.lastIndex(); i++ {
		t, known := got.term(i)
		if known && !n.pendingHas(i, t) {
			p.violate(at, "n%d recovered entry %d with term %d past its durable log's end at %d, and no write since its last fsync made it: a replaced suffix came back",
				node, i, t, end)
			return
		}
	}
}

package mutants

// redteamMutants are the red team's bugs (lab-power issue, /work/redteam/bugs): written from the
// code and the literature without reading the rest of this catalog, to measure how well the lab
// finds bugs it was not tuned for. Their names are "<package>-rt-<what goes wrong>".
func redteamMutants() []Mutant {
	return []Mutant{
		{
			Name: `raft-rt-heartbeat-commit`,
			File: `core/raft/leader.go`,
			Find: `		pr := r.prs[id]
		r.send(Message{To: id, Type: MsgHeartbeat, Commit: min(pr.match, r.log.committed), Context: ctx})
`,
			Replace: `		pr := r.prs[id]
		r.send(Message{To: id, Type: MsgHeartbeat, Commit: min(pr.next-1, r.log.committed), Context: ctx})
`,
			Bug: "the leader's heartbeat carries min(next-1, commit) instead of min(match, commit): a follower whose unmatched (divergent) suffix sits below the leader's optimistic next commits entries the leader never matched. Source: etcd raft `sendHeartbeat` (commit is clamped to Match for exactly this reason); Raft thesis 3.5 log matching.",
		},
		{
			Name: `raft-rt-uptodate-index-first`,
			File: `core/raft/log.go`,
			Find: `	lt := l.lastTerm()
	return term > lt || (term == lt && lasti >= l.lastIndex())
`,
			Replace: `	lt := l.lastTerm()
	return lasti > l.lastIndex() || (lasti == l.lastIndex() && term >= lt)
`,
			Bug: `the vote's "up-to-date" check compares log length first and term only on a tie (a longer stale log wins): a candidate missing committed entries of a later term is elected. Source: Raft paper 5.4.1 (the most common misreading of the election restriction).`,
		},
		{
			Name: `raft-rt-learner-in-commit-quorum`,
			File: `core/raft/raft.go`,
			Find: `	}
	r.voterProgress = make([]*progress, len(r.voters))
	for i, id := range r.voters {
		r.voterProgress[i] = r.prs[id]
`,
			Replace: `	}
	r.voterProgress = r.voterProgress[:0]
	for _, pr := range r.prs {
		r.voterProgress = append(r.voterProgress, pr)
`,
			Bug: `the commit index is computed over the progress of every member, learners included (quorum still counted over voters): an entry on the leader and a learner only counts as committed. Source: etcd learner design (raft learners must not count in quorum; etcd #10537-era learner bugs).`,
		},
		{
			Name: `raft-rt-prevote-grants-count-as-votes`,
			File: `core/raft/raft.go`,
			Find: `	r.leadTransferee = None
	r.votes = map[uint64]bool{}
`,
			Replace: `	r.leadTransferee = None
	if r.votes == nil { // reused across elections: one map per node
		r.votes = map[uint64]bool{}
	}
`,
			Bug: `the votes map is reused across elections and not cleared when the pre-candidate becomes candidate: pre-vote grants count as real votes, two nodes can lead the same term. Source: Raft thesis 9.6 (pre-vote must not change state), etcd/raft-rs pre-vote vote-counting fixes.`,
		},
		{
			Name: `raft-rt-mustsync-ignores-vote`,
			File: `core/raft/node.go`,
			Find: `		rd.HardState = hs
		rd.MustSync = hs.Term != n.prevHard.Term || hs.Vote != n.prevHard.Vote
`,
			Replace: `		rd.HardState = hs
		rd.MustSync = hs.Term != n.prevHard.Term
`,
			Bug: "Ready.MustSync ignores a change of vote within a term: a granted vote is sent before it is durable, a crash lets the node vote twice in a term. Source: etcd raft `MustSync` (term, vote and entries), Raft paper Figure 2 \"persistent state ... updated on stable storage before responding\".",
		},
		{
			Name: `node-rt-restart-skips-committed-entries`,
			File: `core/node/node.go`,
			Find: `			n.hard = durable.HardState
`,
			Replace: `			n.hard = durable.HardState
			n.applied = max(n.applied, n.hard.Commit) // the durable commit was applied before the crash
`,
			Bug: `on restart the node takes the durable commit index for its applied index: the committed entries after its snapshot are never re-applied, its store silently misses them. Source: etcd 3.5.0-3.5.2 data inconsistency (consistent_index ahead of the applied state after a crash, etcd #13766), Jepsen etcd 3.4.3 (2020).`,
		},
		{
			Name: `node-rt-snapshot-install-keeps-old-conf`,
			File: `core/node/snapshot.go`,
			Find: `	n.snapshot = snap.Metadata.Index
	n.conf = snap.Metadata.ConfState
`,
			Replace: `	n.snapshot = snap.Metadata.Index
`,
			Bug: `installing a snapshot from the leader does not update the node's ConfState, so the node's next local snapshot records the old membership and a restart from it runs with the wrong voters. Source: etcd "snapshot restore loses membership" issues (raft ConfState in snapshot metadata).`,
		},
		{
			Name: `node-rt-snapshot-drops-learners`,
			File: `core/node/snapshot_data.go`,
			Find: `	for _, id := range n.members.ids() {
		if n.members.learners[id] {
			j.meta.Learners = append(j.meta.Learners, id)
		}
	}
`,
			Replace: ``,
			Bug:     `the node's snapshot data omits the learner set: a node restored from a snapshot treats learners as voters in its member table and refuses their promotion (ErrNotLearner) while the others apply it: diverging configurations. Source: etcd v3.4 learner + snapshot restore bugs (membership store not carried over).`,
		},
		{
			Name: `store-rt-cas-on-directory`,
			File: `core/store/write.go`,
			Find: `	}
	if n.dir {
		return nil, NewError(EcodeNotFile, key, s.index)
	}
`,
			Replace: `	}
`,
			Bug: "compareAndSwap no longer refuses directories: a CAS with prevIndex on a directory succeeds (etcd v2 answers 102 \"Not a file\"). Source: etcd v2 store `CompareAndSwap` (`if n.IsDir() { return ErrNotFile }`).",
		},
		{
			Name: `store-rt-delete-keeps-descendant-ttls`,
			File: `core/store/tree.go`,
			Find: `	s.ttl.drop(n)
	for _, c := range n.children {
		s.dropTTL(c)
	}
`,
			Replace: `	s.ttl.drop(n)
`,
			Bug: `deleting a directory takes only the directory off the TTL queue, not its descendants: a TTL'd child of a deleted directory later "expires" again (an extra expire event, a spurious index). Source: etcd v2 ttlKeyHeap corruption on recursive delete.`,
		},
		{
			Name: `store-rt-recovery-loses-ttl-queue`,
			File: `core/store/snapshot.go`,
			Find: `	}
	for _, n := range placed {
		ttl.track(n) // the queue orders by path: only now are they all set
	}
`,
			Replace: `	}
`,
			Bug: "recovering the store from a snapshot does not rebuild the TTL queue: keys restored from a snapshot never expire on that node (the others expire them: divergence). Source: etcd v2 store `Recovery` (`ttlKeyHeap` rebuilt by `recoverAndclean`), etcd issue \"ttl keys do not expire after restart\".",
		},
		{
			Name: `store-rt-watch-hidden-only-last-segment`,
			File: `core/store/watcher.go`,
			Find: `	}
	return strings.Contains(rest, "/_")
`,
			Replace: `	}
	return strings.HasPrefix(rest[strings.LastIndexByte(rest, '/')+1:], "_")
`,
			Bug: "a recursive watcher's hidden-key filter looks only at the last path segment: changes under a hidden directory (/d/_h/x) reach watchers of /d. Source: etcd v2 watcher hub `isHidden`.",
		},
		{
			Name: `wal-rt-cut-names-segment-one-early`,
			File: `core/wal/segment.go`,
			Find: `	}
	if err := w.startSegment(last.seq+1, w.lastIndex+1); err != nil {
`,
			Replace: `	}
	if err := w.startSegment(last.seq+1, w.lastIndex); err != nil {
`,
			Bug: "a segment cut after entry N is named (and headed) as starting at N instead of N+1: replay from such a segment, the first one left after older segments are released, sees its first entry as a gap and the member cannot restart. Source: etcd WAL `cut()` (`seq+1, lastIndex+1` naming; etcd #4285-era WAL naming/recovery bugs).",
		},
		{
			Name: `wal-rt-hardstate-before-entries`,
			File: `core/wal/wal.go`,
			Find: `	}
	for len(ents) > 0 {
		n, size := 0, 0
		for n < len(ents) && (n == 0 || size+len(ents[n].Data)+32 <= maxBatchPayload) {
			size += len(ents[n].Data) + 32
			n++
		}
		start := w.openRecord(recordEntries)
		w.buf = appendEntriesPayload(w.buf, ents[:n])
		w.closeRecord(start)
		w.lastIndex = ents[n-1].Index
		ents = ents[n:]
	}
	if !hs.IsEmpty() && hs != w.hardState {
		start := w.openRecord(recordHardState)
		w.buf = appendHardStatePayload(w.buf, wireHardState{Term: hs.Term, Vote: hs.Vote, Commit: hs.Commit})
		w.closeRecord(start)
		w.hardState = hs
`,
			Replace: `	}
	if !hs.IsEmpty() && hs != w.hardState {
		start := w.openRecord(recordHardState)
		w.buf = appendHardStatePayload(w.buf, wireHardState{Term: hs.Term, Vote: hs.Vote, Commit: hs.Commit})
		w.closeRecord(start)
		w.hardState = hs
	}
	for len(ents) > 0 {
		n, size := 0, 0
		for n < len(ents) && (n == 0 || size+len(ents[n].Data)+32 <= maxBatchPayload) {
			size += len(ents[n].Data) + 32
			n++
		}
		start := w.openRecord(recordEntries)
		w.buf = appendEntriesPayload(w.buf, ents[:n])
		w.closeRecord(start)
		w.lastIndex = ents[n-1].Index
		ents = ents[n:]
`,
			Bug: `Save writes the hard state record before the entries of the same batch: a torn write keeps a commit index beyond the last surviving entry and the node cannot restart. Source: etcd WAL Save order (entries, then state), Raft thesis 11.7 (persistence order).`,
		},
		{
			Name: `v2keys-rt-prevexist-true-drops-prevvalue`,
			File: `core/v2keys/call.go`,
			Find: `	case p.PrevExist != nil && *p.PrevExist:
		if p.PrevIndex == 0 && p.PrevValue == "" {
`,
			Replace: `	case p.PrevExist != nil && *p.PrevExist:
		if p.PrevIndex == 0 {
`,
			Bug: "PUT with prevExist=true and prevValue (no prevIndex) is translated into a plain update: the value comparison is lost. Source: etcd v2 `parseKeyRequest`/`v2store` prevExist+prevValue semantics (ETCD_V2_API.md \"Atomic Compare-and-Swap\").",
		},
		{
			Name: `v2keys-rt-recursive-quorum-get-served-locally`,
			File: `core/v2keys/call.go`,
			Find: `	switch {
	case method == http.MethodGet && p.Quorum:
`,
			Replace: `	switch {
	case method == http.MethodGet && p.Quorum && !p.Recursive:
`,
			Bug: `a recursive GET with quorum=true is served from the local tree instead of through raft: a linearizable listing becomes a possibly stale one. Source: Jepsen etcd 2014 (reads served without consensus), etcd v2 quorum=true semantics.`,
		},
	}
}

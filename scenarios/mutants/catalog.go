package mutants

// Catalog returns every mutant, grouped by package. Each is a bug of a kind that has shipped in Raft
// implementations or in etcd, or that the Raft paper (Ongaro and Ousterhout 2014), Ongaro's thesis
// (2014) or Jepsen's analyses of etcd warn about; none is one of the four --bug switches.
func Catalog() []Mutant {
	var out []Mutant
	for _, group := range [][]Mutant{raftMutants(), nodeMutants(), storeMutants(), walMutants(), apiMutants(), redteamMutants(), redteam2Mutants()} {
		out = append(out, group...)
	}
	return out
}

func raftMutants() []Mutant {
	return []Mutant{
		{
			Name: "raft-vote-twice-in-term",
			File: "core/raft/step.go",
			Find: `	canVote := r.vote == m.From ||
		(r.vote == None && r.lead == None) ||`,
			Replace: `	canVote := r.vote == m.From ||
		r.lead == None ||`,
			Bug: "a voter that knows no leader grants a second vote in the same term (Figure 2: votedFor must be null or the candidate): two leaders in one term",
		},
		{
			Name: "raft-vote-cleared-on-step-down",
			File: "core/raft/raft.go",
			Find: `	if r.term != term {
		r.term = term
		r.vote = None
	}`,
			Replace: `	r.term = term
	r.vote = None`,
			Bug: "stepping down within a term (lost election, check-quorum) forgets the vote already cast in that term, so the node can vote again",
		},
		{
			// (Figure 2's rule 5, "commitIndex = min(leaderCommit, index of last new entry)", dropped
			// to leaderCommit, was here: it is equivalent in this implementation, whose conflict
			// hints make every successful append start at the first divergent entry, so a follower
			// never keeps a stale suffix past an append. The same class of bug, reachable: a
			// follower that takes the commit index of an append it rejects.)
			Name: "raft-commit-on-rejected-append",
			File: "core/raft/follower.go",
			Find: `	hintIndex := min(m.Index, r.log.lastIndex())`,
			Replace: `	r.log.commitTo(m.Commit)
	hintIndex := min(m.Index, r.log.lastIndex())`,
			Bug: "a follower advances its commit index from an append it rejects (its log does not match the leader's there): it commits and applies entries the leader never had",
		},
		{
			Name: "raft-heartbeat-commit-unclamped",
			File: "core/raft/leader.go",
			Find: `		pr := r.prs[id]
		r.send(Message{To: id, Type: MsgHeartbeat, Commit: min(pr.match, r.log.committed), Context: ctx})`,
			Replace: `		r.send(Message{To: id, Type: MsgHeartbeat, Commit: r.log.committed, Context: ctx})`,
			Bug:     "heartbeats carry the leader's commit index instead of min(match, commit) (etcd raft clamps it): a follower with a divergent tail commits entries the leader never had",
		},
		{
			Name: "raft-append-truncates-matching-suffix",
			File: "core/raft/log.go",
			Find: `	if ci := l.findConflict(ents); ci != 0 {`,
			Replace: `	if len(ents) > 0 && lastNew < l.lastIndex() {
		l.append(ents...)
	}
	if ci := l.findConflict(ents); ci != 0 {`,
			Bug: "a follower truncates its log after every append, even when all entries match (the Students' Guide to Raft's classic): a delayed append erases acknowledged entries",
		},
		{
			Name: "raft-append-checks-index-only",
			File: "core/raft/log.go",
			Find: `	if !l.matchTerm(index, logTerm) {
		return 0, false
	}`,
			Replace: `	if index > l.lastIndex() {
		return 0, false
	}`,
			Bug: "the AppendEntries consistency check looks at the previous index but not its term (Figure 2, rule 2): logs diverge below the appended entries",
		},
		{
			Name: "raft-read-index-without-own-entry",
			File: "core/raft/readindex.go",
			Find: `	if !r.committedEntryInCurrentTerm() {
		// Our commit index may be stale`,
			Replace: `	if r.log.committed == 0 {
		// Our commit index may be stale`,
			Bug: "a new leader serves read-index requests before an entry of its own term commits (thesis §6.4): its commit index may be stale",
		},
		{
			Name: "raft-read-index-quorum-off-by-one",
			File: "core/raft/readindex.go",
			Find: `	if n < r.quorum() {
		return
	}`,
			Replace: `	if n < r.quorum()-1 {
		return
	}`,
			Bug: "a read index is confirmed by one heartbeat answer fewer than a quorum: a deposed leader in a minority serves stale reads",
		},
		{
			Name: "raft-commit-counts-learners",
			File: "core/raft/leader.go",
			Find: `	for _, pr := range r.voterProgress {
		matches = append(matches, pr.match)
	}`,
			Replace: `	for _, pr := range r.prs {
		matches = append(matches, pr.match)
	}`,
			Bug: "the commit index counts learners' acknowledgements (etcd raft's learner bugs): an entry commits on a minority of voters",
		},
		{
			Name: "raft-snapshot-keeps-old-conf",
			File: "core/raft/follower.go",
			Find: `	r.log.restore(s)
	r.setConf(md.ConfState)`,
			Replace: `	r.log.restore(s)`,
			Bug:     "a follower that installs a snapshot keeps its old configuration instead of the snapshot's: it counts votes and quorums with stale membership",
		},
		{
			Name:    "raft-vote-not-synced",
			File:    "core/raft/node.go",
			Find:    `		rd.MustSync = hs.Term != n.prevHard.Term || hs.Vote != n.prevHard.Vote`,
			Replace: `		rd.MustSync = hs.Term != n.prevHard.Term`,
			Bug:     "a vote cast within the current term is not fsynced before the reply (etcd raft's MustSync): after a power failure the voter votes again in that term",
		},
	}
}

func nodeMutants() []Mutant {
	return []Mutant{
		{
			Name:    "node-dedup-not-snapshotted",
			File:    "core/node/snapshot_data.go",
			Find:    `	j.dedup = n.dedup.entries()`,
			Replace: `	j.dedup = n.dedup.entries()[:0]`,
			Bug:     "snapshots leave out the table of applied request IDs: a replica restored from one applies a retried write a second time",
		},
		{
			Name:    "node-restart-skips-unapplied",
			File:    "core/node/node.go",
			Find:    `		Applied:         n.applied,`,
			Replace: `		Applied:         max(n.applied, n.hard.Commit),`,
			Bug:     "a restarted node takes the persisted commit index for its applied index (etcd's consistent-index class): committed entries after the snapshot are never applied",
		},
		{
			Name: "node-ttl-expiry-local-clock",
			File: "core/node/apply.go",
			Find: `	case envWrite, envSync:
		ev, err := n.store.Apply(env.Write)`,
			Replace: `	case envWrite, envSync:
		if env.Kind == envSync {
			env.Write.Time = n.now
		}
		ev, err := n.store.Apply(env.Write)`,
			Bug: "each replica expires TTL keys by its own clock instead of the time carried in the log entry: replicas diverge under clock skew",
		},
		{
			Name: "node-followers-propose-expiry",
			File: "core/node/node.go",
			Find: `	if n.soft.Role != raft.RoleLeader {
		return
	}
	every := uint64(`,
			Replace: `	every := uint64(`,
			Bug:     "every member, not only the leader, proposes the expiry of TTL keys with its own clock: a member whose clock runs ahead expires keys early",
		},
		{
			Name:    "node-read-served-before-apply",
			File:    "core/node/node.go",
			Find:    `		if pr.index > n.applied {`,
			Replace: `		if pr.index > n.applied+1 {`,
			Bug:     "a quorum read is answered when the apply is one entry short of its read index (etcd waits for applied >= read index): it can miss the write just before it",
		},
		{
			Name:    "node-read-ignores-read-index",
			File:    "core/node/node.go",
			Find:    `			n.readQueue = append(n.readQueue, pendingRead{index: rs.Index, id:`,
			Replace: `			n.readQueue = append(n.readQueue, pendingRead{index: 0, id:`,
			Bug:     "a member answers a confirmed quorum read from its state as it is, without waiting to apply up to the read index: a lagging follower serves stale reads",
		},
		{
			Name:    "node-snapshot-members-not-restored",
			File:    "core/node/snapshot_data.go",
			Find:    `	n.dedup, n.members = dd, ms`,
			Replace: `	n.dedup = dd`,
			Bug:     "installing a snapshot keeps the node's old member list: a lagging member misjudges later membership changes",
		},
	}
}

func storeMutants() []Mutant {
	return []Mutant{
		{
			Name:    "store-cas-compares-created-index",
			File:    "core/store/write.go",
			Find:    `	indexOK := prevIndex == 0 || n.modifiedIndex == prevIndex`,
			Replace: `	indexOK := prevIndex == 0 || n.createdIndex == prevIndex`,
			Bug:     "compare-and-swap and -delete compare prevIndex with the createdIndex instead of the modifiedIndex",
		},
		{
			Name:    "store-cad-ignores-prev-index",
			File:    "core/store/delete.go",
			Find:    `	if cause, ok := compare(n, r.PrevValue, r.PrevIndex); !ok {`,
			Replace: `	if cause, ok := compare(n, r.PrevValue, 0); !ok {`,
			Bug:     "compare-and-delete ignores prevIndex: a fenced delete removes a key someone rewrote meanwhile",
		},
		{
			Name: "store-prev-index-ignored-with-value",
			File: "core/store/write.go",
			Find: `	valueOK := prevValue == "" || n.value == prevValue`,
			Replace: `	valueOK := prevValue == "" || n.value == prevValue
	if prevValue != "" {
		prevIndex = 0
	}`,
			Bug: "when both prevValue and prevIndex are given only the value is compared",
		},
		{
			Name:    "store-in-order-key-off-by-one",
			File:    "core/store/write.go",
			Find:    `		key = inOrderKey(key, s.index+1)`,
			Replace: `		key = inOrderKey(key, s.index)`,
			Bug:     "POST names the new in-order key after the current index instead of the new node's index",
		},
		{
			Name: "store-update-creates-missing",
			File: "core/store/write.go",
			Find: `	n, err := s.lookup(ns, key)
	if err != nil {
		return nil, err
	}
	if n.dir && r.Value != "" {`,
			Replace: `	n, err := s.lookup(ns, key)
	if err != nil {
		return s.set(ns, key, r)
	}
	if n.dir && r.Value != "" {`,
			Bug: "prevExist=true on a missing key creates it instead of failing with 100",
		},
		{
			Name:    "store-rmdir-removes-children",
			File:    "core/store/delete.go",
			Find:    `		if len(n.children) > 0 && !recursive {`,
			Replace: `		if len(n.children) > 0 && !recursive && !dir {`,
			Bug:     "DELETE dir=true removes a directory that still has children instead of failing with 108",
		},
		{
			Name: "store-recursive-get-one-level",
			File: "core/store/node.go",
			Find: `		if c.dir && deep {
			c.list(e.Nodes[i], now, deep)
		}`,
			Replace: `		if c.dir && deep && len(c.children) > 1 {
			c.list(e.Nodes[i], now, deep)
		}`,
			Bug: "a recursive GET does not descend into a directory with a single child",
		},
		{
			Name: "store-snapshot-drops-hidden",
			File: "core/store/snapshot_encode.go",
			Find: `	for _, c := range n.sortedChildren() {
		y.Step()
		if !first {`,
			Replace: `	for _, c := range n.sortedChildren() {
		y.Step()
		if len(c.name) > 0 && c.name[0] == '_' {
			continue
		}
		if !first {`,
			Bug: "snapshots reuse the listing's filter and leave out hidden keys: a replica restored from a snapshot loses them",
		},
		{
			Name:    "store-snapshot-drops-ttl",
			File:    "core/store/snapshot_encode.go",
			Find:    "\tif n.expires {\n\t\tb = append(b, `,\"expires\":true`...)\n\t}\n\tif n.expiration != 0 {\n",
			Replace: "\tif false {\n\t\tb = append(b, `,\"expires\":true`...)\n\t}\n\tif false {\n",
			Bug:     "snapshots leave out TTLs: on a replica restored from a snapshot, keys never expire",
		},
		{
			Name:    "store-watch-history-off-by-one",
			File:    "core/store/history.go",
			Find:    `	return int(since - start)`,
			Replace: `	return int(since-start) + 1`,
			Bug:     "a watch from a past index starts one event late in the event history: the event at waitIndex is skipped",
		},
		{
			Name:    "store-restore-skips-watcher-catch-up",
			File:    "core/store/snapshot.go",
			Find:    `	s.catchUpWatchers(seen + 1)`,
			Replace: `	_ = seen`,
			Bug:     "restoring a snapshot leaves registered watchers where they were: they silently miss the events the snapshot covered",
		},
		{
			Name:    "store-update-resets-created-index",
			File:    "core/store/write.go",
			Find:    `	return s.rewrite(ns, n, value, n.createdIndex, r, ActionUpdate), nil`,
			Replace: `	return s.rewrite(ns, n, value, s.index+1, r, ActionUpdate), nil`,
			Bug:     "an update (prevExist=true) gives the node a new createdIndex instead of keeping it",
		},
		{
			Name:    "store-set-keeps-created-index",
			File:    "core/store/write.go",
			Find:    `		return s.rewrite(ns, old, value, s.index+1, r, ActionSet), nil`,
			Replace: `		return s.rewrite(ns, old, value, old.createdIndex, r, ActionSet), nil`,
			Bug:     "a set over an existing file rewrites it in place and keeps its createdIndex, though a set makes a new node",
		},
		{
			Name: "store-set-keeps-old-ttl",
			File: "core/store/write.go",
			Find: `	n.expires, n.expiration = r.expiring(), r.Expiration
	if !n.expires {
		n.expiration = 0
	}`,
			Replace: `	if r.expiring() {
		n.expires, n.expiration = true, r.Expiration
	}`,
			Bug: "a write without TTL on a key that has one keeps the old TTL: a permanent value still expires",
		},
	}
}

func walMutants() []Mutant {
	return []Mutant{
		{
			Name: "wal-replay-keeps-first-hard-state",
			File: "core/wal/replay.go",
			Find: `	case recordHardState:
		s.hardState = rec.hardState`,
			Replace: `	case recordHardState:
		if s.hardState.IsEmpty() {
			s.hardState = rec.hardState
		}`,
			Bug: "replay keeps the first hard state it reads instead of the last: a restarted node regresses its term and forgets its vote",
		},
		{
			Name: "wal-replay-overwrites-without-truncating",
			File: "core/wal/logstate.go",
			Find: `			s.ents = append(s.ents[:e.Index-s.start], e)
			s.next = e.Index + 1`,
			Replace: `			if e.Index < s.next {
				s.ents[e.Index-s.start] = e
				continue
			}
			s.ents = append(s.ents, e)
			s.next = e.Index + 1`,
			Bug: "replay overwrites a conflicting entry but keeps the stale entries after it: a restarted follower resurrects a truncated suffix",
		},
		{
			Name: "wal-flush-counts-as-sync",
			File: "core/wal/wal.go",
			Find: `	w.buf = w.buf[:0]
	w.fileEnd = max(w.fileEnd, w.fileSize)`,
			Replace: `	w.buf = w.buf[:0]
	w.unsynced = false
	w.fileEnd = max(w.fileEnd, w.fileSize)`,
			Bug: "a write to the file is taken for a durable one, so Sync skips the fsync: acknowledged entries vanish in a power failure",
		},
		{
			Name: "wal-segment-no-dir-fsync",
			File: "core/wal/snapfile.go",
			Find: `	if err := fs.SyncDir(dir); err != nil {
		return fmt.Errorf("fsync dir %s: %w", dir, err)
	}
	return nil
}`,
			Replace: `	return nil
}`,
			Bug: "a new segment or snapshot file is renamed into place without fsyncing the directory: a crash loses the file and everything synced into it",
		},
		{
			// (Not fsyncing the cut of a torn tail was here: it is harmless, since nothing durable is
			// written after the torn bytes before the next fsync, which makes the cut durable too.)
			Name: "wal-torn-tail-cuts-last-record",
			File: "core/wal/replay.go",
			Find: `	off := 0
	for off < len(buf) {
		rec, size, err := parser.parse(buf[off:])
		if err != nil {
			if last && off > 0 && isTornTail(buf, off, size, err) {
				out.validEnd, out.tornTail, out.zeroTail, out.fileLen = int64(off), true, isRoom(buf, off), int64(len(buf))
				return nil
			}
			return corruptAt(path, off, "%v", err)
		}
		if off == 0 {
			if err := checkHeader(rec, seg, first, out.lastCRC); err != nil {
				return corruptAt(path, 0, "%v", err)
			}
		} else if err := applyRecord(out.state, rec); err != nil {
			return corruptAt(path, off, "%v", err)
		}
		out.lastCRC = rec.crc
		off += size`,
			Replace: `	off, prev := 0, 0
	for off < len(buf) {
		rec, size, err := parser.parse(buf[off:])
		if err != nil {
			if last && off > 0 && isTornTail(buf, off, size, err) {
				if prev > 0 {
					off = prev // the record before the torn one may be torn too: cut it as well
				}
				out.validEnd, out.tornTail, out.zeroTail, out.fileLen = int64(off), true, isRoom(buf, off), int64(len(buf))
				return nil
			}
			return corruptAt(path, off, "%v", err)
		}
		if off == 0 {
			if err := checkHeader(rec, seg, first, out.lastCRC); err != nil {
				return corruptAt(path, 0, "%v", err)
			}
		} else if err := applyRecord(out.state, rec); err != nil {
			return corruptAt(path, off, "%v", err)
		}
		out.lastCRC = rec.crc
		prev = off
		off += size`,
			Bug: "torn-tail repair cuts the last whole record too, though it was written and fsynced before the torn one: an acknowledged entry is lost",
		},
		{
			// (Taking an installed snapshot for a local compaction at replay was here: it only keeps
			// stale entries of an older term after the snapshot, which the leader's next append
			// truncates and which can never be committed or win an election: harmless.)
			Name: "wal-cut-before-fsync",
			File: "core/wal/wal.go",
			Find: `	if err := w.flush(); err != nil {
		return err
	}
	if w.unsynced {`,
			Replace: `	if err := w.flush(); err != nil {
		return err
	}
	if w.fileSize >= w.opts.SegmentSize && w.fileSize > w.prologueSize {
		if err := w.cut(); err != nil {
			return err
		}
	}
	if w.unsynced {`,
			Bug: "a full segment is closed and the next one started before the full one is fsynced: its last records, already acknowledged, are lost in a crash",
		},
	}
}

func apiMutants() []Mutant {
	return []Mutant{
		{
			Name: "v2keys-prev-exist-drops-compare",
			File: "core/v2keys/call.go",
			Find: `		if p.PrevIndex == 0 && p.PrevValue == "" {
			return store.OpUpdate
		}
		return store.OpCompareAndSwap`,
			Replace: `		return store.OpUpdate`,
			Bug:     "PUT prevExist=true with prevValue or prevIndex is taken for a plain update: the compare is dropped",
		},
		{
			Name: "v2keys-cad-on-index-deletes",
			File: "core/v2keys/call.go",
			Find: `	if p.PrevIndex > 0 || p.PrevValue != "" {
		return store.OpCompareAndDelete
	}`,
			Replace: `	if p.PrevValue != "" {
		return store.OpCompareAndDelete
	}`,
			Bug: "DELETE with prevIndex alone deletes unconditionally",
		},
		{
			Name:    "v2keys-quorum-read-served-locally",
			File:    "core/v2keys/call.go",
			Find:    `	case method == http.MethodGet && p.Quorum:`,
			Replace: `	case method == http.MethodGet && p.Quorum && p.Recursive:`,
			Bug:     "quorum=true is honoured only for recursive reads; other quorum reads are served from the local store, possibly stale",
		},
		{
			Name:    "v2keys-etcd-index-from-raft",
			File:    "core/v2keys/response.go",
			Find:    `	index := rep.EtcdIndex`,
			Replace: `	index := rep.RaftIndex`,
			Bug:     "a reply's X-Etcd-Index is the raft index of its entry instead of the store's index (both are called index in the code)",
		},
		{
			Name: "v2keys-prev-exist-false-sets",
			File: "core/v2keys/call.go",
			Find: `	case p.PrevExist != nil:
		return store.OpCreate`,
			Replace: `	case p.PrevExist != nil:
		return store.OpSet`,
			Bug: "PUT prevExist=false is taken for a plain set: a create overwrites an existing key",
		},
		{
			Name: "v2keys-412-answered-200",
			File: "core/v2keys/response.go",
			Find: `	return Response{Status: e.StatusCode(), EtcdIndex: e.Index, Error: e}`,
			Replace: `	status := e.StatusCode()
	if status == http.StatusPreconditionFailed {
		status = http.StatusOK
	}
	return Response{Status: status, EtcdIndex: e.Index, Error: e}`,
			Bug: "a failed precondition (412: compare failed, key exists) is answered with status 200: clients take the refused write for a success",
		},
		{
			Name:    "v2keys-watch-drops-wait-index",
			File:    "core/v2keys/call.go",
			Find:    `			Stream: p.Stream, WaitIndex: p.WaitIndex}`,
			Replace: `			Stream: p.Stream}`,
			Bug:     "a watch's waitIndex is ignored: a watcher that reconnects from the index it reached misses the events in between",
		},
		{
			Name: "v2members-learner-added-as-voter",
			File: "core/v2members/translate.go",
			Find: `		kind := node.KindMemberAdd
		if add.IsLearner {
			kind = node.KindMemberAddLearner
		}`,
			Replace: `		kind := node.KindMemberAdd`,
			Bug:     "POST /v2/members drops isLearner: a learner joins as a voter before it has caught up, growing the quorum with a member that cannot vote yet",
		},
		{
			Name:    "v2members-refused-change-answered-success",
			File:    "core/v2members/response.go",
			Find:    `	case err == nil && add:`,
			Replace: `	case (err == nil || errors.Is(err, node.ErrNotEnoughStartedMembers)) && add:`,
			Bug:     "an addition refused by the strict reconfiguration check is answered 201: the operator starts a member the cluster never admitted",
		},
	}
}

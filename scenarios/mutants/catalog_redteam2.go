package mutants

// redteam2Mutants are the second red team's bugs (lab-power issue, /work/redteam2/bugs): written from
// the code and the literature without reading the rest of this catalog, measured with labd hunt
// before being added here. Their names are "<package>-rt2-<what goes wrong>".
//
// Left out: the red team's raft-rt2-commit-beyond-last-new (a follower committing the leader's commit
// index instead of min(leader commit, last new entry), Figure 2 AppendEntries rule 5) is an
// equivalent mutant for a whole cluster here: this leader never sends an append whose entries all
// match a follower's log while the follower's log goes on with other entries (a new leader's first
// append carries its no-op; the reject hint lands on the first divergence; stale-term messages are
// refused), so no schedule can tell it from correct code (20,000 runs of core/raft's chaos driver
// with duplication and one-entry appends opened no window). core/raft's
// TestFigure2AppendEntriesReceiver ("5: commit is capped at the last new entry") catches it.
func redteam2Mutants() []Mutant {
	return []Mutant{
		{
			Name: `raft-rt2-learner-campaigns`,
			File: `core/raft/raft.go`,
			Find: `	return r.confKnown && pr != nil && !pr.isLearner && r.log.unstable.snapshot == nil
`,
			Replace: `	return r.confKnown && pr != nil && r.log.unstable.snapshot == nil
`,
			Bug: `promotable() forgets to exclude learners (core/raft/raft.go): a learner times out, campaigns and can win an election with voters' votes, becoming a leader outside the voter set. etcd-io/raft learner fixes ("learner should not campaign"/MsgTimeoutNow to learners), etcd 3.4 learner design doc.`,
		},
		{
			Name: `raft-rt2-snapshot-discards-matching-log`,
			File: `core/raft/follower.go`,
			Find: `	if r.log.matchTerm(md.Index, md.Term) {
`,
			Replace: `	if r.log.matchTerm(md.Index, md.Term) && md.Index == r.log.lastIndex() {
`,
			Bug: `a follower that already holds the snapshot's last entry keeps its log only when that entry is its last one; otherwise it installs the snapshot and drops the (matching, acknowledged) entries after it (core/raft/follower.go restore). Raft paper Figure 13 InstallSnapshot rule 6 ("if existing log entry has same index and term as snapshot's last included entry, retain log entries following it"); a delayed/duplicated MsgSnap erases acknowledged entries.`,
		},
		{
			Name: `raft-rt2-stale-vote-response-counted`,
			File: `core/raft/step.go`,
			Find: `	case m.Term < r.term:
		if m.Type == MsgHeartbeat || m.Type == MsgApp {
`,
			Replace: `	case m.Term < r.term && m.Type != MsgVoteResp:
		if m.Type == MsgHeartbeat || m.Type == MsgApp {
`,
			Bug: `the lower-term guard in Step lets MsgVoteResp through, so a candidate counts grants (and refusals) cast in an earlier election of its own (core/raft/step.go). Students' Guide to Raft ("term confusion": drop replies from older terms); yields two leaders in one term.`,
		},
		{
			Name: `node-rt2-dedup-only-on-submit`,
			File: `core/node/apply.go`,
			Find: `	if r, ok := n.dedup.lookup(env.ID); ok && env.ID != 0 {
		n.cfg.Marks.Hit(mark.NodeDedupOnApply)
		n.resolve(env.ID, r, nil)
		return
	}
	var r appliedResult
`,
			Replace: `	var r appliedResult
`,
			Bug: `the request-ID table is consulted when a request is submitted but no longer when its entry is applied (core/node/apply.go): a write resubmitted across a leader change whose first copy also commits is applied twice. Request dedup across leader changes (Raft thesis §6.3 "client sessions"; Jepsen's duplicate-apply findings).`,
		},
		{
			Name: `node-rt2-snapshot-forgets-removed-members`,
			File: `core/node/snapshot_data.go`,
			Find: `	for _, id := range meta.Removed {
		ms.removed[id] = true
	}
`,
			Replace: ``,
			Bug:     `restoring snapshot data drops the removed-member set (core/node/snapshot_data.go): a replica restored from a snapshot accepts the re-addition of a removed ID (others refuse it: divergent membership) and a removed member installing a snapshot does not learn it was removed. etcd membership store "removed member IDs must be permanent" (etcd's RemovedMember bucket, issue history around member re-add after remove).`,
		},
		{
			Name: `node-rt2-reconfig-remove-counts-removed`,
			File: `core/node/reconfig.go`,
			Find: `		if m.Name != "" && !ms.learners[id] && !(req.Kind == KindMemberRemove && id == req.MemberID) {
`,
			Replace: `		if m.Name != "" && !ms.learners[id] {
`,
			Bug: `the strict reconfiguration check counts the member being removed as started (core/node/reconfig.go): removing a member that leaves fewer started voters than a quorum is accepted and the cluster loses its quorum. etcd --strict-reconfig-check isReadyToRemoveVotingMember (etcd issue #7823-era "removing member makes cluster unavailable").`,
		},
		{
			Name: `store-rt2-prefix-without-separator`,
			File: `core/store/paths.go`,
			Find: `	return len(p) > len(dir) && p[len(dir)] == '/' && strings.HasPrefix(p, dir)
`,
			Replace: `	return len(p) > len(dir) && strings.HasPrefix(p, dir)
`,
			Bug: `the "is key under dir" test lacks the '/' boundary (core/store/paths.go): a recursive watch on /a replays events of /ab from history, and deleting directory /a notifies watchers of /ab. etcd v2 watcher hub path-prefix bugs ("/foo" matching "/foobar").`,
		},
		{
			Name: `store-rt2-refresh-update-drops-value`,
			File: `core/store/write.go`,
			Find: `	value := r.Value
	if r.Refresh {
		value = n.value
	}
	return s.rewrite(ns, n, value, n.createdIndex, r, ActionUpdate), nil
`,
			Replace: `	return s.rewrite(ns, n, r.Value, n.createdIndex, r, ActionUpdate), nil
`,
			Bug: `PUT refresh=true with prevExist=true replaces the value by the empty refresh value instead of keeping it (core/store/write.go update). etcd v2.3 refresh semantics (refresh must not change the value, etcd #5150-era refresh fixes).`,
		},
		{
			Name: `store-rt2-ttl-change-not-reordered`,
			File: `core/store/ttl.go`,
			Find: `	case n.expires && n.heapIndex >= 0:
		heap.Fix(q, n.heapIndex)
`,
			Replace: `	case n.expires && n.heapIndex >= 0:
`,
			Bug: `changing the TTL of a key already in the TTL heap does not fix its heap position (core/store/ttl.go): a key whose TTL was shortened expires only when the keys above it do, a lengthened one blocks or expires early. etcd v2 ttlKeyHeap.update (heap.Fix) bug class.`,
		},
		{
			Name: `wal-rt2-torn-tail-kept-as-room`,
			File: `core/wal/wal.go`,
			Find: `	if rep.tornTail && rep.zeroTail && w.keepsRoom(f) {
`,
			Replace: `	if rep.tornTail && w.keepsRoom(f) {
`,
			Bug: `on open, a torn tail is taken for preallocated zero room whenever the file keeps room, so it is not cut (core/wal/wal.go openTail): new records overwrite only a prefix of the torn bytes, and the leftover half-record behind them makes the next replay fail (member cannot restart) or cuts records there. etcd WAL ZeroToEnd after repair / 'wal: crc mismatch' after power failure (etcd #5250-era torn-write fixes).`,
		},
		{
			Name: `wal-rt2-vote-change-not-logged`,
			File: `core/wal/wal.go`,
			Find: `	if !hs.IsEmpty() && hs != w.hardState {
`,
			Replace: `	if !hs.IsEmpty() && (hs.Term != w.hardState.Term || hs.Commit != w.hardState.Commit) {
`,
			Bug: `Save writes the hard state only when term or commit changed (core/wal/wal.go): a vote cast within the current term is never made durable; after a restart the member votes again in that term. etcd raft IsEmptyHardState/isHardStateEqual + MustSync (vote within term must be synced); Raft Figure 2 persistent votedFor.`,
		},
		{
			Name: `v2keys-rt2-watch-drops-recursive`,
			File: `core/v2keys/call.go`,
			Find: `		return Call{Route: RouteWatch, Request: node.Request{Key: p.Key, Recursive: p.Recursive, Now: p.Now},
`,
			Replace: `		return Call{Route: RouteWatch, Request: node.Request{Key: p.Key, Now: p.Now},
`,
			Bug: `GET wait=true&recursive=true is translated into a non-recursive watch (core/v2keys/call.go Plan): watchers of a directory never see changes below it. etcd v2 API keys.go parse (recursive with wait); etcd client watcher bugs.`,
		},
		{
			Name: `v2keys-rt2-put-prev-index-alone-sets`,
			File: `core/v2keys/call.go`,
			Find: `	case p.PrevIndex > 0 || p.PrevValue != "":
		return store.OpCompareAndSwap
	default:
		return store.OpSet
`,
			Replace: `	case p.PrevValue != "":
		return store.OpCompareAndSwap
	default:
		return store.OpSet
`,
			Bug: `PUT with prevIndex and no prevValue/prevExist is translated into a plain set (core/v2keys/call.go putOp): an index-fenced compare-and-swap always succeeds. etcd v2 apply_v2.go Put (prevIndex>0 || prevValue!="" → CompareAndSwap); fenced writes in Jepsen etcd tests.`,
		},
	}
}

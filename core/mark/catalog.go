package mark

// The marks, by package. Each is placed on one rare path; its doc says which.
const (
	// core/raft
	RaftLogTruncated Mark = iota
	RaftAppendRejected
	RaftAppendBelowCommit
	RaftRejectHintSkipsTerm
	RaftSnapshotSent
	RaftSnapshotRestored
	RaftSnapshotStale
	RaftSnapshotPresumedLost
	RaftPreVoteLost
	RaftElectionLost
	RaftVoteRejectedLog
	RaftVoteIgnoredInLease
	RaftVoteFromNonMember
	RaftStaleTermAnswered
	RaftCheckQuorumStepDown
	RaftTransferStarted
	RaftTransferTimeoutNow
	RaftTransferAborted
	RaftTransferCampaign
	RaftProposalDroppedTransfer
	RaftProposalForwarded
	RaftConfChangeRefusedPending
	RaftLeaderRemovedSelf
	RaftLearnerAdded
	RaftLearnerPromoted
	RaftConfChangeCommits
	RaftReadIndexDeferred
	RaftReadIndexForwarded
	RaftReadIndexBatched
	RaftInflightsFull

	// core/node
	NodeDedupOnSubmit
	NodeDedupOnApply
	NodeRequestParked
	NodeRequestsResubmitted
	NodeParkedRetried
	NodeParkedExpired
	NodeRequestCanceled
	NodeReconfigRefused
	NodeRequestTimeout
	NodeProposalRefused
	NodeWriteBatch
	NodeReadWaitsForApply
	NodeTTLSyncProposed
	NodeSnapshotTaken
	NodeSnapshotForced
	NodeSnapshotInstalled
	NodeRestartFromSnapshot
	NodeRestartReplay
	NodeConfChangeRefusedOnApply
	NodeSelfRemoved
	NodeStorageFailed

	// core/store
	StoreCompareIndexMatched
	StoreCompareFailed
	StoreCreateInOrder
	StoreMkdir
	StoreRmdir
	StoreDeleteRecursive
	StoreDirNotEmpty
	StoreNotFile
	StoreRefresh
	StoreTTLMadePermanent
	StoreExpired
	StoreHiddenKeyWritten
	StoreWatchReplayed
	StoreWatchCleared
	StoreWatcherOverflow
	StoreHistoryWrapped
	StoreRecovered
	StoreRecoveryClosedWatcher

	// core/wal
	WALTornTailCut
	WALSegmentCut
	WALSegmentReleased
	WALSnapshotSaved
	WALReplayTruncated
	WALReplaySnapshotReplacedLog
	WALSyncFailed

	count
)

type info struct{ name, doc string }

// catalog names and documents every mark; it is read-only.
var catalog = [count]info{
	RaftLogTruncated:             {"raft.log-truncated", "a follower cut a conflicting suffix of its log to take the leader's entries"},
	RaftAppendRejected:           {"raft.append-rejected", "a follower rejected an append whose previous entry it does not hold"},
	RaftAppendBelowCommit:        {"raft.append-below-commit", "a follower answered a stale append (below its commit index) with its commit index"},
	RaftRejectHintSkipsTerm:      {"raft.reject-hint-skips-term", "a leader used a rejection's term hint to skip back over a whole term"},
	RaftSnapshotSent:             {"raft.snapshot-sent", "a leader sent a snapshot to a follower whose entries it compacted"},
	RaftSnapshotRestored:         {"raft.snapshot-restored", "a follower replaced its log with the leader's snapshot"},
	RaftSnapshotStale:            {"raft.snapshot-stale", "a follower ignored a snapshot its commit index already covers"},
	RaftSnapshotPresumedLost:     {"raft.snapshot-presumed-lost", "a leader gave up waiting for a snapshot and probed the follower again"},
	RaftPreVoteLost:              {"raft.prevote-lost", "a pre-candidate lost its pre-election and stayed at its term"},
	RaftElectionLost:             {"raft.election-lost", "a candidate lost its election"},
	RaftVoteRejectedLog:          {"raft.vote-rejected-log", "a vote was refused because the candidate's log is behind the voter's"},
	RaftVoteIgnoredInLease:       {"raft.vote-ignored-in-lease", "a vote request of a higher term was ignored: the voter heard from a leader within the election timeout"},
	RaftVoteFromNonMember:        {"raft.vote-from-non-member", "a vote request from a node outside the configuration was ignored"},
	RaftStaleTermAnswered:        {"raft.stale-term-answered", "an append or heartbeat of an older term was answered so that the stale leader steps down"},
	RaftCheckQuorumStepDown:      {"raft.check-quorum-step-down", "a leader that did not hear from a quorum for an election timeout stepped down"},
	RaftTransferStarted:          {"raft.transfer-started", "a leader started a leadership transfer"},
	RaftTransferTimeoutNow:       {"raft.transfer-timeout-now", "a leader told the caught-up transferee to campaign now"},
	RaftTransferAborted:          {"raft.transfer-aborted", "a leadership transfer timed out and was abandoned"},
	RaftTransferCampaign:         {"raft.transfer-campaign", "a follower campaigned at once on the leader's request (MsgTimeoutNow)"},
	RaftProposalDroppedTransfer:  {"raft.proposal-dropped-transfer", "a leader refused a proposal during a leadership transfer"},
	RaftProposalForwarded:        {"raft.proposal-forwarded", "a follower forwarded a proposal to the leader"},
	RaftConfChangeRefusedPending: {"raft.conf-change-refused-pending", "a leader refused a conf change while an earlier one was not yet applied"},
	RaftLeaderRemovedSelf:        {"raft.leader-removed-self", "a leader applied its own removal and stepped down"},
	RaftLearnerAdded:             {"raft.learner-added", "a learner joined the configuration"},
	RaftLearnerPromoted:          {"raft.learner-promoted", "a learner was promoted to voter"},
	RaftConfChangeCommits:        {"raft.conf-change-commits", "a leader committed entries because a conf change shrank its quorum"},
	RaftReadIndexDeferred:        {"raft.read-index-deferred", "a new leader deferred a read index until its first entry of the term commits"},
	RaftReadIndexForwarded:       {"raft.read-index-forwarded", "a follower forwarded a read-index request to the leader"},
	RaftReadIndexBatched:         {"raft.read-index-batched", "one heartbeat quorum confirmed several read-index requests at once"},
	RaftInflightsFull:            {"raft.inflights-full", "a leader's pipeline to a follower was full and a heartbeat answer freed a slot"},

	NodeDedupOnSubmit:            {"node.dedup-on-submit", "a retried write whose request ID was already applied got its remembered result"},
	NodeDedupOnApply:             {"node.dedup-on-apply", "a committed entry repeating an applied request ID was skipped"},
	NodeRequestParked:            {"node.request-parked", "a request refused for want of a leader was parked instead of answered"},
	NodeRequestsResubmitted:      {"node.requests-resubmitted", "a new leader made the node submit every waiting request again"},
	NodeParkedRetried:            {"node.parked-retried", "parked requests were submitted again once a leader was known"},
	NodeParkedExpired:            {"node.parked-expired", "a parked request reached its deadline and got the refusal that parked it"},
	NodeRequestCanceled:          {"node.request-canceled", "the client of a waiting request gave up and the node forgot it"},
	NodeReconfigRefused:          {"node.reconfig-refused", "the strict reconfiguration check refused a membership change"},
	NodeRequestTimeout:           {"node.request-timeout", "a waiting request timed out"},
	NodeProposalRefused:          {"node.proposal-refused", "raft refused a proposal (no leader, transfer, conf change pending)"},
	NodeWriteBatch:               {"node.write-batch", "several queued writes were proposed in one raft step"},
	NodeReadWaitsForApply:        {"node.read-waits-for-apply", "a confirmed quorum read waited for the apply to reach its read index"},
	NodeTTLSyncProposed:          {"node.ttl-sync-proposed", "the leader proposed the expiry of TTL keys"},
	NodeSnapshotTaken:            {"node.snapshot-taken", "a node took a snapshot and compacted its log"},
	NodeSnapshotForced:           {"node.snapshot-forced", "a node snapshotted at once because a member was added"},
	NodeSnapshotInstalled:        {"node.snapshot-installed", "a node installed a snapshot received from the leader"},
	NodeRestartFromSnapshot:      {"node.restart-from-snapshot", "a node restarted from a snapshot on its disk"},
	NodeRestartReplay:            {"node.restart-replay", "a node restarted with log entries on its disk"},
	NodeConfChangeRefusedOnApply: {"node.conf-change-refused-on-apply", "a committed membership change was no longer valid and applied as a no-op"},
	NodeSelfRemoved:              {"node.self-removed", "a node applied its own removal"},
	NodeStorageFailed:            {"node.storage-failed", "a node stopped after its storage failed"},

	StoreCompareIndexMatched:   {"store.compare-index-matched", "a compare-and-swap or -delete matched on prevIndex"},
	StoreCompareFailed:         {"store.compare-failed", "a compare-and-swap or -delete failed its compare (101)"},
	StoreCreateInOrder:         {"store.create-in-order", "a POST created an in-order key"},
	StoreMkdir:                 {"store.mkdir", "a directory was created"},
	StoreRmdir:                 {"store.rmdir", "an empty directory was removed (dir=true)"},
	StoreDeleteRecursive:       {"store.delete-recursive", "a directory with children was removed recursively"},
	StoreDirNotEmpty:           {"store.dir-not-empty", "removing a directory failed because it has children (108)"},
	StoreNotFile:               {"store.not-file", "a file operation met a directory (102) or a directory operation a file (104)"},
	StoreRefresh:               {"store.refresh", "a TTL was refreshed without changing the value"},
	StoreTTLMadePermanent:      {"store.ttl-made-permanent", "a write without TTL made an expiring key permanent"},
	StoreExpired:               {"store.expired", "a TTL key expired"},
	StoreHiddenKeyWritten:      {"store.hidden-key-written", "a hidden key (a segment starting with _) was written"},
	StoreWatchReplayed:         {"store.watch-replayed", "a watch from a past index was served from the event history"},
	StoreWatchCleared:          {"store.watch-cleared", "a watch from an index older than the event history got 401"},
	StoreWatcherOverflow:       {"store.watcher-overflow", "a watcher whose buffer overflowed was closed"},
	StoreHistoryWrapped:        {"store.history-wrapped", "the event history dropped its oldest event"},
	StoreRecovered:             {"store.recovered", "a store was replaced by a snapshot"},
	StoreRecoveryClosedWatcher: {"store.recovery-closed-watcher", "a snapshot restore closed a watcher whose next event left the history"},

	WALTornTailCut:               {"wal.torn-tail-cut", "recovery cut off a torn last record"},
	WALSegmentCut:                {"wal.segment-cut", "a full segment was closed and a new one started"},
	WALSegmentReleased:           {"wal.segment-released", "a segment older than the previous snapshot was deleted"},
	WALSnapshotSaved:             {"wal.snapshot-saved", "a snapshot file was written and logged"},
	WALReplayTruncated:           {"wal.replay-truncated", "replay met an entry that replaced later ones (a conflict truncation on disk)"},
	WALReplaySnapshotReplacedLog: {"wal.replay-snapshot-replaced-log", "replay met a snapshot that replaced the log (a follower's install)"},
	WALSyncFailed:                {"wal.sync-failed", "an fsync failed and the WAL stopped"},
}

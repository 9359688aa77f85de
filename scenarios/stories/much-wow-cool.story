# The talk's log replication walk-through: "much" is committed everywhere, a partition leaves the
# leader with one follower, "wow" is never committed, the majority elects a new leader in term 2 and
# commits "cool", the network heals, the old leader steps down and "wow" is discarded.
story much-wow-cool
title "RAFT - Log Replication (with network partitions)"
cluster n1 n2 n3 n4 n5
seed 1
heartbeat 100ms
election 1000ms
latency 1ms..5ms
# The slides' old leader keeps believing it leads until it sees term 2. With check-quorum (raftlab's
# default) an isolated leader steps down by itself after an election timeout: see
# much-wow-cool-check-quorum.story. This story reproduces the slides exactly.
check-quorum off

step "Five followers; n1 times out first, becomes candidate and wins the vote"
campaign n1
wait until leader elected within 5s
# T1 is the term n1 won (term 1 on the slides). Raft promises that terms grow, not which number
# an election ends in, so the story names terms by label.
expect leader n1 term T1
expect logs {n1,n2,n3,n4,n5}: empty

step "A new log entry is added to the leader and replicated on the next heartbeat"
set /message much on n1 as much
expect much ok
wait for 300ms
expect logs {n1,n2,n3,n4,n5}: 1 much
expect committed {n1,n2,n3,n4,n5} 1

step "A network partition makes a majority of nodes inaccessible from the leader"
partition {n1,n2} {n3,n4,n5}
set /message wow on n1 as wow async
wait for 300ms
expect logs {n1,n2}: 1 much, 2 wow (uncommitted)
expect logs {n3,n4,n5}: 1 much
expect leader n1 term T1

step "After an election timeout one disconnected follower becomes a candidate and wins in term 2"
wait until leader elected among {n3,n4,n5} within 10s
let new-leader = leader
# Term 2 on the slides; a split vote among n3, n4 and n5 spends a term, so T2 is any later term.
expect leader among {n3,n4,n5} term T2 after T1
expect n1 is leader

step "A log entry is added to the new leader and committed by the majority"
set /message cool on new-leader as cool
expect cool ok
wait for 300ms
expect logs {n3,n4,n5}: 1 much, 2 cool
expect logs {n1,n2}: 1 much, 2 wow (uncommitted)
# wow's client gives up (its request times out) before the network heals. Its write's outcome is
# then unknown: Raft, like etcd, promises nothing about a write whose client gave up. It may still
# land (a server that does not notice the client went away submits it again to the new leader
# after the heal), so the last read below asks for what Raft does promise: a linearizable answer.
wait until wow done within 5s
expect wow not ok

step "The network recovers; the leader of term 1 steps down after seeing term 2"
heal
wait until n1 is follower within 5s
wait until logs converge within 5s
expect term n1 T2

step "Uncommitted entries from disconnected nodes are discarded"
expect logs {n1,n2,n3,n4,n5}: 1 much, 2 cool
expect committed {n1,n2,n3,n4,n5} 2
# cool, or wow if wow's write landed after it: either is linearizable, much (or nothing) is not.
qget /message as read
expect read ok
expect linearizable

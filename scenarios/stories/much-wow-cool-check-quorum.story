# much-wow-cool with check-quorum on (raftlab's default): the leader cut off with a minority does
# not wait to see term 2; it steps down by itself once it has not heard from a majority for an
# election timeout, so a client talking to it is told there is no leader instead of waiting.
story much-wow-cool-check-quorum
title "RAFT - Log Replication (with network partitions), check-quorum on"
cluster n1 n2 n3 n4 n5
seed 1
heartbeat 100ms
election 1000ms
latency 1ms..5ms
check-quorum on

step "Five followers; n1 times out first, becomes candidate and wins the vote"
campaign n1
wait until leader elected within 5s
# T1 is the term n1 won (term 1 on the slides): stories name terms by label, see much-wow-cool.
expect leader n1 term T1

step "much is replicated and committed everywhere"
set /message much on n1 as much
expect much ok
wait for 300ms
expect logs {n1,n2,n3,n4,n5}: 1 much
expect committed {n1,n2,n3,n4,n5} 1

step "A partition leaves n1 with only n2; wow reaches n2 but cannot commit"
partition {n1,n2} {n3,n4,n5}
set /message wow on n1 as wow async
wait for 300ms
expect logs {n1,n2}: 1 much, 2 wow (uncommitted)
expect logs {n3,n4,n5}: 1 much
expect n1 is leader

step "Check-quorum: n1 has not heard from a majority for an election timeout and steps down by itself"
wait until n1 is follower within 3s
expect no leader among {n1,n2}
expect term n1 T1

step "The majority elects a leader in term 2 and commits cool"
wait until leader elected among {n3,n4,n5} within 10s
expect leader among {n3,n4,n5} term T2 after T1
set /message cool as cool
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

step "The network recovers: n1 and n2 learn term 2 and the uncommitted wow is replaced by cool"
heal
wait until logs converge within 5s
expect term n1 T2
expect logs {n1,n2,n3,n4,n5}: 1 much, 2 cool
expect committed {n1,n2,n3,n4,n5} 2
# cool, or wow if wow's write landed after it: either is linearizable, much (or nothing) is not.
qget /message as read
expect read ok
expect linearizable

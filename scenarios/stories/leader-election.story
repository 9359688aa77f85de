# The talk's leader election: five followers wait for a heartbeat; one times out first, becomes a
# candidate, votes for itself, asks the others and wins with a majority; its heartbeats then keep
# every other node a follower.
story leader-election
title "RAFT - Leader Election"
cluster n1 n2 n3 n4 n5
seed 1
heartbeat 100ms
election 1000ms
latency 1ms..5ms
# The slides' candidate asks for votes at once; raftlab's default pre-vote round would first show it
# as a pre-candidate.
pre-vote off

step "Five nodes start as followers with no leader"
expect no leader
expect n1 is follower
expect n3 is follower
expect n5 is follower
expect term n2 0

step "n2's election timer runs out first: it becomes a candidate in term 1 and asks for votes"
campaign n2
expect n2 is candidate
expect term n2 1
expect term n1 0
wait until leader elected within 2s
expect leader n2 term 1

step "With votes from a majority n2 is leader; the others are followers in term 1"
# n2 leads as soon as a majority voted; a follower whose vote request is still on the wire learns
# term 1 from n2's first append, which every node has once the logs converge.
wait until logs converge within 2s
expect n1 is follower
expect n3 is follower
expect n4 is follower
expect n5 is follower
expect term n1 1
expect term n5 1

step "Heartbeats keep the followers from timing out: ten election timeouts later n2 still leads"
wait for 10s
expect leader n2 term 1
expect n4 is follower
expect logs {n1,n2,n3,n4,n5}: empty

step "The leader serves clients"
set /message hello as hello
expect hello ok
qget /message on n4 as read
expect read value hello
expect linearizable

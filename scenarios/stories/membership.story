# Membership changes one node at a time: grow a three-node cluster to five, remove the leader
# itself (it hands over by stepping down once its removal commits), shrink back to three, and
# keep writing throughout. (Membership faults can be named with `as NAME` like client operations.)
story membership
title "Growing and shrinking the cluster while writes go on"
cluster n1 n2 n3
seed 7
heartbeat 100ms
election 1000ms
latency 1ms..5ms

step "Three nodes elect n1 and store a value"
campaign n1
wait until leader elected within 5s
expect leader n1 term 1
set /config v1 as w1
expect w1 ok

step "n4 joins: the change commits, n4 catches up from a snapshot and serves the value"
member add n4 as add4
wait until add4 done within 5s
expect add4 ok
wait for 1s
expect n4 is follower
get /config on n4 as n4-read
expect n4-read value v1
set /config v2 as w2
expect w2 ok

step "n5 joins: five members, a majority is now three"
member add n5 as add5
wait until add5 done within 5s
expect add5 ok
wait for 1s
expect n5 is follower
set /config v3 as w3
expect w3 ok
wait for 300ms
get /config on n5 as n5-read
expect n5-read value v3

step "The leader removes itself: once the change commits it steps down and the others elect a leader"
let old-leader = leader
member remove old-leader as rm-leader
wait until rm-leader done within 5s
expect rm-leader ok
wait until leader elected among {n2,n3,n4,n5} within 10s
set /config v4 as w4
expect w4 ok

step "Shrink back to three: remove n2"
member remove n2 as rm2
wait until rm2 done within 5s
expect rm2 ok
wait until leader elected among {n3,n4,n5} within 10s
set /config v5 as w5
expect w5 ok
qget /config as final
expect final value v5
expect available
expect linearizable

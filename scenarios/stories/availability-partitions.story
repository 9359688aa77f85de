# The same arithmetic with a network instead of crashes: a majority side of any partition keeps
# working; when no side has three of five nodes, nothing can be written anywhere.
story availability-partitions
title "Availability: 5 nodes, cut off 1, 2, 3, then one returns"
cluster n1 n2 n3 n4 n5
seed 4
heartbeat 100ms
election 1000ms
latency 1ms..5ms

step "Five connected nodes elect n1"
campaign n1
wait until leader elected within 5s
expect leader n1
expect available

step "n5 is cut off: the leader still reaches three followers"
isolate n5
wait for 2s
expect leader n1
expect available

step "n4 and n5 are cut off from the rest (and from each other): n1, n2, n3 are a majority"
heal
partition {n1,n2,n3} {n4} {n5}
wait for 2s
expect leader among {n1,n2,n3}
expect available

step "Three nodes cut off: n1 and n2 alone cannot commit; the leader steps down (check-quorum)"
heal
partition {n1,n2} {n3} {n4} {n5}
wait for 3s
expect no leader
expect unavailable

step "n3 rejoins n1 and n2: a majority again, a leader is elected, writes succeed"
heal
partition {n1,n2,n3} {n4} {n5}
wait until leader elected among {n1,n2,n3} within 10s
expect available

step "The network heals completely and every log converges"
heal
wait until logs converge within 10s
expect available
expect linearizable

# Why a lock needs a fencing token: client A takes the lock, then stalls (its node is paused, like
# a long GC pause) past its TTL. The lock expires and B takes it, with the same value. When A wakes
# up it still believes it holds the lock; a check on the value alone would let its stale write
# through. Comparing the key's modifiedIndex (the fencing token A got when it acquired) makes it
# fail with 101, while B's write with its own token succeeds.
story lock-fencing
title "Fencing tokens: a stale lock holder's write fails on prev-index"
cluster n1 n2 n3 n4 n5
seed 9
heartbeat 100ms
election 1000ms
latency 1ms..5ms

step "A (through n5) takes the lock for 2s; its fencing token is the key's modifiedIndex"
campaign n1
wait until leader elected within 5s
wait for 300ms
create /lock holder ttl 2s on n5 as a-acquire
expect a-acquire ok

step "A stalls for 5s (n5 is paused): the lease runs out and B (through n2) takes the lock"
pause n5
wait for 3s
qget /lock on n2 as expired
expect expired not found
create /lock holder ttl 10s on n2 as b-acquire
expect b-acquire ok
wait for 2s

step "A wakes up and writes as the holder it believes it is: the token is stale, 101"
resume n5
wait for 1s
cas /lock holder holder prev-index of a-acquire on n5 as a-stale
expect a-stale error 101

step "B's write with its own token goes through"
cas /lock holder holder prev-index of b-acquire on n2 as b-write
expect b-write ok
expect linearizable

# A lock on etcd v2: acquire = create /lock with a TTL (fails with 105 while someone holds it),
# keep it = compare-and-swap the own value with a fresh TTL, lose it = the TTL runs out. Under a
# partition the holder cut off with a minority cannot refresh, so it learns it may have lost the
# lock; the lease expires on the majority side and only then can another client take it.
story lock
title "A TTL lock keeps mutual exclusion under partitions"
cluster n1 n2 n3 n4 n5
seed 8
heartbeat 100ms
election 1000ms
latency 1ms..5ms

step "Client A (on n1) takes the lock for 3s; client B (on n2) is refused with 105"
campaign n1
wait until leader elected within 5s
create /lock a ttl 3s on n1 as a-acquire
expect a-acquire ok
create /lock b ttl 3s on n2 as b-try
expect b-try error 105
set /work done-by-a on n1 as a-work
expect a-work ok

step "A keeps the lock by swapping its own value with a fresh TTL"
cas /lock a a ttl 3s on n1 as a-refresh
expect a-refresh ok
wait for 1s
create /lock b ttl 3s on n2 as b-try2
expect b-try2 error 105

step "n1 (A's node, the leader) is cut off with a minority: A's refresh cannot commit"
partition {n1} {n2,n3,n4,n5}
cas /lock a a ttl 3s on n1 as a-refresh2
expect a-refresh2 not ok
wait until leader elected among {n2,n3,n4,n5} within 10s

step "The lease runs out on the majority side: B takes the lock"
wait for 3s
qget /lock on n2 as gone
expect gone not found
create /lock b ttl 5s on n2 as b-acquire
expect b-acquire ok
set /work done-by-b on n2 as b-work
expect b-work ok

step "The partition heals: A's attempt to refresh fails, the lock is B's"
heal
wait until logs converge within 5s
cas /lock a a ttl 3s on n1 as a-late
expect a-late error 101
qget /lock as owner
expect owner value b
qget /work as work
expect work value done-by-b
expect linearizable

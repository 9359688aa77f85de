# Service discovery with a recursive watch: a client watches /web-service/backends and sees every
# backend registered, removed or expired, in index order, even while the leader crashes and a new
# one takes over (the watcher reconnects from the next index it is owed).
story watch
title "Watching /web-service/backends across a leader change"
cluster n1 n2 n3
seed 5
heartbeat 100ms
election 1000ms
latency 1ms..5ms

step "A leader is elected and a client starts a recursive watch on the backends directory"
wait until leader elected within 5s
watch /web-service/backends recursive as backends

step "Two backends register"
set /web-service/backends/b1 10.0.0.1:80 as b1
set /web-service/backends/b2 10.0.0.2:80 as b2
expect b1 ok
expect b2 ok
set /web-service/other/x ignored
wait for 500ms
expect watch backends events: set /web-service/backends/b1, set /web-service/backends/b2

step "The leader crashes; a new leader is elected"
let old-leader = leader
crash old-leader
wait until leader elected within 10s
expect old-leader is down

step "Under the new leader one backend leaves, another registers with a 2s lease"
delete /web-service/backends/b1 as gone
expect gone ok
create /web-service/backends/b3 10.0.0.3:80 ttl 2s as b3
expect b3 ok
restart old-leader

step "b3's lease runs out: the leader expires it and the watcher sees that too"
wait for 4s
get /web-service/backends/b3 as b3-read
expect b3-read not found
expect watch backends events: set /web-service/backends/b1, set /web-service/backends/b2, delete /web-service/backends/b1, create /web-service/backends/b3, expire /web-service/backends/b3
expect linearizable

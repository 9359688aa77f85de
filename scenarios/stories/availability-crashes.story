# A five-node cluster tolerates two failures: it keeps accepting writes with one and with two nodes
# crashed, stops with three (no majority can form), and is available again when one comes back.
story availability-crashes
title "Availability: 5 nodes, crash 1, 2, 3, then one returns"
cluster n1 n2 n3 n4 n5
seed 3
heartbeat 100ms
election 1000ms
latency 1ms..5ms

step "Five healthy nodes elect a leader and accept writes"
wait until leader elected within 5s
expect available
let first = leader

step "The leader crashes: the other four elect a new leader and stay available"
crash first
wait until leader elected within 10s
expect first is down
expect available

step "A second node crashes (the new leader): three of five are still a majority"
let second = leader
crash second
wait until leader elected within 10s
expect available
set /message still-here as w2
expect w2 ok

step "A third node crashes: two nodes cannot form a majority, writes fail"
let third = leader
crash third
wait for 3s
expect no leader
expect unavailable

step "One crashed node restarts from its disk: three of five again, writes succeed"
restart third
wait until leader elected within 10s
expect available
qget /message as read
expect read value still-here
expect linearizable

# Compare-and-swap: a write that only happens if the key still holds what the client last saw.
# A wrong guess fails with error 101 and the cause etcd gives ([two != one]); the right one swaps.
# Concurrent swappers that all saw the same value race: exactly one wins each round.
story compare-and-swap
title "Compare-and-swap on /foo"
cluster n1 n2 n3
seed 6
heartbeat 100ms
election 1000ms
latency 1ms..5ms

step "/foo holds one"
wait until leader elected within 5s
set /foo one as init
expect init ok

step "cas /foo two three: /foo is one, not two, so the swap fails with 101"
cas /foo two three as wrong
expect wrong error 101 "[two != one]"
qget /foo as still-one
expect still-one value one

step "cas /foo one three: the guess is right and the swap succeeds"
cas /foo one three as right
expect right ok
qget /foo as now-three
expect now-three value three

step "Round 1: three clients on three nodes all try to swap three for their own value"
cas /foo three a1 on n1 as a1 async
cas /foo three b1 on n2 as b1 async
cas /foo three c1 on n3 as c1 async
wait until a1 done within 5s
wait until b1 done within 5s
wait until c1 done within 5s
expect one of {a1,b1,c1} ok

step "Round 2: /foo is set to start; the three race again from there and again exactly one wins"
set /foo start as reset
expect reset ok
cas /foo start a2 on n1 as a2 async
cas /foo start b2 on n2 as b2 async
cas /foo start c2 on n3 as c2 async
wait until a2 done within 5s
wait until b2 done within 5s
wait until c2 done within 5s
expect one of {a2,b2,c2} ok
expect linearizable

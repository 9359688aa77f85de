// Package story parses raftlab's story files: plain-text scripts, readable by someone who has only
// seen the talk, that set up a simulated cluster, drive clients and faults, wait, and assert what the
// slides show.
//
// A story file is a sequence of lines; `#` starts a comment. The header names the story and the
// cluster:
//
//	story much-wow-cool
//	title "RAFT - Log Replication (with network partitions)"
//	cluster n1 n2 n3 n4 n5        (or: cluster 5)
//	seed 1
//	heartbeat 100ms
//	election 1000ms
//	latency 1ms..5ms
//	check-quorum off              (on by default; also pre-vote on|off)
//
// The body is steps, each starting with a caption that is printed like a slide title:
//
//	step "A network partition makes a majority of nodes inaccessible from the leader"
//	say "free text for the narrative"
//	let old-leader = leader       (name the current leader for later lines)
//	campaign n1                   (n1 times out now)
//	transfer leadership to n3
//
// Client operations (the client talks to the current leader unless `on NODE` is given; without
// `async` the story waits for the result):
//
//	set /message much on n1 as much [async] [ttl 5s]
//	get KEY | qget KEY | create KEY V | update KEY V | cas KEY PREV NEW | delete KEY | cad KEY PREV
//	mkdir KEY | watch KEY [recursive] as NAME
//	cas /lock a a prev-index of acquired   (compare against the modifiedIndex operation `acquired` got: a fencing token)
//
// Faults are nemesis faults in their text form: `partition {n1,n2} {n3,n4,n5}`, `heal`,
// `crash n3`, `restart n3`, `pause n2`, `loss 10%`, …
// A membership change can be named like a client operation, to wait for it and check its result:
// `member add n6 as grow`, then `wait until grow done` and `expect grow ok`.
//
// Waits and assertions:
//
//	wait for 2s
//	wait until leader elected [among {n3,n4,n5}] [within 10s]
//	wait until n1 is follower [within 5s]
//	wait until NAME done | wait until logs converge
//	expect leader n1 [term 1] | expect leader among {n3,n4,n5} term 2 | expect no leader
//	expect n1 is follower | expect term n1 2
//	expect log n1: 1 much, 2 wow (uncommitted)
//	expect logs {n1,n2,n3,n4,n5}: 1 much, 2 cool
//	expect committed {n1,n2} 2
//	expect available | expect unavailable | expect linearizable
//	expect NAME ok | fail | timeout | not ok | not found | value V | error 101 "[two != one]"
//	expect watch NAME events: set /a, delete /a
//	expect one of {a1,b1,c1} ok   (exactly one of the named operations succeeded: one CAS winner)
//
// Log tables count user entries only (the leader's no-op and membership entries are not shown), the
// way the slides number them. A mistake in a story is reported with file, line and what was expected.
package story

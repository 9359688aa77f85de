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
//	expect leader n1 [term T1] | expect leader among {n3,n4,n5} term T2 after T1 | expect no leader
//	expect n1 is follower | expect term n1 T2 | expect term n2 after T1
//	expect log n1: 1 much, 2 wow (uncommitted)
//	expect logs {n1,n2,n3,n4,n5}: 1 much, 2 cool
//	expect committed {n1,n2} 2
//	expect available | expect unavailable | expect linearizable
//	expect NAME ok | fail | timeout | not ok | not found | value V | error 101 "[two != one]"
//	expect watch NAME events: set /a, delete /a
//	expect one of {a1,b1,c1} ok   (exactly one of the named operations succeeded: one CAS winner)
//
// # Terms
//
// Raft promises that terms only grow and that a term has at most one leader; it does not promise
// which number an election ends in (a split vote, or a candidate whose timer fired twice, spends a
// term). So a story names terms by label, the way the slides' "term 2" is meant:
//
//	expect leader n1 term T1                      T1 is bound to the term n1 leads in
//	expect leader among {n3,n4,n5} term T2 after T1   T2 is bound to the new leader's term, which must be later
//	expect term n1 T2                             n1 has learned the term the new leader won
//	expect term n2 after T1                       any term later than T1
//
// The first assertion that names a label binds it to the term it saw (when the rest of the
// assertion holds); later ones must see the same term. `after LABEL` needs LABEL bound by an earlier
// line. A plain number (`term 1`) is still accepted where the story's own setup fixes it.
//
// # Checks before a story runs
//
// Parse refuses, with file and line, anything a run could only stumble over later: a node that is
// not on the cluster line, not a `let` alias defined earlier and not a member added earlier; an
// operation, watch or term label used before the line that defines it, or a name defined twice; a
// fault nemesis cannot parse (`partition {n1,n2 {n3}` included) or one that names unknown nodes;
// options an operation does not take (a ttl on a read, prev-index on a set); TTLs that are not whole
// seconds (etcd's unit); prev-index 0; watch events that are not `ACTION /key`; an election timeout
// that is not a whole number of heartbeats (at least two); duplicate or reserved node names.
//
// Log tables count user entries only (the leader's no-op and membership entries are not shown), the
// way the slides number them. A mistake in a story is reported with file, line and what was expected.
package story

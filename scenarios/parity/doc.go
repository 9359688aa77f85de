// Package parity is the differential suite: it runs the same case files against a real etcd
// v3.5.33 (with its v2 etcdctl) and against kvd (with kvctl), 3 members each, and compares the
// answers after normalising only what must differ between two clusters.
//
// # Case files
//
// testdata/seq/*.seq are run in name order; the steps of one file run in order against each
// cluster, since state matters. One step per line ('#' starts a comment line), words split as a
// shell would ('single', "double with \n \" \xHH"):
//
//	[@M] [ct=TYPE] [auth=USER:PASS] [hdr=NAME:VALUE]... METHOD TARGET [BODY]
//	[@M] ctl [stdin=TEXT] [env=N=V]... ARGS...  etcdctl ARGS against etcd, kvctl ARGS against kvd
//	[@M] bg NAME STEP                    start an HTTP request (a watch) or a ctl run
//	collect NAME [LINES [WITHIN]]        its answer: all of it, or the first LINES lines (10s)
//	[@M] repeat COUNT HTTP-STEP          the request COUNT times, 16 at once; answers tallied
//	sleep DURATION | until-gone KEY      let a TTL run out (until-gone polls KEY on F2)
//	uptime DURATION                      wait until the cluster has been up that long
//	save VAR .json.path                  keep a field of the previous answer as {{$VAR}}
//	match VAR REGEXP                     keep the regexp's first group in the previous answer
//	rebase                               count indexes from here (after a deliberate write)
//	quiet HTTP-STEP                      send, do not compare (clean-up after a deliberate write)
//
// M names a member by role: L the leader (the default), F1 and F2 the followers by name. A body
// is sent as application/x-www-form-urlencoded unless ct= says otherwise; the target is sent as
// written. Templates: {{N}} is the etcd index N after the file's start, {{id:M}}, {{client:M}},
// {{peer:M}}, {{name:M}} name a member, {{$VAR}} a saved value, {{repeat:TEXT:N}} is TEXT N times. Unless a ctl step names its own
// endpoints (a flag or an ETCDCTL_* variable), it gets --endpoints=<M's client URL>. A ctl run's
// environment is PATH and its env= variables.
//
// # Normalisation
//
// HTTP answers compare the status, the headers etcd sets (Content-Type, Allow, Location, CORS,
// WWW-Authenticate; X-Etcd-Index relative to the file's start; X-Raft-Index, X-Raft-Term and
// X-Etcd-Cluster-Id by presence) and the body: JSON structurally with etcd's member order, key
// listings sorted unless sorted=true asked for an order, indexes relative (i+N), expirations
// <time>, member IDs, names and URLs by role (<id:L>, <client:F1>), TTLs within a second,
// /v2/stats/store as the change of each counter since the member's previous read in the file.
// etcdctl and kvctl output is compared byte for byte after the same rewriting of text.
//
// # Differences
//
// testdata/deliberate.txt lists the cases whose answers differ on purpose, with the reason and
// kvd's own expected answer (still asserted), and the cases pending on work owned elsewhere.
// Any other difference fails the test with the request and both answers.
package parity

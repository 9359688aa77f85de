// Package story parses raftlab's story files: plain-text scripts, readable by someone who has only
// seen the talk, that set up a simulated cluster, drive clients and faults, wait, and assert what the
// slides show.
//
//	story much-wow-cool
//	cluster n1 n2 n3 n4 n5
//	step "A network partition makes a majority of nodes inaccessible from the leader"
//	partition {n1,n2} {n3,n4,n5}
//	set /message wow on n1 as wow async
//	expect logs {n1,n2}: 1 much, 2 wow (uncommitted)
//
// The language — every statement, with an example — is documented in LANGUAGE.md next to this
// file. TestLanguageReferenceExamplesParse parses its examples and TestLanguageReferenceCoversTheParser
// fails when the parser recognises a word the page does not show, so the page cannot fall behind.
//
// Parse checks a story before anything runs and refuses, with file and line, what a run could only
// stumble over later (unknown nodes, names used before they are defined, faults nemesis cannot
// parse, options an operation does not take, …). Log tables count user entries only (the leader's
// no-op and membership entries are not shown), the way the slides number them.
package story

// Package stories embeds raftlab's story files so that programs (cmd/labd) can run them from any
// working directory without the source tree.
package stories

import "embed"

// FS holds every story file of this directory, at its top level (much-wow-cool.story, ...).
//
//go:embed *.story
var FS embed.FS

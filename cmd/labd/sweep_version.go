package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
)

// versionTagEnv names the environment variable that tags a build without VCS stamping (a container
// image built from a source archive, `go build -buildvcs=false`); --version-tag overrides it.
const versionTagEnv = "LABD_VERSION_TAG"

// codeVersion identifies the code a sweep ran. The shards of one sweep must have run the same code,
// or their trace hashes and verdicts are not one sweep's: `labd merge` compares every field.
type codeVersion struct {
	// Revision is the VCS revision the binary was built from (vcs.revision), "" when not stamped.
	Revision string `json:"revision,omitempty"`
	// Modified says the tree had uncommitted changes (vcs.modified): the revision does not pin the code.
	Modified bool `json:"modified,omitempty"`
	// Tag is the version given with --version-tag or LABD_VERSION_TAG.
	Tag string `json:"tag,omitempty"`
	// Go is the toolchain that built the binary: another toolchain may schedule a seed differently.
	Go string `json:"go,omitempty"`
}

// currentVersion is this binary's version, tagged with tag.
func currentVersion(tag string) codeVersion {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return codeVersion{Tag: tag, Go: runtime.Version()}
	}
	return versionFromBuild(info, tag)
}

// versionFromBuild reads the VCS stamp of a build.
func versionFromBuild(info *debug.BuildInfo, tag string) codeVersion {
	v := codeVersion{Tag: tag, Go: info.GoVersion}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Revision = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	return v
}

// versionTag is the tag to record: the flag's, else the environment's.
func versionTag(flagValue string) string {
	if flagValue != "" {
		return flagValue
	}
	return strings.TrimSpace(os.Getenv(versionTagEnv))
}

// known says whether the version pins the code at all (a revision or a tag).
func (v codeVersion) known() bool { return v.Revision != "" || v.Tag != "" }

// String describes the version in messages: "revision 0123abcd… (modified), tag nightly, go1.26".
func (v codeVersion) String() string {
	var parts []string
	if v.Revision != "" {
		r := "revision " + v.Revision
		if v.Modified {
			r += " (modified)"
		}
		parts = append(parts, r)
	}
	if v.Tag != "" {
		parts = append(parts, "tag "+v.Tag)
	}
	if len(parts) == 0 {
		parts = append(parts, "no revision or tag")
	}
	if v.Go != "" {
		parts = append(parts, v.Go)
	}
	return strings.Join(parts, ", ")
}

// unknownVersionWarning is printed when a sweep's code version cannot be told.
func unknownVersionWarning() string {
	return fmt.Sprintf("the build carries no VCS revision (go build -buildvcs=false, or no repository) and no tag: set --version-tag or %s so that shards of different code are told apart", versionTagEnv)
}

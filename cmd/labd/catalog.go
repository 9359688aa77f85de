package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/raftlab/raftlab/scenarios/stories"
	"github.com/raftlab/raftlab/scenarios/story"
	"github.com/raftlab/raftlab/scenarios/suite"
)

// storyExt is the extension of story files.
const storyExt = ".story"

// storyDir is where the embedded stories live in the source tree; it names them in error messages
// so that `file:line` points at the real file.
const storyDir = "scenarios/stories"

// storyInfo is one story of the catalogue.
type storyInfo struct {
	Name  string
	Title string
}

// storySource is a story's text and the file name its errors are reported against.
type storySource struct {
	// Name is the story's name (the file name without .story for an embedded story).
	Name string
	// File names the story in messages: scenarios/stories/NAME.story or the path given.
	File string
	// Path is the path given on the command line, or "" for an embedded story.
	Path string
	Text []byte
}

// parse parses the story's text.
func (s storySource) parse() (*story.Story, error) {
	st, err := story.Parse(s.File, bytes.NewReader(s.Text))
	if err != nil {
		return nil, fmt.Errorf("story %s: %w", s.Name, err)
	}
	return st, nil
}

// embeddedStoryNames lists the embedded stories by name, sorted.
func embeddedStoryNames() []string {
	entries, err := fs.ReadDir(stories.FS, ".")
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), storyExt) {
			names = append(names, strings.TrimSuffix(e.Name(), storyExt))
		}
	}
	sort.Strings(names)
	return names
}

// storyCatalog lists every embedded story with its title (the story line's name when untitled).
func storyCatalog() ([]storyInfo, error) {
	var out []storyInfo
	for _, name := range embeddedStoryNames() {
		src, err := loadStory(name)
		if err != nil {
			return nil, err
		}
		st, err := src.parse()
		if err != nil {
			return nil, err
		}
		title := st.Title
		if title == "" {
			title = st.Name
		}
		out = append(out, storyInfo{Name: name, Title: title})
	}
	return out, nil
}

// isStoryPath says whether arg names a file rather than an embedded story.
func isStoryPath(arg string) bool {
	return strings.ContainsAny(arg, `/\`) || strings.HasSuffix(arg, storyExt)
}

// loadStory finds a story by embedded name or by path. An unknown name gets an error listing the
// known stories.
func loadStory(arg string) (storySource, error) {
	if arg == "" {
		return storySource{}, fmt.Errorf("no story given; known stories: %s", strings.Join(embeddedStoryNames(), ", "))
	}
	if isStoryPath(arg) {
		text, err := os.ReadFile(arg)
		if err != nil {
			return storySource{}, fmt.Errorf("read story: %w", err)
		}
		name := strings.TrimSuffix(path.Base(strings.ReplaceAll(arg, `\`, "/")), storyExt)
		return storySource{Name: name, File: arg, Path: arg, Text: text}, nil
	}
	text, err := fs.ReadFile(stories.FS, arg+storyExt)
	if err != nil {
		return storySource{}, fmt.Errorf("unknown story %q%s; known stories: %s", arg,
			didYouMean(arg, embeddedStoryNames()), strings.Join(embeddedStoryNames(), ", "))
	}
	return storySource{Name: arg, File: path.Join(storyDir, arg+storyExt), Text: text}, nil
}

// loadStoryOrSuiteName is loadStory for a command that takes a story or a suite, called once the
// name is known not to be a suite: an unknown name is neither, with the closest of both suggested.
func loadStoryOrSuiteName(name string) (storySource, error) {
	src, err := loadStory(name)
	if err != nil && !isStoryPath(name) {
		return storySource{}, fmt.Errorf("%q is neither a story nor a suite%s; known stories: %s; known suites: %s", name,
			didYouMean(name, append(embeddedStoryNames(), suiteNames()...)), strings.Join(embeddedStoryNames(), ", "),
			strings.Join(suiteNames(), ", "))
	}
	return src, err
}

// suiteNames lists every suite name, in suite.List's order.
func suiteNames() []string {
	var names []string
	for _, s := range suite.List() {
		names = append(names, s.Name)
	}
	return names
}

// lookupSuite finds a suite by name, listing the known ones when there is none.
func lookupSuite(name string) (suite.Suite, error) {
	s, err := suite.Lookup(name)
	if err != nil {
		return suite.Suite{}, fmt.Errorf("unknown suite %q%s; known suites: %s", name, didYouMean(name, suiteNames()),
			strings.Join(suiteNames(), ", "))
	}
	return s, nil
}

// bugPrefix is the "bug-" prefix known-bug suites carry, so `--bug commit-previous-term` and
// `--bug bug-commit-previous-term` both work.
const bugPrefix = "bug-"

// bugNames lists the known bugs: the names of the known-bug suites without their prefix.
func bugNames() []string {
	var names []string
	for _, s := range suite.List() {
		if s.KnownBug {
			names = append(names, strings.TrimPrefix(s.Name, bugPrefix))
		}
	}
	return names
}

// lookupBug finds the known-bug suite that carries the bug called name.
func lookupBug(name string) (suite.Suite, error) {
	want := bugPrefix + strings.TrimPrefix(name, bugPrefix)
	for _, s := range suite.List() {
		if s.KnownBug && s.Name == want {
			return s, nil
		}
	}
	return suite.Suite{}, fmt.Errorf("unknown bug %q%s; known bugs: %s", name, didYouMean(name, bugNames()),
		strings.Join(bugNames(), ", "))
}

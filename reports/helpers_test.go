package reports

import (
	"encoding/xml"
	"errors"
	"html"
	"image/png"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// writeReport writes run into a fresh directory and returns it.
func writeReport(t testing.TB, run Run) (string, Files) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "report")
	files, err := Write(dir, run)
	require.NoError(t, err)
	return dir, files
}

// allFigureNames are the figure names in the order Write produces them.
var allFigureNames = []string{FigureTimeline, FigureCommit, FigureLatency, FigureLatencyHist, FigureThroughput}

// requireValidReport checks every file of a report: the figures exist,
// PNGs decode at the figure size, SVGs are XML with an <svg> root, and every
// link of index.html resolves to a file.
func requireValidReport(t *testing.T, dir string, files Files) {
	t.Helper()
	require.Equal(t, filepath.Join(dir, IndexFile), files.Index)
	var want []string
	for _, name := range allFigureNames {
		want = append(want, filepath.Join(dir, pngName(name)), filepath.Join(dir, svgName(name)))
	}
	require.Equal(t, want, files.Figures)
	for _, name := range allFigureNames {
		requirePNG(t, filepath.Join(dir, pngName(name)))
		requireSVG(t, filepath.Join(dir, svgName(name)))
	}
	requireLinksResolve(t, dir, readFile(t, files.Index))
}

// requirePNG decodes a PNG and checks its pixel size.
func requirePNG(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	img, err := png.Decode(f)
	require.NoError(t, err, path)
	require.Equal(t, figureWidthPx, img.Bounds().Dx(), path)
	if filepath.Base(path) == pngName(FigureCommit) && img.Bounds().Dy() != figureHeightPx {
		// One panel per node: the height grows with the cluster.
		require.GreaterOrEqual(t, img.Bounds().Dy(), commitFramePx+commitPanelPx, path)
		require.Zero(t, (img.Bounds().Dy()-commitFramePx)%commitPanelPx, path)
		return
	}
	require.Equal(t, figureHeightPx, img.Bounds().Dy(), path)
}

// requireSVG parses an SVG file as XML and checks its root element.
func requireSVG(t *testing.T, path string) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(readFile(t, path)))
	var root string
	for {
		tok, err := dec.Token()
		require.NoError(t, err, path)
		if se, ok := tok.(xml.StartElement); ok {
			root = se.Name.Local
			break
		}
	}
	require.Equal(t, "svg", root, path)
	for {
		_, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return
		}
		require.NoError(t, err, path)
	}
}

// svgTexts is every text node inside <text> elements of an SVG file.
func svgTexts(t *testing.T, path string) []string {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(readFile(t, path)))
	var out []string
	inText := false
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return out
		}
		require.NoError(t, err)
		switch tok := tok.(type) {
		case xml.StartElement:
			inText = tok.Name.Local == "text"
		case xml.EndElement:
			inText = false
		case xml.CharData:
			if inText {
				out = append(out, strings.TrimSpace(string(tok)))
			}
		}
	}
}

// linkPattern finds href and src attribute values.
var linkPattern = regexp.MustCompile(`(?:href|src)="([^"]*)"`)

// linksOf is every href and src value of a page, unescaped.
func linksOf(page string) []string {
	var links []string
	for _, m := range linkPattern.FindAllStringSubmatch(page, -1) {
		link := html.UnescapeString(m[1])
		if unescaped, err := url.PathUnescape(link); err == nil {
			link = unescaped
		}
		links = append(links, link)
	}
	return links
}

// svgPath is the path of a figure's SVG in a report directory.
func svgPath(dir, name string) string { return filepath.Join(dir, svgName(name)) }

// requireLinksResolve checks that every link of page but the home link names a file in dir.
func requireLinksResolve(t *testing.T, dir, page string) {
	t.Helper()
	for _, link := range linksOf(page) {
		if link == HomeLink {
			continue
		}
		require.NotContains(t, link, "://", "external link %q", link)
		info, err := os.Stat(filepath.Join(dir, filepath.FromSlash(link)))
		require.NoError(t, err, "link %q", link)
		require.False(t, info.IsDir(), "link %q is a directory", link)
	}
}

// elementText returns the unescaped text of the element with the given id.
func elementText(t *testing.T, page, id string) string {
	t.Helper()
	m := regexp.MustCompile(`id="` + regexp.QuoteMeta(id) + `">([^<]*)<`).FindStringSubmatch(page)
	require.NotNil(t, m, "no element with id %q", id)
	return html.UnescapeString(m[1])
}

// readFile reads a whole file as a string.
func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

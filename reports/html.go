package reports

import (
	"bytes"
	_ "embed" // templates and stylesheet are embedded
	"fmt"
	"html/template"
)

var (
	//go:embed index.html.tmpl
	indexTemplateText string
	//go:embed sweep.html.tmpl
	sweepTemplateText string
	//go:embed style.css
	styleSheet string
)

// HomeLink is where a report's "home" link points: the root of `labd serve`, which lists every run.
// The link shows only when the page is served over HTTP; a report opened from disk has no home.
const HomeLink = "/"

// navTemplate is the home link every page starts with.
const navTemplate = `{{define "nav"}}<nav class="home" id="home" hidden><a href="` + HomeLink + `">&larr; labd: all stories, suites and runs</a></nav>
<script>if (location.protocol !== "file:") { document.getElementById("home").hidden = false; }</script>{{end}}`

// render executes one of the embedded templates over data. The stylesheet
// is our own embedded file and is passed as trusted CSS.
func render(name, text, title string, data any) ([]byte, error) {
	tmpl, err := template.New(name).Funcs(template.FuncMap{"rows": sweepRows}).Parse(text)
	if err == nil {
		_, err = tmpl.Parse(navTemplate)
	}
	if err != nil {
		return nil, fmt.Errorf("reports: parse %s: %w", name, err)
	}
	page := struct {
		Title string
		CSS   template.CSS
		Page  any
	}{Title: title, CSS: template.CSS(styleSheet), Page: data}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, page); err != nil {
		return nil, fmt.Errorf("reports: render %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

// sweepRowsArg is what the sweep page's "rows" template draws: some rows and whether the sweep
// hunts a known bug.
type sweepRowsArg struct {
	Rows     []sweepRowView
	KnownBug bool
}

// sweepRows packs the arguments of the "rows" template.
func sweepRows(rows []sweepRowView, knownBug bool) sweepRowsArg {
	return sweepRowsArg{Rows: rows, KnownBug: knownBug}
}

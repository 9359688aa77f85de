package reports

import (
	"html/template"
	"strings"
)

// CodeHTML renders a description for a page: the text escaped, and every `code` span (between
// backticks, as Go comments and Markdown write commands) in <code>. A lone backtick stays as it is.
func CodeHTML(text string) template.HTML {
	var b strings.Builder
	for {
		open := strings.IndexByte(text, '`')
		if open < 0 {
			break
		}
		end := strings.IndexByte(text[open+1:], '`')
		if end < 0 {
			break
		}
		b.WriteString(template.HTMLEscapeString(text[:open]))
		b.WriteString("<code>")
		b.WriteString(template.HTMLEscapeString(text[open+1 : open+1+end]))
		b.WriteString("</code>")
		text = text[open+1+end+1:]
	}
	b.WriteString(template.HTMLEscapeString(text))
	return template.HTML(b.String()) // every piece of text above is escaped
}

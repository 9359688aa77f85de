package reports

import (
	"html/template"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCodeHTML(t *testing.T) {
	for _, c := range []struct {
		text string
		want template.HTML
	}{
		{"plain", "plain"},
		{"what `labd sweep chaos-standard --seeds 1..1000` times", "what <code>labd sweep chaos-standard --seeds 1..1000</code> times"},
		{"`a` and `b`", "<code>a</code> and <code>b</code>"},
		{"a lone ` stays", "a lone ` stays"},
		{"<b>`<i>`</b>", "&lt;b&gt;<code>&lt;i&gt;</code>&lt;/b&gt;"},
		{"``", "<code></code>"},
	} {
		assert.Equal(t, c.want, CodeHTML(c.text), c.text)
	}
}

package story

import (
	"go/ast"
	"go/parser"
	gotoken "go/token"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// languageFile is the story language's reference page.
const languageFile = "LANGUAGE.md"

// fencePattern finds the fenced blocks of a Markdown page with their info string.
var fencePattern = regexp.MustCompile("(?ms)^```([a-z]*)\n(.*?)^```\n")

// codeSpanPattern finds inline `code` spans.
var codeSpanPattern = regexp.MustCompile("`([^`\n]+)`")

// referenceExamples returns the reference page's ```story blocks joined in page order, and all of
// its code (fenced blocks and inline spans).
func referenceExamples(t *testing.T) (examples, code string) {
	t.Helper()
	data, err := os.ReadFile(languageFile)
	require.NoError(t, err)
	page := string(data)
	var ex, all strings.Builder
	for _, m := range fencePattern.FindAllStringSubmatch(page, -1) {
		if m[1] == "story" {
			ex.WriteString(m[2])
		}
		all.WriteString(m[2])
	}
	for _, m := range codeSpanPattern.FindAllStringSubmatch(fencePattern.ReplaceAllString(page, ""), -1) {
		all.WriteString(m[1] + "\n")
	}
	return ex.String(), all.String()
}

// parserWords collects, from the parser's own source, the words it recognises: the string
// literals of every case clause, every p.keyword("…") and every comparison with a word, per
// function (and under "FUNC.case" the case clauses alone), plus the word lists the parser consults.
func parserWords(t *testing.T) map[string][]string {
	t.Helper()
	word := regexp.MustCompile(`^([a-z][a-z0-9-]*:?|=)$`)
	words := map[string][]string{}
	add := func(fn, lit string) {
		s, err := strconv.Unquote(lit)
		if err == nil && word.MatchString(s) {
			words[fn] = append(words[fn], s)
		}
	}
	fset := gotoken.NewFileSet()
	for _, file := range []string{"parser.go", "expect.go", "faults.go", "term.go"} {
		f, err := parser.ParseFile(fset, file, nil, 0)
		require.NoError(t, err)
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok {
				continue
			}
			ast.Inspect(fn, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CaseClause:
					for _, e := range n.List {
						if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == gotoken.STRING {
							add(fn.Name.Name, lit.Value)
							add(fn.Name.Name+".case", lit.Value)
						}
					}
				case *ast.BinaryExpr:
					if n.Op == gotoken.EQL || n.Op == gotoken.NEQ {
						for _, e := range []ast.Expr{n.X, n.Y} {
							if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == gotoken.STRING {
								add(fn.Name.Name, lit.Value)
							}
						}
					}
				case *ast.CallExpr:
					if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "keyword" && len(n.Args) == 1 {
						if lit, ok := n.Args[0].(*ast.BasicLit); ok && lit.Kind == gotoken.STRING {
							add(fn.Name.Name, lit.Value)
						}
					}
				}
				return true
			})
		}
	}
	words["lists"] = append(append(append(append(append([]string{}, headerWords()...), opVerbs()...), faultVerbs()...),
		roles()...), watchActions()...)
	return words
}

// TestLanguageReferenceExamplesParse: the reference page's examples, read top to bottom, are one
// story the parser accepts, with every statement kind in it.
func TestLanguageReferenceExamplesParse(t *testing.T) {
	examples, _ := referenceExamples(t)
	st, err := Parse(languageFile, strings.NewReader(examples))
	require.NoError(t, err, "the examples of %s must parse as one story:\n%s", languageFile, examples)
	kinds := map[Kind]bool{}
	for _, s := range st.Stmts {
		kinds[s.Kind] = true
	}
	for _, k := range []Kind{KindStep, KindSay, KindLet, KindCampaign, KindTransfer, KindFault, KindOp, KindWait, KindExpect} {
		assert.True(t, kinds[k], "the reference shows a %s statement", k)
	}
}

// TestLanguageReferenceCoversTheParser fails when the parser knows a word the reference page does
// not show: every statement verb, header, client operation and fault starts an example line;
// every word the expectations, waits and options recognise appears in an example; every other word
// the parser recognises appears in the page's code.
func TestLanguageReferenceCoversTheParser(t *testing.T) {
	examples, code := referenceExamples(t)
	firstWords, exampleWords := map[string]bool{}, map[string]bool{}
	for _, line := range strings.Split(examples, "\n") {
		f := strings.Fields(strings.NewReplacer("{", " ", "}", " ", ",", " ").Replace(line))
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		firstWords[f[0]] = true
		for _, w := range f {
			exampleWords[w] = true
		}
	}
	codeWords := map[string]bool{}
	for _, w := range strings.FieldsFunc(code, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == ':' || r == '=')
	}) {
		codeWords[w] = true
		codeWords[strings.TrimSuffix(w, ":")] = true
	}

	words := parserWords(t)
	var statements []string
	statements = append(statements, words["parse.case"]...)
	statements = append(statements, headerWords()...)
	statements = append(statements, opVerbs()...)
	statements = append(statements, faultVerbs()...)
	require.Contains(t, statements, "expect", "the parser's statement switch was found")
	for _, w := range statements {
		assert.True(t, firstWords[w], "statement %q has no example line in %s", w, languageFile)
	}
	for _, fn := range []string{"expect", "expectResult", "wait", "op", "within"} {
		require.NotEmpty(t, words[fn], "the parser's function %s was found", fn)
		for _, w := range words[fn] {
			assert.True(t, exampleWords[w], "%s: word %q appears in no example of %s", fn, w, languageFile)
		}
	}
	var all []string
	for fn, ws := range words {
		if !strings.HasSuffix(fn, ".case") {
			all = append(all, ws...)
		}
	}
	sort.Strings(all)
	for _, w := range all {
		assert.True(t, codeWords[w], "the parser knows %q, which %s never shows", w, languageFile)
	}
}

package httpapi

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// heldBody is a body held whole, as kvd's client front holds one.
type heldBody struct {
	*strings.Reader
	data string
}

func (b heldBody) Held() ([]byte, bool) { return []byte(b.data), b.Len() == len(b.data) }
func (heldBody) Close() error           { return nil }

// formCase is one request whose form heldForm and ParseForm both read.
type formCase struct {
	method, target, contentType, body string
}

// request builds the case's request, its body held or not.
func (c formCase) request(held bool) *http.Request {
	r := httptest.NewRequest(c.method, c.target, nil)
	if c.body != "" {
		r.Body = io.NopCloser(strings.NewReader(c.body))
		if held {
			r.Body = heldBody{Reader: strings.NewReader(c.body), data: c.body}
		}
		r.ContentLength = int64(len(c.body))
	}
	if c.contentType != "-" {
		r.Header.Set("Content-Type", c.contentType)
	}
	return r
}

// checkHeldForm says that where heldForm answers, its form is ParseForm's, and returns whether it
// answered.
func checkHeldForm(t *testing.T, c formCase, limit int64) bool {
	t.Helper()
	form, ok := heldForm(c.request(true), limit)
	if !ok {
		return false
	}
	r := c.request(false)
	r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, limit)
	require.NoError(t, r.ParseForm(), "%+v: heldForm answered where ParseForm fails", c)
	assert.Equal(t, map[string][]string(r.Form), map[string][]string(form), "%+v", c)
	return true
}

// The held form is ParseForm's wherever it answers, and it answers for the requests clients send:
// a form-encoded PUT or POST, a GET with a query, a DELETE.
func TestHeldFormIsParseForms(t *testing.T) {
	const form = formURLEncoded
	tests := []struct {
		c      formCase
		answer bool
	}{
		{formCase{"PUT", "/v2/keys/a", form, "value=" + strings.Repeat("v", 256)}, true},
		{formCase{"PUT", "/v2/keys/a?prevExist=false", form, "value=x&ttl=5"}, true},
		{formCase{"PUT", "/v2/keys/a?value=q", form, "value=b&value=c"}, true},
		{formCase{"POST", "/v2/keys/q", form, "value=a%20b+c%2F"}, true},
		{formCase{"GET", "/v2/keys/a?recursive=true&sorted=true", "-", ""}, true},
		{formCase{"GET", "/v2/keys/a?wait=true&waitIndex=7", "-", "value=ignored"}, true},
		{formCase{"DELETE", "/v2/keys/a?prevValue=x&", "-", ""}, true},
		{formCase{"PUT", "/v2/keys/a", "-", "value=octets"}, true},
		{formCase{"PUT", "/v2/keys/a", form, ""}, true},
		{formCase{"PUT", "/v2/keys/a", form, "&&=&a&=b&c="}, true},
		{formCase{"PUT", "/v2/keys/a", form, "value=%zz"}, false},
		{formCase{"PUT", "/v2/keys/a?x=%", form, "value=1"}, false},
		{formCase{"PUT", "/v2/keys/a", form, "value=1;ttl=2"}, false},
		{formCase{"PUT", "/v2/keys/a?a=1;b=2", form, "value=1"}, false},
		{formCase{"PUT", "/v2/keys/a", form + "; charset=utf-8", "value=1"}, false},
		{formCase{"PUT", "/v2/keys/a", "text/plain", "value=1"}, false},
		{formCase{"PUT", "/v2/keys/a", "", "value=1"}, false},
		{formCase{"PUT", "/v2/keys/a", form, "value=" + strings.Repeat("v", 100)}, true},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.answer, checkHeldForm(t, tt.c, 1<<20), "%+v", tt.c)
	}
	over := formCase{"PUT", "/v2/keys/a", form, "value=" + strings.Repeat("v", 100)}
	assert.False(t, checkHeldForm(t, over, 50), "a body over the limit is left to ParseForm's error")
	read := over.request(true)
	_, err := read.Body.Read(make([]byte, 3))
	require.NoError(t, err)
	_, ok := heldForm(read, 1<<20)
	assert.False(t, ok, "a body partly read is no longer held whole")
}

// FuzzHeldForm: on any body and query, heldForm answers ParseForm's form or nothing.
func FuzzHeldForm(f *testing.F) {
	f.Add("value=1&ttl=%20", "a=b", true)
	f.Add("a;b", "%", false)
	f.Add("=&==&%2", "x=%41&y", true)
	f.Fuzz(func(t *testing.T, body, query string, typed bool) {
		if strings.ContainsAny(query, "# \r\n\t") || strings.ContainsRune(query, 0x7f) || !isPrintableASCII(query) {
			return // not a request target httptest builds
		}
		ct := "-"
		if typed {
			ct = formURLEncoded
		}
		checkHeldForm(t, formCase{"PUT", "/v2/keys/a?" + query, ct, body}, 1<<20)
	})
}

func isPrintableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

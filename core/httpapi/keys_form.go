package httpapi

import (
	"net/http"
	"net/url"
	"strings"
)

// HeldBody may be implemented by a request body the server has read in full before the handler
// runs (kvd's client front does): Held returns all of its bytes while none has been read or the body
// closed, and false otherwise. The handler reads them in place and keeps nothing of them.
type HeldBody interface {
	Held() ([]byte, bool)
}

// formURLEncoded is the one content type whose body is a form.
const formURLEncoded = "application/x-www-form-urlencoded"

// heldForm is the form r.ParseForm would give, read from a held body and the query without the
// copies and maps ParseForm makes on the way: every key request reads one. It answers only when
// ParseForm would succeed the same way, and false otherwise (the caller then calls ParseForm, which
// gives the exact error): no form already parsed; a body held whole, within limit, either of
// the form content type (given exactly so) or, with no Content-Type at all, not read; no ';'
// separators and no invalid escapes. As ParseForm, the body's pairs come before the query's.
func heldForm(r *http.Request, limit int64) (url.Values, bool) {
	if r.Form != nil || r.PostForm != nil {
		return nil, false
	}
	var body []byte
	switch r.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch:
		ct, ok := r.Header["Content-Type"]
		switch {
		case !ok: // ParseForm reads it as application/octet-stream: the body is no form
		case len(ct) == 1 && ct[0] == formURLEncoded:
			if r.Body != nil && r.Body != http.NoBody {
				hb, isHeld := r.Body.(HeldBody)
				if !isHeld {
					return nil, false
				}
				if body, isHeld = hb.Held(); !isHeld || int64(len(body)) > limit {
					return nil, false
				}
			}
		default:
			return nil, false
		}
	}
	form := url.Values{}
	if len(body) > 0 && !addPairs(form, string(body)) {
		return nil, false
	}
	if r.URL != nil && !addPairs(form, r.URL.RawQuery) {
		return nil, false
	}
	return form, true
}

// addPairs adds the pairs of an encoded form to form as url.ParseQuery reads them; false where
// ParseQuery would report an error.
func addPairs(form url.Values, encoded string) bool {
	for encoded != "" {
		var pair string
		pair, encoded, _ = strings.Cut(encoded, "&")
		if strings.Contains(pair, ";") {
			return false
		}
		if pair == "" {
			continue
		}
		key, value, _ := strings.Cut(pair, "=")
		key, err := url.QueryUnescape(key)
		if err != nil {
			return false
		}
		if value, err = url.QueryUnescape(value); err != nil {
			return false
		}
		form[key] = append(form[key], value)
	}
	return true
}

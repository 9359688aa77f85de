package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Response bodies are laid out in recycled buffers: concurrent answers of every size, some larger
// than the pooled limit, each carry their own request's key and value, whole.
func TestKeyResponseBodiesAreTheirOwn(t *testing.T) {
	h, _ := newTestHandler(t)
	sizes := []int{1, 300, 5000, maxPooledBody + 1}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range 50 {
				key := fmt.Sprintf("/v2/keys/body/%d-%d", w, k)
				value := strings.Repeat(string(rune('a'+(w*50+k)%26)), sizes[(w+k)%len(sizes)])
				req := httptest.NewRequest(http.MethodPut, key, strings.NewReader(url.Values{"value": {value}}.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if !assert.Contains(t, []int{http.StatusOK, http.StatusCreated}, rec.Code, rec.Body.String()) {
					return
				}
				var got struct {
					Node struct{ Key, Value string }
				}
				if !assert.NoError(t, json.Unmarshal(rec.Body.Bytes(), &got), rec.Body.String()) {
					return
				}
				assert.Equal(t, strings.TrimPrefix(key, "/v2/keys"), got.Node.Key)
				assert.Equal(t, value, got.Node.Value)
			}
		}()
	}
	wg.Wait()
	require.False(t, t.Failed())
}

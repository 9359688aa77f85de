package v2client

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Health asks one endpoint's /health whether it is healthy. It talks to that endpoint only (no
// failover). The answer is healthy when "health" is the string "true" or the boolean true, as
// etcdctl reads it; the HTTP status is not looked at (an unhealthy etcd answers 503 with a
// body). A transport failure is returned as net/http reports it (`Get "<url>/health": ...`).
func (c *Client) Health(ctx context.Context, endpoint string) (bool, error) {
	target := strings.TrimSuffix(endpoint, "/") + "/health"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return false, fmt.Errorf("health request for %s: %w", endpoint, err)
	}
	if c.username != "" {
		req.SetBasicAuth(c.username, c.password)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return false, fmt.Errorf("read health answer from %s: %w", endpoint, err)
	}
	return parseHealth(body)
}

// parseHealth reads {"health":"true"} (etcd 3.x) or {"health":true} (older servers).
func parseHealth(body []byte) (bool, error) {
	var asString struct {
		Health string `json:"health"`
	}
	if err := json.Unmarshal(body, &asString); err == nil {
		return asString.Health == "true", nil
	}
	var asBool struct {
		Health bool `json:"health"`
	}
	if err := json.Unmarshal(body, &asBool); err != nil {
		return false, fmt.Errorf("bad health answer %q: %w", body, err)
	}
	return asBool.Health, nil
}

package httpapi

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
)

// versionJSON is the /version body.
type versionJSON struct {
	Server  string `json:"etcdserver"`
	Cluster string `json:"etcdcluster"`
}

// healthJSON is the /health body; Health is the string "true" or "false", as etcd sends it.
type healthJSON struct {
	Health string `json:"health"`
	Reason string `json:"reason"`
}

// Health reasons.
const (
	reasonNoLeader      = "RAFT NO LEADER"
	reasonStorageFailed = "STORAGE FAILED"
)

func (h *handler) serveVersion(w http.ResponseWriter, r *http.Request) {
	if !allowMethod(w, r.Method, http.MethodGet) {
		return
	}
	h.writeJSONOrLog(w, versionJSON{Server: h.cfg.Version, Cluster: h.cfg.ClusterVersion})
}

// serveHealth is /health: 200 {"health":"true","reason":""}, or 503 with the reason when there is no
// leader (skipped with ?serializable=true) or the member's storage failed.
func (h *handler) serveHealth(w http.ResponseWriter, r *http.Request) {
	if !allowMethod(w, r.Method, http.MethodGet) {
		return
	}
	st := h.status()
	hs := healthJSON{Health: "true"}
	switch {
	case st.Failed != nil:
		hs = healthJSON{Health: "false", Reason: reasonStorageFailed}
	case st.Lead == 0 && r.URL.Query().Get("serializable") != "true":
		hs = healthJSON{Health: "false", Reason: reasonNoLeader}
	}
	b, err := json.Marshal(hs)
	if err != nil {
		panic("httpapi: marshal health: " + err.Error()) // two strings always marshal
	}
	if hs.Health != "true" {
		http.Error(w, string(b), http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write(b)
}

// serveMachines is /v2/machines: every member's client URLs, sorted, joined with ", ".
func (h *handler) serveMachines(w http.ResponseWriter, r *http.Request) {
	if !allowMethod(w, r.Method, http.MethodGet, http.MethodHead) {
		return
	}
	var urls []string
	for _, m := range h.status().Members {
		urls = append(urls, m.ClientURLs...)
	}
	slices.Sort(urls)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte(strings.Join(urls, ", ")))
}

package httpapi

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// httpError is the members/stats API error body {"message":"..."}.
type httpError struct {
	Message string `json:"message"`
}

// writeHTTPError writes {"message":msg} with status code and no trailing newline, as etcd does.
func writeHTTPError(w http.ResponseWriter, code int, msg string) {
	b, err := json.Marshal(httpError{Message: msg})
	if err != nil {
		panic("httpapi: marshal http error: " + err.Error())
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_, _ = w.Write(b)
}

// writeJSONLine encodes v the way etcd's json.Encoder does (HTML-escaped, newline-terminated).
func writeJSONLine(w http.ResponseWriter, code int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	if code != http.StatusOK {
		w.WriteHeader(code)
	}
	return json.NewEncoder(w).Encode(v)
}

// clusterIDHeader sets X-Etcd-Cluster-Id to the cluster ID in lowercase hex.
func (h *handler) clusterIDHeader(w http.ResponseWriter) {
	w.Header().Set("X-Etcd-Cluster-Id", strconv.FormatUint(h.backend.ClusterID(), 16))
}

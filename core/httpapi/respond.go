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
	id := h.backend.ClusterID()
	v := h.clusterID.Load()
	if v == nil || v.id != id {
		v = &clusterIDValue{id: id, header: []string{strconv.FormatUint(id, 16)}}
		h.clusterID.Store(v)
	}
	w.Header()["X-Etcd-Cluster-Id"] = v.header
}

// clusterIDValue is a cluster ID and its header value, shared by the responses while the ID stays
// the same (header values are replaced, never changed in place).
type clusterIDValue struct {
	id     uint64
	header []string
}

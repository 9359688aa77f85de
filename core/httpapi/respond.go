package httpapi

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/raftlab/raftlab/core/store"
)

// writeKeyError writes err as a key-API error: a *store.Error as itself, anything else as
// 500 {"errorCode":300,"message":"Raft Internal Error","cause":"<err>","index":0} (ETCD_V2_API.md §8).
func (h *handler) writeKeyError(w http.ResponseWriter, err error) {
	var se *store.Error
	if !errors.As(err, &se) {
		h.cfg.Logger.Warn("httpapi: request failed", "err", err)
		se = store.NewError(store.EcodeRaftInternal, err.Error(), 0)
	}
	writeStoreError(w, se)
}

// writeStoreError writes e with X-Etcd-Index = its index, newline-terminated.
func writeStoreError(w http.ResponseWriter, e *store.Error) {
	w.Header().Add("X-Etcd-Index", strconv.FormatUint(e.Index, 10))
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.StatusCode())
	b, err := json.Marshal(e)
	if err != nil { // ints and strings always marshal
		panic("httpapi: marshal store error: " + err.Error())
	}
	_, _ = w.Write(append(b, '\n'))
}

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

package main

import (
	"net/http"
	"testing"
)

// The few answers a real member cannot give on demand come from stubs: doors in front of a
// fixed answer instead of a member's API, recording what they receive.

// noLeaderBody is what etcd answers a keys request that timed out for want of a leader.
const noLeaderBody = `{"errorCode":300,"message":"Raft Internal Error","cause":"etcdserver: request timed out","index":0}` + "\n"

// noLeaderStub answers every request as a member without a leader does once its request times
// out: 500 and error 300.
func noLeaderStub(t *testing.T) *door {
	t.Helper()
	return startStub(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Etcd-Index", "0")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(noLeaderBody))
	}))
}

// unhealthyStub answers /health as etcd 3.5 does when the member has no leader.
func unhealthyStub(t *testing.T) *door {
	t.Helper()
	return startStub(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"health":"false","reason":"RAFT NO LEADER"}` + "\n"))
	}))
}

func startStub(t *testing.T, answer http.Handler) *door {
	t.Helper()
	d := newDoor()
	d.srv.Config.Handler = d.record(answer)
	d.srv.Start()
	t.Cleanup(d.close)
	return d
}

package main

import (
	"net/http"
	"testing"
)

// The one answer a real member cannot give on demand comes from a stub: a door in front of a fixed
// answer instead of a member's API, recording what it receives. (A real member without a leader
// answers a write so only once its request times out, after seconds: kvctl gives up before.)

// noLeaderBody is what etcd answers a keys request that timed out for want of a leader.
const noLeaderBody = `{"errorCode":300,"message":"Raft Internal Error","cause":"etcdserver: request timed out","index":0}` + "\n"

// noLeaderStub answers every request as a member without a leader does once its request times
// out: 500 and error 300.
func noLeaderStub(t *testing.T) *door {
	t.Helper()
	d := newDoor()
	d.srv.Config.Handler = d.record(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Etcd-Index", "0")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(noLeaderBody))
	}))
	d.srv.Start()
	t.Cleanup(d.close)
	return d
}

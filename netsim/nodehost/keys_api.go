package nodehost

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/raftlab/raftlab/core/store"
	"github.com/raftlab/raftlab/core/v2keys"
	"github.com/raftlab/raftlab/netsim"
)

// keysRequest is the /v2/keys request a v2 client sends for a key-space request: the method and
// the form values (ETCD_V2_API.md §3).
func keysRequest(req netsim.Request) (string, url.Values) {
	form := url.Values{}
	method := http.MethodPut
	value := !req.Dir && !req.Refresh
	switch req.Kind {
	case netsim.ReqGet:
		method, value = http.MethodGet, false
	case netsim.ReqQuorumGet:
		method, value = http.MethodGet, false
		form.Set("quorum", "true")
	case netsim.ReqCreate:
		form.Set("prevExist", "false")
	case netsim.ReqUpdate:
		form.Set("prevExist", "true")
	case netsim.ReqCompareAndSwap:
		if req.PrevValue != "" && req.PrevIndex != 0 {
			form.Set("prevExist", "true") // as a client that also asks for an existing key would
		}
	case netsim.ReqDelete, netsim.ReqCompareAndDelete:
		method, value = http.MethodDelete, false
	case netsim.ReqCreateInOrder:
		method = http.MethodPost
	}
	if value {
		form.Set("value", req.Value)
	}
	if req.PrevValue != "" {
		form.Set("prevValue", req.PrevValue)
	}
	if req.PrevIndex != 0 {
		form.Set("prevIndex", strconv.FormatUint(req.PrevIndex, 10))
	}
	for name, on := range map[string]bool{"dir": req.Dir, "recursive": req.Recursive, "refresh": req.Refresh} {
		if on {
			form.Set(name, "true")
		}
	}
	if req.TTL > 0 && method != http.MethodDelete && method != http.MethodGet {
		form.Set("ttl", strconv.FormatInt((req.TTL+1e9-1)/1e9, 10))
	}
	varyForm(req.ID, method, form)
	return method, form
}

// translate turns a key-space request into what the HTTP API would ask the node, through the API's
// own translation (v2keys.Translate). The form's ttl is in whole seconds; the simulator's TTLs are
// in ns, so the expiration is then set from the exact TTL.
func translate(req netsim.Request) (v2keys.Call, *store.Error) {
	method, form := keysRequest(req)
	call, err := v2keys.Translate(method, req.Key, form, req.Now, v2keys.DefaultLimits())
	if err != nil {
		return call, err
	}
	if w := &call.Request.Write; req.TTL > 0 && w.HasTTL {
		w.Expiration = req.Now + req.TTL
	}
	call.Request.ID = req.ID
	return call, nil
}

// watchRequest is the GET ?wait=true a v2 client sends to watch key from index since (0: from
// now), every event on one connection (stream=true).
func watchRequest(key string, recursive bool, since uint64) url.Values {
	form := url.Values{"wait": {"true"}, "stream": {"true"}}
	if recursive {
		form.Set("recursive", "true")
	}
	if since > 0 {
		form.Set("waitIndex", strconv.FormatUint(since, 10))
	}
	return form
}

// answer is the reply of request id as the API answers it: the bytes on the wire.
func answer(id uint64, resp v2keys.Response) netsim.Reply {
	return netsim.Reply{ID: id, Wire: resp.Wire(make([]byte, 0, answerBytes))}
}

// answerBytes is room enough for most answers' bodies (an event with its previous node).
const answerBytes = 320

// errorAnswer is the API's answer to a request that failed with err.
func errorAnswer(id uint64, err error) netsim.Reply {
	e, _ := v2keys.ErrorFor(err)
	return answer(id, v2keys.ErrorResponse(e))
}

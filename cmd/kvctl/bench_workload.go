package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
)

// Workload names of `kvctl bench`.
const (
	workloadPut   = "put"   // PUT of a value to a random key
	workloadGet   = "get"   // local (serializable) GET of a random key
	workloadQGet  = "qget"  // quorum (linearizable) GET of a random key
	workloadCAS   = "cas"   // compare-and-swap on the modifiedIndex last seen for a random key
	workloadMixed = "mixed" // local GETs and PUTs, --read-percent of them GETs
)

// workloads lists the workload names in help order.
func workloads() []string {
	return []string{workloadPut, workloadGet, workloadQGet, workloadCAS, workloadMixed}
}

// opOutcome classifies one operation's result.
type opOutcome int

const (
	outcomeOK    opOutcome = iota // done as asked
	outcomeMiss                   // an answer the workload expects sometimes: key not found, compare failed
	outcomeError                  // anything else: transport failure, unexpected status
)

// opKind is what one operation sends.
type opKind int

const (
	opPut opKind = iota
	opGet
	opQGet
	opCAS
)

// benchWorkload builds one client's requests. Each client owns one: no locking.
type benchWorkload struct {
	name        string
	keySpace    int
	readPercent int
	prefix      string
	rng         *rand.Rand
	value       []byte
	clientID    uint64
	writes      uint64
	// known holds, per key, the modifiedIndex this client last saw (cas only; absent = unknown).
	known map[int]uint64
	req   benchRequest
	path  []byte
	body  []byte
}

// newBenchWorkload returns client id's request builder. prefix is the key directory (starting
// and ending with "/"); the random generator is seeded from seed and id.
func newBenchWorkload(name string, id int, seed uint64, prefix string, keySpace, valSize, readPercent int) *benchWorkload {
	rng := rand.New(rand.NewPCG(seed, uint64(id)))
	value := make([]byte, valSize)
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	for i := range value {
		value[i] = letters[rng.IntN(len(letters))]
	}
	return &benchWorkload{
		name: name, keySpace: keySpace, readPercent: readPercent, prefix: prefix,
		rng: rng, value: value, clientID: uint64(id), known: map[int]uint64{},
	}
}

// next picks the next operation: its kind and key.
func (w *benchWorkload) next() (opKind, int) {
	key := w.rng.IntN(w.keySpace)
	switch w.name {
	case workloadGet:
		return opGet, key
	case workloadQGet:
		return opQGet, key
	case workloadCAS:
		return opCAS, key
	case workloadMixed:
		if w.rng.IntN(100) < w.readPercent {
			return opGet, key
		}
	}
	return opPut, key
}

// request builds the request for kind on key. It is valid until the next call.
func (w *benchWorkload) request(kind opKind, key int) *benchRequest {
	w.path = append(w.path[:0], "/v2/keys"...)
	w.path = append(w.path, w.prefix...)
	w.path = strconv.AppendInt(w.path, int64(key), 10)
	w.req = benchRequest{method: "GET", target: w.path}
	switch kind {
	case opQGet:
		w.path = append(w.path, "?quorum=true"...)
		w.req.target = w.path
	case opPut, opCAS:
		if kind == opCAS {
			if idx, ok := w.known[key]; ok {
				w.path = append(w.path, "?prevIndex="...)
				w.path = strconv.AppendUint(w.path, idx, 10)
			} else {
				w.path = append(w.path, "?prevExist=false"...)
			}
		}
		w.req = benchRequest{method: "PUT", target: w.path, body: w.formValue()}
	}
	return &w.req
}

// formValue is "value=" and a fresh value: the base letters with the client and write number
// in front, so that successive writes differ.
func (w *benchWorkload) formValue() []byte {
	w.writes++
	var stamp [16]byte
	const hex = "0123456789abcdef"
	for i, v := 0, w.clientID<<48|w.writes&(1<<48-1); i < len(stamp); i++ {
		stamp[len(stamp)-1-i] = hex[v&0xf]
		v >>= 4
	}
	w.body = append(w.body[:0], "value="...)
	start := len(w.body)
	w.body = append(w.body, w.value...)
	copy(w.body[start:], stamp[:])
	return w.body
}

// refreshRequest is the local GET a cas client sends after a failed compare to learn the key's
// current modifiedIndex.
func (w *benchWorkload) refreshRequest(key int) *benchRequest {
	return w.request(opGet, key)
}

// classify turns a response status into an outcome for kind.
func classify(kind opKind, status int) opOutcome {
	switch {
	case status == 200 || status == 201:
		return outcomeOK
	case status == 404 && kind != opPut:
		return outcomeMiss // key not found
	case status == 412 && kind == opCAS:
		return outcomeMiss // compare failed or key already exists
	}
	return outcomeError
}

// modifiedIndex extracts node.modifiedIndex from a v2 keys response body.
func modifiedIndex(body []byte) (uint64, error) {
	var r struct {
		Node *struct {
			ModifiedIndex uint64 `json:"modifiedIndex"`
		} `json:"node"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return 0, fmt.Errorf("decode keys response: %w", err)
	}
	if r.Node == nil {
		return 0, fmt.Errorf("keys response without a node: %.80q", body)
	}
	return r.Node.ModifiedIndex, nil
}

// learn records what a cas client knows of key after a response with this status and body.
func (w *benchWorkload) learn(key, status int, body []byte) error {
	switch status {
	case 200, 201:
		idx, err := modifiedIndex(body)
		if err != nil {
			return err
		}
		w.known[key] = idx
	case 404:
		delete(w.known, key)
	}
	return nil
}

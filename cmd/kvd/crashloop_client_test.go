package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	client "go.etcd.io/etcd/client/v2"

	"github.com/raftlab/raftlab/checker/history"
)

// recorder collects the real client history of a crash-loop run. Times are nanoseconds since
// start on the monotonic clock.
type recorder struct {
	start time.Time
	mu    sync.Mutex
	ops   []history.Op
}

func newRecorder() *recorder { return &recorder{start: time.Now()} }

func (r *recorder) now() int64 { return int64(time.Since(r.start)) }

func (r *recorder) add(op history.Op) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ops = append(r.ops, op)
}

func (r *recorder) history() []history.Op {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]history.Op(nil), r.ops...)
}

// loadClient is one client process: one request outstanding at a time, each sent to exactly one
// member (the official client would retry a failed request on another endpoint, which could apply
// a write twice behind the history's back). On an error it moves to the next member.
type loadClient struct {
	id       int
	apis     []client.KeysAPI // one per member, each with a single endpoint
	names    []string
	keys     []string
	rng      *rand.Rand
	rec      *recorder
	timeout  time.Duration
	endpoint int
	seq      int
	lastSeen map[string]string // the value this client last read or wrote per key, for cas
}

func newLoadClient(t *testing.T, id int, c *cluster, keys []string, rec *recorder) *loadClient {
	t.Helper()
	lc := &loadClient{id: id, keys: keys, rec: rec, timeout: 2 * time.Second, endpoint: id % len(c.members),
		rng: rand.New(rand.NewPCG(uint64(id)+1, 0x6b7664)), lastSeen: map[string]string{}}
	for _, m := range c.members {
		cl, err := client.New(client.Config{Endpoints: []string{m.ClientURL}, Transport: client.DefaultTransport})
		require.NoError(t, err)
		lc.apis = append(lc.apis, client.NewKeysAPI(cl))
		lc.names = append(lc.names, m.Name)
	}
	return lc
}

// run issues operations until ctx ends.
func (lc *loadClient) run(ctx context.Context) {
	for ctx.Err() == nil {
		key := lc.keys[lc.rng.IntN(len(lc.keys))]
		switch p := lc.rng.IntN(10); {
		case p < 4:
			lc.do(ctx, history.Op{Kind: history.KindQGet, Key: key})
		case p < 8 || lc.lastSeen[key] == "":
			lc.seq++
			lc.do(ctx, history.Op{Kind: history.KindSet, Key: key, Value: fmt.Sprintf("c%d-%d", lc.id, lc.seq)})
		default:
			lc.seq++
			lc.do(ctx, history.Op{Kind: history.KindCAS, Key: key, Value: fmt.Sprintf("c%d-%d", lc.id, lc.seq),
				PrevValue: lc.lastSeen[key]})
		}
	}
}

// do sends op to the current member and records it with its outcome.
func (lc *loadClient) do(ctx context.Context, op history.Op) {
	op.Client = lc.id
	op.Node = lc.names[lc.endpoint]
	api := lc.apis[lc.endpoint]
	rctx, cancel := context.WithTimeout(ctx, lc.timeout)
	defer cancel()
	op.Call = lc.rec.now()
	var resp *client.Response
	var err error
	switch op.Kind {
	case history.KindQGet:
		resp, err = api.Get(rctx, op.Key, &client.GetOptions{Quorum: true})
	case history.KindSet:
		resp, err = api.Set(rctx, op.Key, op.Value, nil)
	case history.KindCAS:
		resp, err = api.Set(rctx, op.Key, op.Value, &client.SetOptions{PrevValue: op.PrevValue})
	}
	op.Return = lc.rec.now()
	// An op the test cut short at the end of the run may still take effect: complete records it
	// as unknown like any other error.
	lc.complete(&op, resp, err)
	lc.rec.add(op)
}

// complete fills in the outcome: ok, a definite etcd error, or unknown for everything else
// (timeouts, refused connections, 5xx answers of a member without a leader).
func (lc *loadClient) complete(op *history.Op, resp *client.Response, err error) {
	if err == nil {
		op.Outcome = history.OutcomeOK
		op.Index = resp.Node.ModifiedIndex
		if op.Kind.IsRead() {
			op.Found, op.Result = true, resp.Node.Value
		}
		lc.lastSeen[op.Key] = resp.Node.Value
		return
	}
	var etcdErr client.Error
	if errors.As(err, &etcdErr) {
		switch {
		case op.Kind.IsRead() && etcdErr.Code == client.ErrorCodeKeyNotFound:
			op.Outcome = history.OutcomeOK
			delete(lc.lastSeen, op.Key)
			return
		case op.Kind.IsWrite() && (etcdErr.Code == client.ErrorCodeTestFailed || etcdErr.Code == client.ErrorCodeKeyNotFound):
			op.Outcome, op.ErrorCode = history.OutcomeFail, etcdErr.Code
			delete(lc.lastSeen, op.Key)
			return
		}
	}
	op.Outcome = history.OutcomeUnknown
	lc.endpoint = (lc.endpoint + 1) % len(lc.apis)
}

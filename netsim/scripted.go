package netsim

import (
	"errors"
	"fmt"

	"github.com/raftlab/raftlab/checker/history"
)

// Call is a scripted client operation in progress.
type Call struct {
	cl *call
}

// Done reports whether the operation completed (ok, fail or unknown).
func (c *Call) Done() bool { return c.cl.done }

// Op is the recorded operation (meaningful once Done).
func (c *Call) Op() history.Op {
	return c.cl.op
}

// Reply is the last answer the operation got (its error for fail and unknown outcomes).
func (c *Call) Reply() Reply { return c.cl.reply }

// DoOptions tune one scripted operation.
type DoOptions struct {
	// Target pins the operation to one node (no failover); 0 lets the client pick and fail over.
	Target uint64
	// Timeout per attempt and Attempts (defaults: the client configuration's).
	Timeout  int64
	Attempts int
}

// Do starts one scripted operation from a fresh client (its own history client number). It runs
// as the simulation runs; poll the returned Call or RunUntil(call.Done, limit).
func (s *Sim) Do(req Request, opts DoOptions) (*Call, error) {
	if req.Kind == 0 || req.Kind > ReqMemberPromote {
		return nil, fmt.Errorf("netsim: do: unknown request kind %d", req.Kind)
	}
	if req.Key == "" && req.Kind <= ReqCompareAndDelete {
		return nil, errors.New("netsim: do: empty key")
	}
	if req.Kind == ReqMemberAdd && (req.Member.ID == 0 || req.Member.Name == "") {
		return nil, errors.New("netsim: do: member add needs the member's ID and name")
	}
	if req.Kind == ReqMemberRemove && req.MemberID == 0 {
		return nil, errors.New("netsim: do: member remove needs a member ID")
	}
	if opts.Target != 0 {
		if _, err := s.host(opts.Target); err != nil {
			return nil, fmt.Errorf("netsim: do: %w", err)
		}
	}
	cs := s.clients
	if opts.Timeout <= 0 {
		opts.Timeout = cs.cfg.Timeout
	}
	if opts.Attempts <= 0 {
		opts.Attempts = cs.cfg.Attempts
		if opts.Target != 0 {
			opts.Attempts = 1
		}
	}
	c := cs.newClient(false)
	req.ID = c.requestID()
	return &Call{cl: cs.begin(c, req, opts.Target, opts.Attempts, opts.Timeout, nil)}, nil
}

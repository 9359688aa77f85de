package netsim

import (
	"fmt"
	"strings"
)

// AddMember starts a new node called name (ID one above the highest so far) that joins the running
// cluster, and submits the membership change for it through a client. It returns the new ID and
// the client call of the change.
func (s *Sim) AddMember(name string) (uint64, *Call, error) {
	if name == "" || strings.ContainsAny(name, " ,{}") {
		return 0, nil, fmt.Errorf("netsim: add member: bad name %q", name)
	}
	if _, err := s.NodeID(name); err == nil {
		return 0, nil, fmt.Errorf("netsim: add member: %s already exists", name)
	}
	id := s.order[len(s.order)-1] + 1
	m := MemberSpec{ID: id, Name: name}
	call, err := s.Do(Request{Kind: ReqMemberAdd, Member: m}, DoOptions{})
	if err != nil {
		return 0, nil, err
	}
	s.members = append(s.members, m)
	if err := s.addHost(m, true); err != nil {
		s.fail("%v", err)
		return 0, nil, err
	}
	return id, call, nil
}

// RemoveMember submits the removal of node id through a client; the node keeps running until it
// applies its own removal (then it stops answering, as a removed etcd member does).
func (s *Sim) RemoveMember(id uint64) (*Call, error) {
	if _, err := s.host(id); err != nil {
		return nil, fmt.Errorf("netsim: remove member: %w", err)
	}
	return s.Do(Request{Kind: ReqMemberRemove, MemberID: id}, DoOptions{})
}

package node

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
)

// membership is the replicated member list, changed only when entries are applied.
type membership struct {
	members  map[uint64]*Member
	learners map[uint64]bool
	removed  map[uint64]bool
}

func newMembership() *membership {
	return &membership{members: map[uint64]*Member{}, learners: map[uint64]bool{}, removed: map[uint64]bool{}}
}

// list returns the members sorted by ID.
func (ms *membership) list() []Member {
	out := make([]Member, 0, len(ms.members))
	for _, id := range ms.ids() {
		out = append(out, cloneMember(*ms.members[id]))
	}
	return out
}

func (ms *membership) ids() []uint64 {
	ids := make([]uint64, 0, len(ms.members))
	for id := range ms.members {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

func (ms *membership) removedIDs() []uint64 {
	ids := make([]uint64, 0, len(ms.removed))
	for id := range ms.removed {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

func cloneMember(m Member) Member {
	m.PeerURLs = slices.Clone(m.PeerURLs)
	m.ClientURLs = slices.Clone(m.ClientURLs)
	return m
}

// validateAdd checks an add against the current list: IDs and peer URLs are unique, removed IDs
// never come back.
func (ms *membership) validateAdd(m Member) error {
	if ms.removed[m.ID] {
		return ErrIDRemoved
	}
	if _, ok := ms.members[m.ID]; ok {
		return ErrIDExists
	}
	return ms.checkURLsFree(m.ID, m.PeerURLs)
}

func (ms *membership) validateUpdate(id uint64, peerURLs []string) error {
	if ms.removed[id] {
		return ErrIDRemoved
	}
	if _, ok := ms.members[id]; !ok {
		return ErrIDNotFound
	}
	return ms.checkURLsFree(id, peerURLs)
}

func (ms *membership) validateRemove(id uint64) error {
	if ms.removed[id] {
		return ErrIDRemoved
	}
	if _, ok := ms.members[id]; !ok {
		return ErrIDNotFound
	}
	return nil
}

func (ms *membership) validatePromote(id uint64) error {
	if err := ms.validateRemove(id); err != nil {
		return err
	}
	if !ms.learners[id] {
		return ErrNotLearner
	}
	return nil
}

// maybeStale reports whether err, a refusal found against this member's applied membership, may be
// undone by a change committed but not applied here yet: a member just added is not found on a
// follower that lags, a peer URL just freed is still taken there. Such a request goes through the
// log and is judged where it applies, as etcd judges it (every replica alike).
func maybeStale(err error) bool {
	return errors.Is(err, ErrIDNotFound) || errors.Is(err, ErrPeerURLExists)
}

func (ms *membership) checkURLsFree(self uint64, urls []string) error {
	for _, id := range ms.ids() {
		if id == self {
			continue
		}
		for _, u := range ms.members[id].PeerURLs {
			if slices.Contains(urls, u) {
				return ErrPeerURLExists
			}
		}
	}
	return nil
}

// Internal store paths, as etcd keeps them in its hidden namespace.
func memberDir(id uint64) string         { return "/members/" + strconv.FormatUint(id, 16) }
func removedMemberPath(id uint64) string { return "/removed_members/" + strconv.FormatUint(id, 16) }

type raftAttributes struct {
	PeerURLs  []string `json:"peerURLs"`
	IsLearner bool     `json:"isLearner,omitempty"`
}

type attributes struct {
	Name       string   `json:"name,omitempty"`
	ClientURLs []string `json:"clientURLs,omitempty"`
}

func raftAttributesJSON(m Member, learner bool) string {
	b, err := json.Marshal(raftAttributes{PeerURLs: m.PeerURLs, IsLearner: learner})
	if err != nil {
		panic(fmt.Sprintf("node: marshal raft attributes: %v", err)) // strings and bools always marshal
	}
	return string(b)
}

func attributesJSON(m Member) string {
	b, err := json.Marshal(attributes{Name: m.Name, ClientURLs: m.ClientURLs})
	if err != nil {
		panic(fmt.Sprintf("node: marshal attributes: %v", err))
	}
	return string(b)
}

package checker

import (
	"fmt"
	"sort"
)

// AckedWrite records that a client got a success for a write (including a delete) of key at index.
func (m *Monitor) AckedWrite(key string, index uint64) {
	if index > m.acked[key] {
		m.acked[key] = index
	}
}

// DeleteAttempted records that some client tried to delete key (whatever the outcome), which excuses
// the key's absence at the end.
func (m *Monitor) DeleteAttempted(key string) { m.deletes[key] = true }

// FinalState checks, at the end of a run, that no acknowledged write was lost: each key's last
// acknowledged write is still there or was overwritten by a later one (a higher index). A key that is
// missing counts as lost unless a delete of it was attempted. lookup reads the final store (of any
// up-to-date node).
func (m *Monitor) FinalState(lookup func(key string) (value string, index uint64, found bool)) {
	keys := make([]string, 0, len(m.acked))
	for k := range m.acked {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		acked := m.acked[key]
		_, index, found := lookup(key)
		switch {
		case !found && !m.deletes[key]:
			m.violations.addWhen("end", fmt.Sprintf("acknowledged write of %s at etcd index %d lost: the key is gone", key, acked))
		case found && index < acked:
			m.violations.addWhen("end", fmt.Sprintf("acknowledged write of %s at etcd index %d lost: the key holds etcd index %d", key, acked, index))
		}
	}
}

// EntryHash is FNV-1a over data: a convenient dataHash for ObserveApply.
func EntryHash(data []byte) uint64 {
	const prime = 1099511628211
	h := uint64(14695981039346656037)
	for _, b := range data {
		h = (h ^ uint64(b)) * prime
	}
	return h
}

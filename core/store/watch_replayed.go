package store

// ReplayedThrough is the highest index of the events the watcher was sent from the event history
// (when it registered with a past waitIndex, or when the store recovered from a snapshot) rather than
// as they happened. Only events sent as they happened leave out keys hidden below a recursive
// watch; the lab tells the two apart with it.
func (w *Watcher) ReplayedThrough() uint64 {
	w.store.mu.Lock()
	defer w.store.mu.Unlock()
	return w.replayed
}

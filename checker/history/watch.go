package history

// WatchRecord is what one watcher (a client looping on wait=true, or a stream) received.
type WatchRecord struct {
	Client int `json:"client"`
	// Prefix is the watched key.
	Prefix string `json:"prefix"`
	// Recursive is the recursive=true flag: events of keys under Prefix/ match too.
	Recursive bool `json:"recursive,omitempty"`
	// FromIndex is the first waitIndex the watcher asked for; events from it on are owed.
	FromIndex uint64 `json:"fromIndex"`
	// Until, when non-zero, is the last index owed to the watcher (it stopped watching, or the run
	// ended after the store reached Until). Zero means every committed event is owed.
	Until uint64 `json:"until,omitempty"`
	// Events are the events received, in the order received.
	Events []WatchEvent `json:"events"`
	// Cleared says the watcher got error 401 (its index fell out of the event history window). Events
	// after the last one received are not owed then.
	Cleared bool `json:"cleared,omitempty"`
	// NeverOpened says the watcher never had a stream open (no member served it before the run
	// ended): nothing is owed to it, and any event it holds is a problem.
	NeverOpened bool `json:"neverOpened,omitempty"`
}

// WatchEvent is one store event as a watcher sees it.
type WatchEvent struct {
	Action string `json:"action"`
	Key    string `json:"key"`
	Index  uint64 `json:"index"`
	// Dir says the event's node is a directory; the deletion or expiry of a directory is owed to the
	// watchers of keys below it.
	Dir bool `json:"dir,omitempty"`
	// Live says the event reached the watcher as it happened (its index is above the store's index
	// when the watch registered), not replayed from the event history: a recursive watcher is never
	// sent a hidden key's event live.
	Live bool `json:"live,omitempty"`
}

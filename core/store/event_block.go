package store

// The views of an event's nodes are reached only through the event, so they live exactly as long
// as it does; allocating them together with the event costs one allocation per event instead of
// one per part. The *Event handed out points into the block and keeps all of it alive.

// eventWithNode is an event and the view of its node, for events without a prevNode (create, a set
// of a new key, a get of a file).
type eventWithNode struct {
	event Event
	node  externKey
}

// newEventWithNode returns the event action of n, showing n as it is now.
func newEventWithNode(action string, n *node, now int64) *Event {
	b := &eventWithNode{}
	b.event.Action = action
	b.event.Node = n.view(&b.node, now)
	return &b.event
}

// changeEvent is an event with the views of its node and of the previous node.
type changeEvent struct {
	event Event
	node  externKey
	prev  externKey
}

// newChangeEvent starts the event action that changes or removes n: it shows n as it is now as the
// prevNode. The caller then changes n and sets Node, with view into node.
func newChangeEvent(action string, n *node, now int64) *changeEvent {
	c := &changeEvent{}
	c.event.Action = action
	c.event.PrevNode = n.view(&c.prev, now)
	return c
}

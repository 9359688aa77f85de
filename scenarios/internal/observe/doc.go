// Package observe plugs raftlab's checkers into the simulator: an adapter that feeds
// checker.Monitor from netsim's Observer notifications, and a recorder of the events the store
// committed (the ground truth that checker.CheckWatches compares every watcher against).
package observe

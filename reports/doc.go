// Package reports turns the plain data of one simulated lab run into a
// self-contained HTML report with plotted figures (gonum/plot), and writes
// a summary page for a sweep of many seeds.
//
// The package knows nothing of the simulator, the nemesis or the checker:
// the lab fills in a Run and calls Write. Output is deterministic: the same
// Run always yields the same index.html and the same figure bytes.
package reports

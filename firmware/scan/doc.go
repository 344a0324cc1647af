// Package scan is the scan flow: a payload read by the scanner (or pasted
// on the local page) → verdict → lights at once → display → counters.
//
// One goroutine (Run) owns the flow. Serial scans are submitted without
// blocking: a slow consumer never blocks the scanner reader; when the queue
// is full the newest scan is dropped and counted (the guard simply scans
// again). The same payload scanned again within the repeat window is shown
// again but not counted twice; the payload is remembered only as a hash and
// only in memory, for that window.
package scan

// Package ptysim simulates a serial barcode scanner with a pseudo-terminal
// pair (github.com/creack/pty), for tests and the daemon's `make run`.
//
// The driver opens the slave side through a stable symlink (Sim.Path); the
// simulator writes scans into the master side, as a scanner module would
// send them, and reads what the driver writes (commands). Unplug closes the
// pair and removes the link, which hangs up the driver's tty exactly as a
// USB unplug does; Plug makes a new pair, whose slave usually has another
// /dev/pts number, and repoints the link, which the driver follows when it
// reopens.
package ptysim

// Package web serves the kiosk's local page and its small JSON API, for a
// technician on the bench and for the simulated kiosk of `make run`:
//
//	GET  /             the page: panel, lights, last verdicts, counters, a box to scan
//	GET  /api/samples  [{"name","payload","expect"}, …] (simulation only)
//	POST /api/scan     raw payload in the body → the verdict JSON of `kioskctl verify --json`
//	GET  /api/state    lights, last verdict, counters
//	GET  /panel.png    the panel image, one pixel per panel pixel
//	POST /api/selftest the hardware checks of `kioskctl selftest` (pulses the lights)
//
// Only the reply to a scan request carries holder fields, as
// `kioskctl verify --json` does; the state never does. The server binds to
// loopback by default and refuses cross-origin POSTs from browsers.
package web

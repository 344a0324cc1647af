// Package web serves the kiosk's local page and its small JSON API, for a
// technician on the bench and for the simulated kiosk of `make run`:
//
//	GET  /             the page: panel, lights, last verdicts, counters, the door, a box to scan
//	GET  /api/samples  [{"name","payload","expect","kind"}, …] (simulation only; kind: staff, category, poster)
//	GET  /api/messages {"lang","messages"}: the panel's catalog in the browser's language (?lang=, Accept-Language)
//	POST /api/scan     raw payload in the body → {"kind":"pass", …the verdict JSON of `kioskctl verify --json`}
//	                   for a pass; {"kind":"staff","message","refused","door","group"} for a staff
//	                   card, category code, group code or venue poster: no verdict
//	GET  /api/state    lights, last verdict, counters, the door (open entry, exempt counts)
//	GET  /panel.png    the panel image, one pixel per panel pixel
//	POST /api/selftest the hardware checks of `kioskctl selftest` (pulses the lights)
//
// Only the reply to a scan request carries holder fields, as
// `kioskctl verify --json` does; the state never does (and the daemon's
// panel image leaves the status area blank while a holder is shown).
//
// Staff codes are not passes: their reply (StaffJSON) says what they did
// in a neutral message — never green or red — and they touch no
// green/amber/red counter; the page shows them without a verdict word.
//
// Every request must name the kiosk in its Host header (a loopback name or
// address, or Opts.Hosts): a page of another site whose name resolves to
// 127.0.0.1 (DNS rebinding) is refused on every endpoint, as is an Origin
// of another site. Every POST needs the per-boot token (TokenHeader) that
// the page embeds and kioskctl reads from the state directory (TokenFile).
package web

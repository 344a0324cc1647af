// Package sim is the simulated kiosk of `make run` and of the end-to-end
// tests: the daemon's own code wired to stand-ins for the hardware —
// a pseudo-terminal for the scanner (read through the real tarm/serial
// driver), the e-paper emulator behind the real panel driver, gpiotest pins
// behind the real indicator driver — and sample signed passes made on the
// spot with sample issuer keys, made on first start and kept in the state
// directory (sim-keys/issuers.pem), so that a payload saved from one run
// is judged the same in the next. One simulated kiosk runs a state
// directory at a time (sim.lock). Their trust list, revocations and codes,
// and the sample staff-card revocations, are published with the
// authority's publisher (sync/publish) into a repository in the state
// directory (sim-repo, keys in sim-keys), which the daemon syncs and
// verifies like any other (sync.source, sync.root): the revoked sample
// staff card is refused because a sync brought its id.
package sim

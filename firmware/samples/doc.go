// Package samples makes the simulated kiosk's sample data on the spot: a
// throw-away issuer for each pass format, the trust list, revocation and
// red/amber code data naming some of the sample passes, and sample passes
// covering green, amber and red.
//
// Nothing here is a real person or a real issuer: names are fictitious and
// every key is generated when Make runs, so no sample can ever verify on a
// real kiosk. The one exception is the NZ COVID Pass specification's own
// examples, signed by its published example issuer
// (did:web:nzcp.covid19.health.nz, not New Zealand's real one), whose DID
// document the sample trust holds.
package samples

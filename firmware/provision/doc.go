// Package provision sets a kiosk up for its venue: the venue identity, the
// board profile (panel model and pins, scanner device and baud), the sync
// source and its initial trusted root, and the kiosk's own ed25519 key —
// created on the device, mode 0600, never printed.
//
// A technician provisions with `kioskctl provision` flags, or the operator
// prepares a provisioning file signed with the operator's ed25519 key
// (`kioskctl provision sign`), which a kiosk applies from a USB stick at
// first boot. A signed file is verified before its content is parsed; an
// unsigned, tampered or wrongly signed file changes nothing.
//
// Everything lands in the state directory (the root filesystem is
// read-only): provision.toml (read by kioskd over its base configuration),
// root.json, kiosk.key, and visits.key (the visit log's HMAC secret, made
// once and never replaced). Provisioning is idempotent: the same values again
// change nothing, and an existing key is never replaced without Force.
package provision

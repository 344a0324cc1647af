// Package repo is the format of venuekiosk's update repository, shared by
// the kiosk's sync client (sync/client) and the authority's publisher
// (sync/publish): The Update Framework's metadata
// (https://theupdateframework.github.io/specification/v1.0.31/) with
// ed25519 keys, and the data files it protects.
//
// # Repository
//
// A repository is a directory of plain files, served by any static web
// server, object store or CDN, or copied to a USB stick:
//
//	1.root.json, 2.root.json, …     every root version (kept for ever: kiosks walk them)
//	root.json                       the newest root, for provisioning kiosks
//	timestamp.json                  the only file fetched without a version
//	N.snapshot.json, N.targets.json consistent snapshots (the last few versions)
//	targets/<sha256>.trust.json     issuer keys (DCC, SMART Health Cards, Hong Kong)
//	targets/<sha256>.policy.json    the entry policy (firmware/policy's JSON)
//	targets/<sha256>.codes.bin      red and amber codes
//	targets/<sha256>.exposures.json exposure notices
//	targets/<sha256>.staff_revocations.json revoked staff cards
//	targets/revocations/<sha256>.full.bin       the whole revocation list
//	targets/revocations/<sha256>.delta-N.bin    what changed from version N-1 to N
//
// Every target is named in targets metadata with its length, SHA-256 and
// custom metadata {"venuekiosk": {"dataset", "version", "kind", "from",
// "entries"}}: data sets have versions of their own, which only grow, and
// which the kiosk records with each apply (store.SetDataVersion).
//
// # Metadata
//
// Roles root, targets, snapshot and timestamp, each with its own keys and
// threshold; signatures are ed25519 over the canonical JSON (OLPC, as
// securesystemslib and go-tuf write it) of the "signed" part; key IDs are
// the SHA-256 of a key's canonical JSON. Timestamp metadata carries one
// field TUF does not define, "x-venuekiosk-issued": when it was signed.
// The kiosk raises its time floor to it and judges the age of its data by
// it (the entry policy's max_data_age_hours).
//
// This package is stricter than the specification where it costs the
// publisher nothing: metadata lengths and SHA-256 hashes are required in
// timestamp and snapshot metadata (the specification makes them optional),
// a repeated JSON key, a non-integer number or a control character in a
// string makes a document unreadable, and target names are restricted to
// lower-case paths without "..". Parse checks form, never signatures;
// Metadata.Verify checks a role's threshold: signatures by keys the role
// does not list, bad signatures and a second signature by the same key do
// not count.
//
// # Data files
//
// Lists are binary (lists.go): a pass ID is a SHA-256 and does not
// compress. A full revocation list is 32 bytes an entry after a 16-byte
// header, a delta 32 bytes an added or removed entry after 24, a code
// 49 bytes. Every list is strictly ascending; every count is checked
// against the file's length before an entry is read. Trust lists and
// exposure notices are JSON (documents.go), decoded with unknown fields
// refused. Revoked staff cards are a JSON list of card ids (staff.go),
// strictly ascending, each checked against firmware/staff's card id rule.
package repo

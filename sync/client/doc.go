// Package client is the kiosk's side of signed sync: it brings the store
// (internal/store) up to date from a TUF repository (sync/repo) over
// HTTP(S) or from a directory — a technician's USB stick — with the same
// checks either way.
//
// # What a sync does
//
// Sync follows the TUF client workflow (specification 1.0.31, section 5):
//
//  1. root: fetch N+1.root.json until there is none; each must be signed
//     by a threshold of the trusted root's root keys and of its own, and
//     carry exactly version N+1. New timestamp or snapshot keys drop the
//     trusted timestamp and snapshot. The final root must not be expired.
//  2. timestamp.json (at most 16 KiB; conditional on the last response's
//     ETag and Last-Modified): signed by the timestamp threshold, version
//     and snapshot version not lower than the trusted ones, issue time not
//     earlier, not expired.
//  3. N.snapshot.json: length and SHA-256 from the timestamp, signed,
//     version as listed, no targets version lower (nor missing), not
//     expired.
//  4. N.targets.json: length and SHA-256 from the snapshot, signed, version
//     as listed, not expired.
//  5. data: for each data set whose version is newer than the store's,
//     download its files (a chain of revocation deltas when it exists and
//     costs less than the full list) into unlinked temporary files, each
//     bounded by the length targets metadata gives and checked against its
//     SHA-256 before a byte of it is parsed; then apply everything in ONE
//     store transaction, with every data set's version and the timestamp's
//     issue time, and the raised time floor. A data set older than the
//     store's is a rollback and refused.
//
// Expiry is judged by Opts.Now, the kiosk's trusted clock, which is never
// earlier than the time floor: a kiosk whose clock lost power cannot be fed
// metadata that expired before the last time it knew.
//
// A power cut leaves the store with the old data or the new, never a mix
// (the store's one transaction). Trusted metadata is saved (atomically) as
// soon as it is verified, and the data to apply is decided by comparing the
// trusted targets with the store's recorded versions on every sync, so a
// sync cut short after its metadata was saved is completed by the next one.
// A newer timestamp over unchanged data re-records every data set with the
// new issue time: the timestamp role proved the data current.
//
// Every failure leaves the store as it was; errors are typed (errors.go,
// repo.ThresholdError) and name what failed and where.
//
// # Transport
//
// HTTP requests have dial, TLS, response-header and whole-request
// timeouts (a data file's budget grows with its length at Opts.MinRate) and
// give up on a server that sends nothing for Opts.StallTimeout. Responses
// larger than their bound are refused from their Content-Length, or cut at
// the bound. Metadata may come gzip-compressed (it is asked for so:
// targets metadata shrinks to about a quarter), bounded before and after
// decompression, so a decompression bomb stops at the bound; data files
// are asked for as they are, and any other Content-Encoding is refused.
// Run polls on a jittered interval with exponential backoff
// after failures (the interval is its ceiling) and obeys a 429's or 503's
// Retry-After, so that a fleet can poll one static server or CDN.
//
// Directories are read through os.Root: no name, link or ".." leaves them.
package client

// Package verify turns the text a QR scanner read into a Verdict: green,
// amber or red, with stable reasons, fully offline.
//
// An Engine holds the pass formats it reads (DCC, SHC, HKSARG, NZCP, each in
// its own sub-package; Formats lists them), the trust store, the revocation and red/amber code sets
// and an entry policy. Verify runs the same pipeline for every format:
//
//	bound the size → pick the format by prefix → decode, verifying the
//	signature before anything is parsed deeper → key usage → validity window
//	→ revocation → red/amber codes → entry policy → data staleness.
//
// Every failure is a red verdict with a reason; nothing panics and nothing
// is guessed. Verify never logs: the verdict carries the holder's name and
// date of birth for the guard, and callers must not store or log them.
package verify

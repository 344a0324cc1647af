package client

import (
	"fmt"
	"time"
)

// Errors a sync fails with. Every one leaves the store as it was. Callers
// branch on them with errors.As; repo.ThresholdError reports signatures
// that are missing, unknown, revoked or wrong.

// TooLargeError says a file is larger than its bound (the length signed
// metadata gives for it, or the bound of its kind).
type TooLargeError struct {
	Name      string
	Max, Size int64 // Size is -1 when the download ran past Max
}

func (e *TooLargeError) Error() string {
	if e.Size < 0 {
		return fmt.Sprintf("%s: more than %d bytes", e.Name, e.Max)
	}
	return fmt.Sprintf("%s: %d bytes; at most %d", e.Name, e.Size, e.Max)
}

// LengthError says a file is shorter than signed metadata says (a
// truncated download).
type LengthError struct {
	Name      string
	Want, Got int64
}

func (e *LengthError) Error() string {
	return fmt.Sprintf("%s: %d bytes; signed metadata says %d", e.Name, e.Got, e.Want)
}

// HashError says a file's SHA-256 is not the one signed metadata gives.
type HashError struct {
	Name      string
	Want, Got string
}

func (e *HashError) Error() string {
	return fmt.Sprintf("%s: SHA-256 %s; signed metadata says %s", e.Name, e.Got, e.Want)
}

// RollbackError says the repository offers something older than the kiosk
// already trusts or has applied.
type RollbackError struct {
	What             string // "timestamp metadata", "revocations data set", …
	Trusted, Offered int64
}

func (e *RollbackError) Error() string {
	return fmt.Sprintf("%s: version %d offered, but version %d is already trusted: refusing a rollback", e.What, e.Offered, e.Trusted)
}

// ExpiredError says metadata expired (a freeze attack, or a repository
// whose timestamp is no longer being re-signed).
type ExpiredError struct {
	Role    string
	Version int64
	Expires time.Time
	Now     time.Time
}

func (e *ExpiredError) Error() string {
	return fmt.Sprintf("%s metadata version %d expired at %s (kiosk time %s)", e.Role, e.Version,
		e.Expires.UTC().Format(time.RFC3339), e.Now.UTC().Format(time.RFC3339))
}

// MetadataError says metadata is inconsistent with the metadata that
// describes it (a version other than the one listed, a role that vanished).
type MetadataError struct {
	Role, Why string
}

func (e *MetadataError) Error() string { return e.Role + " metadata: " + e.Why }

// HTTPError is an unexpected HTTP status.
type HTTPError struct {
	URL, Status string
	// RetryAfter is the pause a 429 or 503 answer asked for with
	// Retry-After (0: none); Run waits at least that long.
	RetryAfter time.Duration
}

func (e *HTTPError) Error() string { return "GET " + e.URL + ": " + e.Status }

// StallError says the source stopped sending.
type StallError struct {
	After time.Duration
}

func (e *StallError) Error() string { return fmt.Sprintf("no data for %s: giving up", e.After) }

// DivergedError says a revocation delta did not fit the kiosk's list (the
// store holds other revocations than its recorded version says). The next
// sync downloads the full list instead.
type DivergedError struct {
	Version   int64
	Want, Got int64
	Adds      bool
}

func (e *DivergedError) Error() string {
	what := "removed"
	if e.Adds {
		what = "added"
	}
	return fmt.Sprintf("revocation delta to version %d %s %d entries, expected %d: the kiosk's list diverged; the next sync fetches the full list", e.Version, what, e.Got, e.Want)
}

// FutureError says signed metadata claims a time no honest repository
// signs: a timestamp issued after the trusted root (offline keys) expires
// — what a stolen online key would sign to push kiosks into the future.
type FutureError struct {
	Role        string
	Version     int64
	Issued      time.Time
	RootExpires time.Time
}

func (e *FutureError) Error() string {
	return fmt.Sprintf("%s metadata version %d was issued at %s, after the trusted root expires (%s): refusing a time no honest repository signs",
		e.Role, e.Version, e.Issued.UTC().Format(time.RFC3339), e.RootExpires.UTC().Format(time.RFC3339))
}

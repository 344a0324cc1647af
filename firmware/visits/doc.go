// Package visits is the kiosk's visit log, kept on the device only, and
// the offline exposure match for people without a smartphone.
//
// LeaveHomeSafe kept each person's visits on their own phone for 31 days
// and told them when a confirmed case had been at the same venue around the
// same time. A paper-pass holder has no phone; the kiosk keeps the record
// for them instead, without learning who they are:
//
//   - Each scan that yields a pass identifier (firmware/pass.ID, itself a
//     hash of the certificate identifier) records a visit: HMAC-SHA256 of
//     the identifier under a per-device secret (Key, created at
//     provisioning in its own 0600 file and never exported) and the
//     check-in, to the minute. An exit scan (a kiosk in exit mode, or the
//     exit button) adds the check-out, to the minute, to that pass's
//     check-in of the same day at this kiosk, and records nothing when
//     there is none. No name, no date of birth, no payload, no pass ID,
//     no verdict: a copy of the database without the key cannot even
//     tell whether a given pass visited.
//   - Visits older than the policy's retention (policy.VisitRetention,
//     31 days by default) are erased at start and every hour, and the
//     space they held is reclaimed (store.ExpireVisits explains how).
//   - A visit is a stay, the interval from its check-in to its
//     check-out, or without one to the check-in plus an assumed stay (the
//     exposure's own, else the entry policy's for the venue's category;
//     Annotate says how the boundaries are judged). When synced exposure
//     data (store.Exposures) names this kiosk's venue, a pass scanned
//     again within the notice period whose stay overlapped an exposure
//     window gets an exposure notice: the verdict keeps its status, the
//     display and the local page tell the holder to get tested, with its
//     own tone. The match happens on the kiosk and nothing about it
//     leaves it; a technician sees only counts.
//
// Log plugs into the scan flow twice: as a scan.Annotator (the match,
// before the lights) and as a scan.Sink (recording, handed to its own
// goroutine so that a slow flash never delays a scan).
//
// References: RFC 2104 (HMAC), FIPS 180-4 (SHA-256); SQLite's
// secure_delete, auto_vacuum and incremental_vacuum pragmas
// (https://www.sqlite.org/pragma.html).
package visits

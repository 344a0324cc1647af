// Package publish is the health authority's side of signed sync: it
// creates the repository's keys, builds and signs the repository
// (sync/repo) from data sets, re-signs the timestamp, and rotates keys —
// root keys with their threshold included. The command is
// sync/cmd/vkpublish; the simulator uses this package to publish its
// sample data.
//
// Publish writes only what changed: each data set whose content differs
// from the published one gets the next version (revocations a delta
// against the previous list as well), then targets, snapshot and
// timestamp metadata are signed and written, timestamp.json last and
// atomically, so that a kiosk reading the directory meanwhile sees the old
// version or the new one. Target files are content-addressed and never
// rewritten; metadata and files older than Opts.KeepVersions versions are
// removed, so a kiosk in the middle of a sync still finds what it started
// with.
//
// Private keys are PKCS #8 PEM files, one per key, mode 0600; the root in
// force decides which keys sign for which role, so key holders can keep
// their keys in separate directories (LoadKeys reads several). A role's
// threshold must be met by the keys at hand or nothing is signed
// (MissingKeysError).
package publish

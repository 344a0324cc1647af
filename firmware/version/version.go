// Package version holds the firmware version, set at link time with
// -ldflags "-X github.com/venuekiosk/venuekiosk/firmware/version.Version=…".
package version

// Version is the firmware version; "dev" in an unreleased build.
var Version = "dev"

package publish

import (
	_ "embed"
	"path"
	"regexp"
	"strings"
)

// Cache-Control values for a repository's files (CacheControl).
const (
	// CacheImmutable is for consistent-snapshot names, whose content never
	// changes once written.
	CacheImmutable = "public, max-age=31536000, immutable"
	// CacheShort is for the files that change in place (timestamp.json,
	// root.json, floor-reset.json) and for a missing file (404), which
	// may appear later (the next N.root.json): a cache or CDN keeps them a
	// minute, so a kiosk sees a new timestamp at most that much later.
	CacheShort = "public, max-age=60"
)

// NginxSite is an example nginx site configuration serving a repository
// with CacheControl's headers (nginx/venuekiosk.conf in the source tree).
//
//go:embed nginx/venuekiosk.conf
var NginxSite string

var (
	immutableMeta   = regexp.MustCompile(`^[1-9][0-9]*\.(root|snapshot|targets)\.json$`)
	immutableTarget = regexp.MustCompile(`^[0-9a-f]{64}\.[^/]+$`)
)

// CacheControl returns the Cache-Control header a server, bucket or CDN
// should give the repository file name (a slash-separated path inside the
// repository, as vkpublish writes it): CacheImmutable for consistent-snapshot
// names, CacheShort for every other file.
func CacheControl(name string) string {
	name = strings.TrimPrefix(path.Clean("/"+name), "/")
	dir, base := path.Split(name)
	switch {
	case dir == "" && immutableMeta.MatchString(base):
		return CacheImmutable
	case (dir == "targets/" || strings.HasPrefix(dir, "targets/")) && immutableTarget.MatchString(base):
		return CacheImmutable
	}
	return CacheShort
}

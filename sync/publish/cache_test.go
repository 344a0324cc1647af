package publish

import (
	"strings"
	"testing"
)

func TestCacheControl(t *testing.T) {
	h := strings.Repeat("ab", 32)
	for _, tc := range []struct{ name, want string }{
		{"timestamp.json", CacheShort},
		{"root.json", CacheShort},
		{"floor-reset.json", CacheShort},
		{"1.root.json", CacheImmutable},
		{"12.snapshot.json", CacheImmutable},
		{"/12.targets.json", CacheImmutable},
		{"0.targets.json", CacheShort},
		{"targets/" + h + ".policy.json", CacheImmutable},
		{"targets/revocations/" + h + ".delta-7.bin", CacheImmutable},
		{"targets/policy.json", CacheShort},
		{"targets/" + h[:63] + ".policy.json", CacheShort},
		{"other/" + h + ".policy.json", CacheShort},
		{"x/1.root.json", CacheShort},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := CacheControl(tc.name); got != tc.want {
				t.Errorf("CacheControl(%q) = %q, want %q", tc.name, got, tc.want)
			}
		})
	}
	if !strings.Contains(NginxSite, CacheImmutable) || !strings.Contains(NginxSite, CacheShort) {
		t.Error("the example nginx site does not name CacheImmutable and CacheShort")
	}
}

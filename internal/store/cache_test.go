package store

import (
	"context"
	"testing"
)

// The readers and the writer get the page caches their options say.
func TestPageCaches(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name           string
		opts           Opts
		writer, reader int
	}{
		{"defaults", Opts{}, -16 << 10, -4 << 10},
		{"set", Opts{cacheKiB: 2048, readerCacheKiB: 1024}, -2048, -1024},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := *testOpts(nil)
			o.cacheKiB, o.readerCacheKiB = tc.opts.cacheKiB, tc.opts.readerCacheKiB
			s, err := Open(ctx, dbPath(t), &o)
			if err != nil {
				t.Fatal(err)
			}
			var w, r int
			if err := s.w.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&w); err != nil {
				t.Fatal(err)
			}
			if err := s.r.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&r); err != nil {
				t.Fatal(err)
			}
			if w != tc.writer || r != tc.reader {
				t.Errorf("%s: cache_size writer %d, reader %d; want %d, %d", tc.name, w, r, tc.writer, tc.reader)
			}
			s.Close()
		})
	}
}

package daemon_test

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"iter"
	"log/slog"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/drivers/indicator/indicatortest"
	"github.com/venuekiosk/venuekiosk/firmware/config"
	"github.com/venuekiosk/venuekiosk/firmware/daemon"
	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/internal/store"
)

// manyIDs yields n distinct pass IDs.
func manyIDs(n int) iter.Seq2[pass.ID, error] {
	return func(yield func(pass.ID, error) bool) {
		var b [8]byte
		for i := 0; i < n; i++ {
			binary.BigEndian.PutUint64(b[:], uint64(i))
			if !yield(pass.ID(sha256.Sum256(b[:])), nil) {
				return
			}
		}
	}
}

// BenchmarkStartToReady measures kioskd's start — opening and checking the
// store (PRAGMA quick_check reads every page), the trusted clock, the
// engine, the scan flow and the local page — until it reports READY, with
// 1,000,000 revocation entries in the store. Nothing large is loaded into
// memory: lookups go to SQLite.
func BenchmarkStartToReady(b *testing.B) {
	const entries = 1_000_000
	defer slog.SetDefault(slog.Default())
	slog.SetDefault(slog.New(slog.DiscardHandler))
	dir := b.TempDir()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(dir, daemon.DBFile), nil)
	if err != nil {
		b.Fatal(err)
	}
	if err := st.Apply(ctx, func(tx *store.Tx) error {
		if _, err := tx.ReplaceRevocations(manyIDs(entries)); err != nil {
			return err
		}
		return tx.SetDataVersion(store.DataRevocations, 1, "bench", time.Now())
	}); err != nil {
		b.Fatal(err)
	}
	if err := st.Close(); err != nil {
		b.Fatal(err)
	}
	cfg := config.Default()
	cfg.Kiosk.StateDir = dir
	cfg.Kiosk.Listen = "127.0.0.1:0"
	cfg.Scanner.Device = ""
	b.ResetTimer()
	var total time.Duration
	for i := 0; i < b.N; i++ {
		hw := daemon.Hardware{Indicator: &indicatortest.Recorder{}}
		runCtx, cancel := context.WithCancel(ctx)
		ready := make(chan time.Time, 1)
		done := make(chan error, 1)
		start := time.Now()
		go func() { done <- daemon.Run(runCtx, cfg, hw, func(net.Addr) { ready <- time.Now() }) }()
		select {
		case t := <-ready:
			total += t.Sub(start)
		case err := <-done:
			b.Fatal(err)
		}
		b.StopTimer()
		cancel()
		if err := <-done; err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms-to-ready")
	b.ReportMetric(entries, "revocations")
}

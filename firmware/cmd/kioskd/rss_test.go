package main

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// rssKiB reads a process's resident set size from /proc.
func rssKiB(t testing.TB, pid int) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			n, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatal("no VmRSS")
	return 0
}

// BenchmarkDaemonRSS runs the kioskd binary in simulation mode, feeds it
// 10,000 scans through the serial path (every sample in turn) and reports
// its resident memory after 1,000 and after 10,000 scans.
func BenchmarkDaemonRSS(b *testing.B) {
	k := startKiosk(b, b.TempDir())
	ss := k.samples(b)
	f, err := os.OpenFile(k.input, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	scans := func(from, to int) {
		for i := from; i < to; i++ {
			if _, err := f.WriteString(ss[i%len(ss)].Payload + "\n"); err != nil {
				b.Fatal(err)
			}
			if i%10 == 9 { // bursts within the queues: nothing dropped
				k.waitScans(b, uint64(i+1))
			}
		}
		k.waitScans(b, uint64(to))
	}
	b.ResetTimer()
	scans(0, 1000)
	rss1k := rssKiB(b, k.cmd.Process.Pid)
	scans(1000, 5000)
	rss5k := rssKiB(b, k.cmd.Process.Pid)
	scans(5000, 10000)
	rss10k := rssKiB(b, k.cmd.Process.Pid)
	b.StopTimer()
	b.ReportMetric(float64(rss1k)/1024, "rss-1k-MiB")
	b.ReportMetric(float64(rss5k)/1024, "rss-5k-MiB")
	b.ReportMetric(float64(rss10k)/1024, "rss-10k-MiB")
	b.ReportMetric(float64(rss10k-rss1k)/1024, "growth-MiB")
}

// waitScans waits until the daemon judged at least n scans.
func (k *kiosk) waitScans(t testing.TB, n uint64) {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		s := k.state(t)
		if len(s.Recent) > 0 && s.Recent[0].Seq >= n {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("daemon did not reach %d scans\n%s", n, k.logs())
}

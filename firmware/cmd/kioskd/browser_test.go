package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromium finds Debian's Chromium (make test installs it).
func chromium(t *testing.T) string {
	for _, p := range []string{os.Getenv("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	t.Skip("Chromium is not installed (Debian package chromium; make test installs it)")
	return ""
}

// TestBrowserScansASample loads the simulated kiosk's page in real headless
// Chromium, scans a sample from the page and waits for the verdict to
// appear, in the page's verdict box and in its list of last verdicts.
func TestBrowserScansASample(t *testing.T) {
	if testing.Short() {
		t.Skip("runs kioskd and Chromium")
	}
	exe := chromium(t)
	k := startKiosk(t, t.TempDir())
	ss := k.samples(t)

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	defer cancel()

	for i, want := range []string{"green", "red", "amber"} {
		seq := i + 1 // the page's i-th scan
		var s sample
		for _, x := range ss {
			if x.Expect == want {
				s = x
				break
			}
		}
		t.Run(want, func(t *testing.T) {
			err := chromedp.Do(ctx,
				chromedp.Navigate(k.url+"/"),
				chromedp.WaitVisible(chromedp.CSS(`#samples button`)),
				// Click the sample's button on the page, as a technician would.
				chromedp.Click(chromedp.Search(`//div[@id="samples"]/button[starts-with(normalize-space(.), "`+s.Name+`")]`)),
				chromedp.WaitVisible(chromedp.CSS(`#verdict`)),
			)
			if err != nil {
				t.Fatalf("%v\n%s", err, k.logs())
			}
			verdict, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#verdict`)))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(strings.ToLower(verdict), want) {
				t.Errorf("verdict box says %q, want %s", verdict, want)
			}
			// The list of last verdicts, refreshed from /api/state, shows
			// this scan on top.
			cond := fmt.Sprintf(`(() => { const r = document.querySelector("#recent tr");
				return r !== null && r.firstChild.textContent === "%d" && r.textContent.includes(%q); })()`, seq, want)
			if _, err := chromedp.Run(ctx, chromedp.Poll[bool](cond, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
				t.Errorf("the list of last verdicts never showed scan %d as %s: %v", seq, want, err)
			}
		})
	}
}

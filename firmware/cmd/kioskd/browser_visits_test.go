package main

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/venuekiosk/venuekiosk/firmware/sim"
)

// TestBrowserExposureAndGroup drives the page in headless Chromium: the
// staff group code opens a group, the venue's exposure notice is on the
// page for everyone, a pass scanned twice under exposure data for this
// venue shows the holder's exposure notice (and only while the panel
// does), and the closed group lists its members' statuses and its result.
func TestBrowserExposureAndGroup(t *testing.T) {
	if testing.Short() {
		t.Skip("runs kioskd and Chromium")
	}
	exe := chromium(t)
	dir := t.TempDir()
	seedExposure(t, dir)
	k := startKiosk(t, dir, "-set", "scan.repeat_window=0s", "-set", "panel.status_hold=5s")
	var green, red sample
	for _, s := range k.samples(t) {
		switch {
		case s.Expect == "green" && green.Payload == "":
			green = s
		case s.Expect == "red" && s.Name == "EU certificate, revoked":
			red = s
		}
	}

	actx, cancel := chromedp.NewExecAllocator(context.Background(), chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true))
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	defer cancel()

	scan := func(payload string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(chromedp.SetValue(chromedp.CSS(`#payload`), payload), chromedp.Click(chromedp.CSS(`#scan`)))
	}
	poll := func(what, cond string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](cond, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
			t.Fatalf("%s: %v\n%s", what, err, k.logs())
		}
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(k.url+"/"), chromedp.WaitVisible(chromedp.CSS(`#scan`)), scan(sim.GroupCode)); err != nil {
		t.Fatal(err)
	}
	poll("group opened", `document.getElementById("group").textContent.includes("open · 0 of 9")`)
	poll("venue notice", `document.getElementById("exposure").textContent.includes("exposure notice for this venue:")`)
	// The venue's notice for everyone, at the top of the page: what to do
	// if you were here, and the guard's reminder of the advice sheet.
	poll("venue notice for everyone", `(() => { const n = document.getElementById("venue-notice");
		return !n.hidden && n.textContent.includes("If you were here then") && n.textContent.includes("hand every visitor the printed advice sheet"); })()`)
	if err := chromedp.Do(ctx, scan(green.Payload)); err != nil {
		t.Fatal(err)
	}
	poll("first scan listed", `document.getElementById("group").textContent.includes("1 of 9")`)
	if err := chromedp.Do(ctx, scan(green.Payload)); err != nil {
		t.Fatal(err)
	}
	poll("the holder's notice", `(() => { const n = document.getElementById("notice"); return !n.hidden && n.textContent.includes("get tested"); })()`)
	poll("the notice gone after the hold", `document.getElementById("notice").hidden`)
	if err := chromedp.Do(ctx, scan(red.Payload), scan(sim.GroupCode)); err != nil {
		t.Fatal(err)
	}
	poll("group result", `(() => { const g = document.getElementById("group").textContent;
		return g.includes("closed (ended)") && g.includes("2 of 9") && g.includes("1. green") && g.includes("2. red"); })()`)
}

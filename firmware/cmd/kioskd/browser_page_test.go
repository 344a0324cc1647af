package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/venuekiosk/venuekiosk/firmware/sim"
)

// rawJSON matches what a person should never read on the page: a JSON
// object or array as the program wrote it ({"version":3, …}).
var rawJSON = regexp.MustCompile(`[{\[]\s*"[^"]+"\s*:`)

// TestBrowserPageReadsAsText loads the simulated kiosk's page in headless
// Chromium and reads it as a person does (document.body.innerText) in
// its states — just started, after a green pass, after each kind of staff
// action (a guard's card, a category code, a refused card, a venue poster
// outside setup, the group code), with entry opened by a supervisor's
// card: no raw JSON anywhere (the kiosk's data sets are lines of words),
// no zero dates, door times in 24-hour form, "once" rather than "1
// times", and staff actions shown neutrally — what they did, never
// "GREEN" or "RED", never in the last verdicts. A screenshot of each state
// is saved under build/ (build/page-*.png) to be looked at.
func TestBrowserPageReadsAsText(t *testing.T) {
	if testing.Short() {
		t.Skip("runs kioskd and Chromium")
	}
	exe := chromium(t)
	k := startKiosk(t, t.TempDir())
	var green sample
	for _, s := range k.samples(t) {
		if s.Expect == "green" && green.Payload == "" {
			green = s
		}
	}
	var super string
	for _, s := range k.staffSamples(t) {
		if strings.HasPrefix(s.Name, "Staff card: supervisor (") {
			super = s.Name
		}
	}
	if super == "" {
		t.Fatal("no supervisor card sample")
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1600),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true))
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 120*time.Second)
	defer cancel()

	build := filepath.Join("..", "..", "..", "build")
	if err := os.MkdirAll(build, 0o755); err != nil {
		t.Fatal(err)
	}
	look := func(state string) string {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Sleep(700*time.Millisecond)); err != nil { // a poll of /api/state
			t.Fatal(err)
		}
		body, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
		if err != nil {
			t.Fatalf("%s: %v", state, err)
		}
		shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100: PNG
		if err != nil {
			t.Fatalf("%s: %v", state, err)
		}
		p := filepath.Join(build, "page-"+state+".png")
		if err := os.WriteFile(p, shot, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: screenshot %s", state, p)
		if m := rawJSON.FindString(body); m != "" {
			t.Errorf("%s: the page shows raw JSON (%q):\n%s", state, m, body)
		}
		for _, bad := range []string{"0001-01-01", "1 times", " 1 visits", "[object Object]", "undefined", "NaN"} {
			if strings.Contains(body, bad) {
				t.Errorf("%s: the page shows %q:\n%s", state, bad, body)
			}
		}
		return body
	}

	if err := chromedp.Do(ctx, chromedp.Navigate(k.url+"/")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelectorAll("#kiosk tr").length > 3 && document.querySelector("#samples button") !== null`,
		chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatalf("the page never filled in: %v\n%s", err, k.logs())
	}
	body := look("started")
	if !strings.Contains(body, "revocations: version") {
		t.Errorf("the kiosk's data sets are not listed in words:\n%s", body)
	}

	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.Search(`//div[@id="samples"]/button[starts-with(normalize-space(.), "`+green.Name+`")]`)),
		chromedp.WaitVisible(chromedp.CSS(`#verdict`))); err != nil {
		t.Fatal(err)
	}
	look("green")
	recentRows := func() string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("recent").innerText`))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	verdicts := recentRows()

	// Staff actions: each shown neutrally, with the panel's words for what
	// it did; none is a verdict.
	verdictWord := regexp.MustCompile(`GREEN|RED|AMBER|[✓✗]`)
	staffShown := func(state, want string) {
		t.Helper()
		cond := `(() => { const v = document.getElementById("verdict");
			return !v.hidden && v.classList.contains("v-staff") && v.textContent.includes(` + strconv.Quote(want) + `); })()`
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](cond, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
			box, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#verdict`)))
			t.Fatalf("%s: the page never showed %q neutrally (verdict box %q): %v\n%s", state, want, box, err, k.logs())
		}
		look("staff-" + state)
		box, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#verdict`)))
		if err != nil {
			t.Fatal(err)
		}
		if m := verdictWord.FindString(box); m != "" {
			t.Errorf("%s: the staff action reads as a verdict (%q): %q", state, m, box)
		}
		if got := recentRows(); got != verdicts {
			t.Errorf("%s: the last verdicts changed:\n%s\nwant\n%s", state, got, verdicts)
		}
	}
	clickStaff := func(name string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.Search(`//div[@id="staff-samples"]/button[starts-with(normalize-space(.), "`+name+`")]`))); err != nil {
			t.Fatal(err)
		}
	}
	clickStaff("Staff card: guard (")
	staffShown("guard", "Staff: next entry exempt")
	clickStaff("Category: under 12")
	staffShown("category", "Exempt entry recorded")
	clickStaff("Staff card: supervisor, forged")
	staffShown("refused", "Staff card not recognised")
	clickStaff("LeaveHomeSafe poster: ")
	staffShown("poster", "Venue poster: scan a technician card first")
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(`#payload`), sim.GroupCode), chromedp.Click(chromedp.CSS(`#scan`))); err != nil {
		t.Fatal(err)
	}
	staffShown("group", "Group: scan each pass")
	if g, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#group`))); err != nil || verdictWord.MatchString(strings.ToUpper(g)) {
		t.Errorf("the group the code opened, still empty, shows a verdict: %q (%v)", g, err)
	}

	clickStaff(super)
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector("#door").classList.contains("open")`, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Fatalf("entry never shown open: %v", err)
	}
	staffShown("open", "Entry open")
	look("open")
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	door, last, overrides := text(`#door`), text(`#door-last`), text(`#overrides`)
	hm := regexp.MustCompile(`\b([01]\d|2[0-3]):[0-5]\d\b`)
	for _, s := range []string{door, last} {
		if !hm.MatchString(s) || regexp.MustCompile(`(?i)\b[ap]\.?m\b`).MatchString(s) {
			t.Errorf("door time not in 24-hour form: %q", s)
		}
	}
	if !strings.Contains(overrides, "once") {
		t.Errorf("one opening today: %q, want \"once\"", overrides)
	}
}

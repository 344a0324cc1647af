package main

import (
	"bytes"
	"image"
	"image/png"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/display/layout"
)

// TestLocalAPIRefusesRebinding: the running kioskd refuses a
// DNS-rebinding request (foreign Host and Origin) on every endpoint, and a
// POST without its per-boot token, and scans nothing for them.
func TestLocalAPIRefusesRebinding(t *testing.T) {
	k := startKiosk(t, t.TempDir())
	green := ""
	for _, s := range k.samples(t) {
		if s.Expect == "green" {
			green = s.Payload
			break
		}
	}
	before := k.lastSeq(t)
	for _, ep := range []struct{ method, path string }{
		{"GET", "/"}, {"GET", "/api/state"}, {"GET", "/api/samples"}, {"GET", "/api/messages"},
		{"GET", "/panel.png"}, {"POST", "/api/scan"}, {"POST", "/api/selftest"},
	} {
		t.Run(ep.method+" "+ep.path, func(t *testing.T) {
			req, _ := http.NewRequest(ep.method, k.url+ep.path, strings.NewReader(green))
			req.Host = "attacker.example" + k.url[strings.LastIndex(k.url, ":"):]
			req.Header.Set("Origin", "http://"+req.Host)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusMisdirectedRequest {
				t.Errorf("rebinding %s %s: %d, want 421", ep.method, ep.path, res.StatusCode)
			}
		})
	}
	res, err := http.Post(k.url+"/api/scan", "text/plain", strings.NewReader(green))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("POST /api/scan without the token: %d, want 403", res.StatusCode)
	}
	if got := k.lastSeq(t); got != before {
		t.Errorf("refused requests were scanned: last verdict %d, was %d", got, before)
	}
	if v := k.scanWeb(t, green); v["verdict"] != "green" {
		t.Errorf("POST with the token: %v", v)
	}
}

// TestPanelPNGHidesHolder: while the panel shows a holder's initials and
// birth year, /panel.png has a blank status area; once the status
// reverts, the status area is shown again.
func TestPanelPNGHidesHolder(t *testing.T) {
	k := startKiosk(t, t.TempDir())
	green := ""
	for _, s := range k.samples(t) {
		if s.Expect == "green" {
			green = s.Payload
			break
		}
	}
	var idle image.Image
	waitPanel := func(what string, ok func(image.Image) bool) image.Image {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for time.Now().Before(deadline) {
			img, err := png.Decode(bytes.NewReader(k.get(t, "/panel.png")))
			if err != nil {
				t.Fatal(err)
			}
			if ok(img) {
				return img
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("panel: %s: not within 15s", what)
		return nil
	}
	idle = waitPanel("drawn", func(img image.Image) bool { return !blank(img, img.Bounds()) })
	l, err := layout.New(idle.Bounds().Size())
	if err != nil {
		t.Fatal(err)
	}
	status := l.StatusWindow()
	if blank(idle, status) {
		t.Fatal("the idle status area is blank: the test cannot tell a hidden status")
	}
	k.scanSerial(t, green, k.lastSeq(t)) // the holder's initials on the panel (panel.holder = initials)
	for range 20 {
		img, err := png.Decode(bytes.NewReader(k.get(t, "/panel.png")))
		if err != nil {
			t.Fatal(err)
		}
		if !blank(img, status) && !same(img, idle, status) {
			t.Fatal("/panel.png shows the status area while the holder is on the panel")
		}
		time.Sleep(100 * time.Millisecond)
	}
	// After the status hold (6 s) the status area is back.
	waitPanel("status area back after the hold", func(img image.Image) bool { return !blank(img, status) })
}

// blank reports whether r of img is all white.
func blank(img image.Image, r image.Rectangle) bool {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if c, _, _, _ := img.At(x, y).RGBA(); c < 0x8000 {
				return false
			}
		}
	}
	return true
}

// same reports whether a and b agree inside r.
func same(a, b image.Image, r image.Rectangle) bool {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			ca, _, _, _ := a.At(x, y).RGBA()
			cb, _, _, _ := b.At(x, y).RGBA()
			if (ca < 0x8000) != (cb < 0x8000) {
				return false
			}
		}
	}
	return true
}

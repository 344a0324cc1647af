package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/png"
	"io"
	"net/http"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/provision"
	"github.com/venuekiosk/venuekiosk/internal/command"
)

// maxPanelPNG bounds the image read from kioskd: the 7.5" panel's
// 800×480 1-bit PNG is a few tens of KiB.
const maxPanelPNG = 4 << 20

func runPanel(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := command.NewFlags("kioskctl panel", `usage: kioskctl panel [--config FILE] [--listen ADDR] --png FILE|-

Saves what the kiosk's e-ink panel shows, one pixel per panel pixel, as a PNG,
asked from the running kioskd (its /panel.png). Works for a fitted panel and for
panel.spi = "emulator". Exit 1 when kioskd does not answer or has no panel.`, stdout, stderr)
	kf := addKioskFlags(fs.FlagSet)
	kf.addListen(fs.FlagSet)
	out := fs.String("png", "", "write the image to `FILE` (- for standard output)")
	if code, done := fs.Parse(args); done {
		return code
	}
	if *out == "" {
		return fs.Usagef("--png FILE (or -) is required")
	}
	cfg, err := kf.load()
	if err != nil {
		return fs.Usagef("%v", err)
	}
	b, err := fetchPanel(context.Background(), daemonURL(cfg))
	if err != nil {
		return fs.Fail(err)
	}
	if *out == "-" {
		_, err = stdout.Write(b)
	} else {
		err = provision.WriteFile(*out, b, 0o644)
	}
	if err != nil {
		return fs.Fail(err)
	}
	return command.ExitOK
}

// fetchPanel gets kioskd's /panel.png and checks that it is a PNG.
func fetchPanel(ctx context.Context, base string) ([]byte, error) {
	ok, b, err := daemonCall(ctx, base, "GET", "/panel.png", 5*time.Second, maxPanelPNG)
	var se *daemonStatusError
	switch {
	case base != "" && !ok:
		return nil, fmt.Errorf("kioskd does not answer at %s: %v", base, err)
	case errors.As(err, &se) && se.Code == http.StatusNotFound:
		return nil, errors.New("kioskd has no panel (panel.model = \"none\")")
	case err != nil:
		return nil, err
	}
	if _, err := png.DecodeConfig(bytes.NewReader(b)); err != nil {
		return nil, fmt.Errorf("kioskd's panel image is not a PNG: %v", err)
	}
	return b, nil
}

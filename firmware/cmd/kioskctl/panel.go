package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"image/png"
	"io"
	"net/http"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/provision"
)

func init() {
	commands["panel"] = command{"save what the panel shows as a PNG (from the running kioskd)", runPanel}
}

// maxPanelPNG bounds the image read from kioskd: the 7.5" panel's
// 800×480 1-bit PNG is a few tens of KiB.
const maxPanelPNG = 4 << 20

func runPanel(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("panel", flag.ContinueOnError)
	fs.SetOutput(stderr)
	kf := addKioskFlags(fs)
	kf.addListen(fs)
	out := fs.String("png", "", "write the image to `FILE` (- for standard output)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: kioskctl panel [--config FILE] [--listen ADDR] --png FILE|-")
		fmt.Fprintln(fs.Output())
		fmt.Fprintln(fs.Output(), "Saves what the kiosk's e-ink panel shows, one pixel per panel pixel, as a PNG,")
		fmt.Fprintln(fs.Output(), "asked from the running kioskd (its /panel.png). Works for a fitted panel and for")
		fmt.Fprintln(fs.Output(), `panel.spi = "emulator". Exit 1 when kioskd does not answer or has no panel.`)
		fmt.Fprintln(fs.Output())
		fs.PrintDefaults()
	}
	if code := parseFlags(fs, args, stdout); code >= 0 {
		return code
	}
	if fs.NArg() > 0 {
		return usageError(stderr, "panel", "unexpected argument %q", fs.Arg(0))
	}
	if *out == "" {
		return usageError(stderr, "panel", "--png FILE (or -) is required")
	}
	cfg, err := kf.load()
	if err != nil {
		return usageError(stderr, "panel", "%v", err)
	}
	b, err := fetchPanel(context.Background(), daemonURL(cfg))
	if err != nil {
		fmt.Fprintf(stderr, "kioskctl panel: %v\n", err)
		return exitFail
	}
	if *out == "-" {
		_, err = stdout.Write(b)
	} else {
		err = provision.WriteFile(*out, b, 0o644)
	}
	if err != nil {
		fmt.Fprintf(stderr, "kioskctl panel: %v\n", err)
		return exitFail
	}
	return exitOK
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

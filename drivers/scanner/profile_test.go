package scanner

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// The payloads every profile scans: an EU certificate's base45 (with
// spaces, '+', '/', ':', '%', '*', '.', '-'), a Hong Kong record with '|'
// and a SMART Health Card's numeric QR.
var profilePayloads = []string{
	"HC1:6BF+70790T9WJWG.FKY*4GO0.O1CV2 O5 N2FBBRW1*70H/:I.% 5A-9",
	"HKSARG|VAC|4|1|VK-SAMPLE-HK-0001|Z123****|CHEUNG K** W**|1978|3|MEUCIQDx",
	"shc:/56762909524320603460292437404460312229595326546034602925407728043360",
}

// TestDevSuffixProfiles scans through a real pseudo-terminal as scanners
// send out of the box — each suffix, with and without an AIM identifier —
// three passes in a row, with the driver's default framing (what kioskd
// runs when scanner.terminator is not set). Every pass must arrive whole:
// the terminator gone, nothing of it left at the start of the next pass.
func TestDevSuffixProfiles(t *testing.T) {
	for _, p := range []struct {
		name        string
		aim, suffix string
	}{
		{"CR", "", "\r"},
		{"CRLF", "", "\r\n"},
		{"LF", "", "\n"},
		{"LF-CR", "", "\n\r"},
		{"no suffix (idle gap)", "", ""},
		{"Tab (idle gap, tab trimmed)", "", "\t"},
		{"AIM ]Q1 and CR", "]Q1", "\r"},
		{"AIM ]Q1 and CRLF", "]Q1", "\r\n"},
		{"AIM ]Q1, no suffix", "]Q1", ""},
	} {
		t.Run(p.name, func(t *testing.T) {
			sim := newSim(t)
			d := start(t, Opts{Path: sim.Path(), FrameOpts: FrameOpts{StripAIM: true}})
			waitEvent(t, d, Connected)
			for round := range 3 {
				for _, payload := range profilePayloads {
					write(t, sim, []byte(p.aim+payload+p.suffix))
					f := nextFrame(t, d)
					if string(f.Data) != payload || f.Symbology != p.aim {
						t.Fatalf("pass %d, %.12s…: got %q (symbology %q), want %q (symbology %q)",
							round+1, payload, f.Data, f.Symbology, payload, p.aim)
					}
				}
			}
			if got := d.Stats().Frames; got != uint64(3*len(profilePayloads)) {
				t.Errorf("frames: got %d, want %d", got, 3*len(profilePayloads))
			}
		})
	}
}

// hkRecord is a Hong Kong record with Chinese text (a vaccine's name, as
// versions 2 and 3 carry it) and '|' separators.
const hkRecord = "HKSARG|VAC|3|1|VK-SAMPLE-HK-0003|X789****|TSANG M** Y**|2|2024-01-02|Comirnaty|復必泰|2024-02-01|Comirnaty|復必泰|MEUCIQDx\\y"

func encode(t *testing.T, e encoding.Encoding, s string) []byte {
	t.Helper()
	b, err := e.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encoding %q: %v", s, err)
	}
	return b
}

// TestDevCharsetsAndECI scans Hong Kong records through a real
// pseudo-terminal as a scanner set to GB18030 or Big5 sends them, and as
// QR codes read with the ECI protocol (]Q2, ]Q4, ]Q6: "\nnnnnn" names the
// charset of what follows, "\\" is a backslash). The verifier must see
// the UTF-8 text the issuer signed.
func TestDevCharsetsAndECI(t *testing.T) {
	gb := encode(t, simplifiedchinese.GB18030, hkRecord)
	b5 := encode(t, traditionalchinese.Big5, hkRecord)
	if bytes.Equal(gb, []byte(hkRecord)) || bytes.Equal(b5, gb) {
		t.Fatal("the encodings should differ from UTF-8 and from each other")
	}
	esc := func(p []byte) []byte { return bytes.ReplaceAll(p, []byte(`\`), []byte(`\\`)) }
	cat := func(ps ...[]byte) []byte { return bytes.Join(ps, nil) }
	for _, tt := range []struct {
		name    string
		charset Charset
		send    []byte
		sym     string
	}{
		{"utf-8 as is", UTF8, cat([]byte(hkRecord), []byte("\r\n")), ""},
		{"gb18030 scanner", GB18030, cat(gb, []byte("\r")), ""},
		{"big5 scanner", Big5, cat(b5, []byte("\r")), ""},
		{"gb18030 scanner with ]Q1", GB18030, cat([]byte("]Q1"), gb, []byte("\r\n")), "]Q1"},
		{"big5 scanner, no suffix", Big5, b5, ""},
		{"eci 26 utf-8", UTF8, cat([]byte(`]Q2\000026`), esc([]byte(hkRecord)), []byte("\r")), "]Q2"},
		{"eci 32 gb18030", UTF8, cat([]byte(`]Q2\000032`), esc(gb), []byte("\r")), "]Q2"},
		{"eci 28 big5", UTF8, cat([]byte(`]Q4\000028`), esc(b5), []byte("\n")), "]Q4"},
		{"eci 29 gb2312 after ascii, big5 scanner setting ignored", Big5, cat([]byte(`]Q6HKSARG|\000029`), esc(gb[7:]), []byte("\r")), "]Q6"},
		{"eci segments", UTF8, cat([]byte(`]Q2\000003HKSARG|`), []byte(`\000028`), esc(b5[7:]), []byte("\r")), "]Q2"},
		{"eci in data matrix", GB18030, cat([]byte(`]d4\000026`), esc([]byte(hkRecord)), []byte("\r")), "]d4"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sim := newSim(t)
			d := start(t, Opts{Path: sim.Path(), FrameOpts: FrameOpts{StripAIM: true, Charset: tt.charset, IdleGap: 100 * time.Millisecond}})
			waitEvent(t, d, Connected)
			for round := range 3 {
				write(t, sim, tt.send)
				f := nextFrame(t, d)
				if string(f.Data) != hkRecord || f.Symbology != tt.sym {
					t.Fatalf("pass %d: got %q (symbology %q), want %q (symbology %q)", round+1, f.Data, f.Symbology, hkRecord, tt.sym)
				}
			}
		})
	}
}

// TestDevChunkedBelowGap sends each pass in several chunks with pauses
// shorter than the idle gap, as a scanner on a slow link or a USB-serial
// adapter's latency timer delivers it: each must still be one frame, with
// a suffix and without. A pass whose pauses the loaded test machine
// stretched to half the gap or more proves nothing and is sent again.
func TestDevChunkedBelowGap(t *testing.T) {
	const gap, pause = 1500 * time.Millisecond, 10 * time.Millisecond
	for _, suffix := range []string{"\r\n", "\r", ""} {
		t.Run(fmt.Sprintf("suffix %q", suffix), func(t *testing.T) {
			sim := newSim(t)
			d := start(t, Opts{Path: sim.Path(), FrameOpts: FrameOpts{StripAIM: true, IdleGap: gap}})
			waitEvent(t, d, Connected)
			for round := range 3 {
				for _, payload := range profilePayloads {
					scan := "]Q1" + payload + suffix
					for try := 1; ; try++ {
						var longest time.Duration
						var last time.Time
						for i := 0; i < len(scan); i += 17 {
							if i > 0 {
								longest = max(longest, time.Since(last)) // since the last chunk was written
							}
							write(t, sim, []byte(scan[i:min(i+17, len(scan))]))
							last = time.Now()
							time.Sleep(pause)
						}
						if longest >= gap/2 && try < 5 {
							t.Logf("pass %d: a pause of %v on this loaded machine; sending again", round+1, longest)
							drain(d, 2*gap)
							continue
						}
						f := nextFrame(t, d)
						if string(f.Data) != payload {
							t.Fatalf("pass %d: got %q, want %q (longest pause %v)", round+1, f.Data, payload, longest)
						}
						break
					}
				}
			}
		})
	}
}

// drain discards frames until none has come for quiet.
func drain(d *Dev, quiet time.Duration) {
	for {
		select {
		case <-d.Frames():
		case <-time.After(quiet):
			return
		}
	}
}

// TestDevAutoLearnsSuffix: on a connection whose scanner has sent a
// suffix, a pause longer than the 50 ms idle gap (a busy line) does not
// cut a pass in two; a frame whose suffix is missing still ends, after
// suffixedGap (10 s; 1 s here). A new connection starts afresh: its suffix-less scans end at the
// idle gap.
func TestDevAutoLearnsSuffix(t *testing.T) {
	defer func(g time.Duration) { suffixedGap = g }(suffixedGap)
	suffixedGap = time.Second
	sim := newSim(t)
	d := start(t, Opts{Path: sim.Path()})
	waitEvent(t, d, Connected)
	write(t, sim, []byte("HC1:FIRST\r\n"))
	if f := nextFrame(t, d); string(f.Data) != "HC1:FIRST" {
		t.Fatalf("got %q", f.Data)
	}
	write(t, sim, []byte("HC1:SEC"))
	time.Sleep(300 * time.Millisecond)
	write(t, sim, []byte("OND\r"))
	if f := nextFrame(t, d); string(f.Data) != "HC1:SECOND" {
		t.Fatalf("a 300 ms pause on a suffixed line: got %q, want HC1:SECOND", f.Data)
	}
	write(t, sim, []byte("HC1:LOST-SUFFIX"))
	t0 := time.Now()
	if f := nextFrame(t, d); string(f.Data) != "HC1:LOST-SUFFIX" || time.Since(t0) < suffixedGap/2 {
		t.Fatalf("got %q after %v; want HC1:LOST-SUFFIX after about %v", f.Data, time.Since(t0), suffixedGap)
	}
	// Another scanner: the learning is forgotten.
	sim.Unplug()
	waitEvent(t, d, Disconnected)
	if err := sim.Plug(); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, d, Connected)
	write(t, sim, []byte("HC1:NO-SUFFIX"))
	t0 = time.Now()
	if f := nextFrame(t, d); string(f.Data) != "HC1:NO-SUFFIX" || time.Since(t0) >= suffixedGap {
		t.Fatalf("got %q after %v; want HC1:NO-SUFFIX after about %v", f.Data, time.Since(t0), DefaultIdleGap)
	}
}

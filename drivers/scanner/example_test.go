package scanner_test

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/venuekiosk/venuekiosk/drivers/scanner"
	"github.com/venuekiosk/venuekiosk/drivers/scanner/ptysim"
)

// The daemon's wiring, here against the simulator: run the Dev, watch its
// events for the status line, and hand frames on to the scan flow.
func Example() {
	dir, err := os.MkdirTemp("", "scanner-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	sim, err := ptysim.New(filepath.Join(dir, "scanner"))
	if err != nil {
		log.Fatal(err)
	}
	defer sim.Close()

	d, err := scanner.New(scanner.Opts{
		Path:      sim.Path(), // on a kiosk: "/dev/serial/by-id/*" or "/dev/serial0"
		Baud:      9600,
		FrameOpts: scanner.FrameOpts{Terminator: scanner.CR, StripAIM: true, Logger: slog.New(slog.DiscardHandler)},
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go d.Run(ctx)

	e := <-d.Events()
	fmt.Println(e.Kind)
	sim.Write([]byte("]Q1HC1:EXAMPLE\r"))
	f := <-d.Frames()
	fmt.Printf("%s %s %s\n", f.Data, f.Symbology, scanner.SymbologyName(f.Symbology))
	d.Close()
	// Output:
	// connected
	// HC1:EXAMPLE ]Q1 QR Code
}

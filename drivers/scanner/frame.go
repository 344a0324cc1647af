package scanner

import "time"

// Frame is one framed read from the scanner: normally one decoded symbol.
// Data is personal data (a pass): never log it.
type Frame struct {
	Data      []byte    // without terminator or AIM identifier; owned by the receiver
	Symbology string    // the stripped AIM identifier ("]Q1"), or ""
	At        time.Time // when the frame's last byte was read
}

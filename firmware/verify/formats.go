package verify

import "github.com/venuekiosk/venuekiosk/firmware/verify/dcc"
import "github.com/venuekiosk/venuekiosk/firmware/verify/shc"
import "github.com/venuekiosk/venuekiosk/firmware/verify/hksarg"

// Formats returns every pass format the kiosk reads, in matching order.
func Formats() []Format {
	return []Format{
		dcc.New(),
		shc.New(),
		hksarg.New(),
	}
}

package verify

import (
	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/verify/dcc"
	"github.com/venuekiosk/venuekiosk/firmware/verify/hksarg"
	"github.com/venuekiosk/venuekiosk/firmware/verify/nzcp"
	"github.com/venuekiosk/venuekiosk/firmware/verify/shc"
)

// Formats returns every pass format the kiosk reads, in matching order.
// Adding a format is its package (a Format with its pass.Naming) and one
// line here: revocation lists, trust inputs, `vkpublish id` and the help
// texts all ask these formats.
func Formats() []Format {
	return []Format{
		dcc.New(),
		shc.New(),
		hksarg.New(),
		nzcp.New(),
	}
}

// Namings returns how each format of Formats names its passes and keys.
func Namings() []*pass.Naming {
	fs := Formats()
	ns := make([]*pass.Naming, len(fs))
	for i, f := range fs {
		ns[i] = f.Naming()
	}
	return ns
}

// Naming returns the naming of the format called name.
func Naming(name string) (*pass.Naming, bool) {
	for _, f := range Formats() {
		if f.Name() == name {
			return f.Naming(), true
		}
	}
	return nil, false
}

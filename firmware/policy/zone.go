package policy

import (
	"fmt"
	"time"
	_ "time/tzdata" // the kiosk image has no zoneinfo: zones are compiled in
)

// Time zones. Days since a dose, and the dates a pass's statements are
// valid from and until, are calendar days in the time zone of the pass's
// format (FormatRule.TimeZone: the issuer's, Asia/Hong_Kong for Hong Kong
// records) or else the policy's (Policy.TimeZone), or else the kiosk's
// local zone. A Hong Kong record at its 180-day limit is then green all
// of its last Hong Kong day and red all of the next, not from 08:00.

// Location returns the zone days are counted in for format.
func (p *Policy) Location(format string) *time.Location {
	if f, ok := p.Formats[format]; ok && f.loc != nil {
		return f.loc
	}
	if p.loc != nil {
		return p.loc
	}
	return time.Local
}

// loadZone reads an IANA zone name ("" is none).
func loadZone(what, name string) (*time.Location, error) {
	if name == "" {
		return nil, nil
	}
	if len(name) > 64 {
		return nil, fmt.Errorf("policy: %s: %d bytes: want an IANA time zone such as Asia/Hong_Kong", what, len(name))
	}
	loc, err := time.LoadLocation(name)
	if err != nil || name == "Local" {
		return nil, fmt.Errorf("policy: %s %q: want an IANA time zone such as Asia/Hong_Kong", what, name)
	}
	return loc, nil
}

// validateZones reads the policy's and the formats' time zones.
func (p *Policy) validateZones() error {
	var err error
	if p.loc, err = loadZone("time_zone", p.TimeZone); err != nil {
		return err
	}
	for name, f := range p.Formats {
		if f.loc, err = loadZone("formats."+name+".time_zone", f.TimeZone); err != nil {
			return err
		}
		p.Formats[name] = f
	}
	return nil
}

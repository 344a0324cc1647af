package indicator

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"periph.io/x/conn/v3/gpio"
)

// Volume is the buzzer's loudness by time of day: spans of local time,
// each with a level from 0 (muted) to 100 percent; outside them, 100. A
// hospital might set "22:00-07:00 0%" and "07:00-09:00 30%". The zero
// value is always 100%.
//
// A passive buzzer (PassiveBuzzer) is made quieter by a smaller PWM duty
// (the level's share of Opts.Duty): the perceived loudness of a piezo
// falls with the duty, not in proportion to it, so try levels by ear. An
// active buzzer, or a passive one that fell back to on/off, has no
// volume: any level above 0 sounds at full loudness, 0 mutes it. The
// lights always show.
type Volume struct {
	spans []volumeSpan
}

type volumeSpan struct {
	q     QuietHours // the span (a QuietHours is any daily span)
	level int        // percent
}

// maxVolumeSpans bounds a Volume.
const maxVolumeSpans = 8

// ParseVolume reads entries "HH:MM-HH:MM NN%" (24-hour clock, spans may
// cross midnight). Where spans overlap, the first one listed wins.
func ParseVolume(entries []string) (Volume, error) {
	if len(entries) > maxVolumeSpans {
		return Volume{}, fmt.Errorf("indicator: volume: %d entries; at most %d", len(entries), maxVolumeSpans)
	}
	var v Volume
	for _, e := range entries {
		bad := func(why string) (Volume, error) {
			if len(e) > 24 {
				e = e[:24] + "…"
			}
			return Volume{}, fmt.Errorf("indicator: volume %q: %s (want \"HH:MM-HH:MM NN%%\", e.g. \"22:00-07:00 0%%\")", e, why)
		}
		span, pct, ok := strings.Cut(e, " ")
		if !ok || !strings.HasSuffix(pct, "%") || len(pct) > 4 {
			return bad("malformed")
		}
		q, err := ParseQuietHours(span)
		if err != nil || q.IsZero() {
			return bad("not a span of the day")
		}
		n, err := strconv.Atoi(strings.TrimSuffix(pct, "%"))
		if err != nil || n < 0 || n > 100 || strings.HasPrefix(pct, "+") {
			return bad("the level is not 0% to 100%")
		}
		v.spans = append(v.spans, volumeSpan{q: q, level: n})
	}
	return v, nil
}

// At returns the level at t, read on t's own location's clock.
func (v Volume) At(t time.Time) int {
	for _, s := range v.spans {
		if s.q.Contains(t) {
			return s.level
		}
	}
	return 100
}

// IsZero reports whether v is 100% all day.
func (v Volume) IsZero() bool { return len(v.spans) == 0 }

// String returns v as ParseVolume reads it, entries joined by ", ".
func (v Volume) String() string {
	var s []string
	for _, x := range v.spans {
		s = append(s, fmt.Sprintf("%s %d%%", x.q, x.level))
	}
	return strings.Join(s, ", ")
}

// scaleDuty returns level percent of duty, at least the smallest step
// above zero.
func scaleDuty(duty gpio.Duty, level int) gpio.Duty {
	if level >= 100 {
		return duty
	}
	return max(1, duty*gpio.Duty(level)/100)
}

package button

import (
	"context"
	"fmt"
	"time"
)

// Bounds of RunHold's hold time.
const (
	MinHold = 500 * time.Millisecond
	MaxHold = 30 * time.Second
)

// holdPoll is how often a held button is looked at: a long press fires
// within this of its hold time.
const holdPoll = 50 * time.Millisecond

// RunHold calls held, on RunHold's goroutine, once per press that stays
// down for hold (a long press: the open-entry button), as soon as the hold
// time has passed, whether or not the button is released then. Shorter
// presses do nothing. It runs until ctx ends.
func (d *Dev) RunHold(ctx context.Context, hold time.Duration, held func()) error {
	if hold < MinHold || hold > MaxHold {
		return fmt.Errorf("button: hold %v: want %v to %v", hold, MinHold, MaxHold)
	}
	for ctx.Err() == nil {
		if !d.p.WaitForEdge(poll) || d.p.Read() != d.active {
			continue
		}
		d.sleep(ctx, d.opts.Debounce)
		if ctx.Err() != nil {
			break
		}
		if d.p.Read() != d.active {
			continue
		}
		start, fired := d.now(), false
		for ctx.Err() == nil && d.p.Read() == d.active {
			if !fired && d.now().Sub(start) >= hold {
				fired = true
				d.presses.Add(1)
				held()
			}
			d.p.WaitForEdge(holdPoll)
		}
	}
	return ctx.Err()
}

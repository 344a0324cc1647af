package daemon

import (
	"context"
	"log/slog"
	"time"

	sd "github.com/coreos/go-systemd/v22/daemon"
)

// notifier speaks systemd's notify protocol ($NOTIFY_SOCKET); without a
// socket every call is a no-op.
type notifier struct {
	log  *slog.Logger
	last string
}

func (n *notifier) send(state string) {
	if _, err := sd.SdNotify(false, state); err != nil {
		n.log.Warn("sd_notify", "err", err)
	}
}

// ready reports READY=1 with a status line.
func (n *notifier) ready(status string) {
	n.last = status
	n.send("READY=1\nSTATUS=" + status)
}

// status sends a STATUS= line when it changed.
func (n *notifier) status(status string) {
	if status == n.last {
		return
	}
	n.last = status
	n.send("STATUS=" + status)
}

func (n *notifier) stopping() { n.send("STOPPING=1\nSTATUS=stopping") }

// watchdog pings WATCHDOG=1 at half the interval systemd asked for, but
// only while alive() says every loop that must run is running: a hung
// loop stops the pings and systemd restarts the daemon. Without
// WatchdogSec it does nothing.
func (n *notifier) watchdog(ctx context.Context, alive func() (bool, string)) {
	interval, err := sd.SdWatchdogEnabled(false)
	if err != nil || interval <= 0 {
		return
	}
	tick := time.NewTicker(interval / 2)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if ok, why := alive(); ok {
				n.send("WATCHDOG=1")
			} else {
				n.log.Error("watchdog: not pinging systemd", "why", why)
			}
		}
	}
}

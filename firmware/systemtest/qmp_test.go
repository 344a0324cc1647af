package systemtest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"time"
)

// qmp is a QEMU Machine Protocol connection: one JSON object a line;
// commands answer with "return" or "error", events arrive in between.
type qmp struct {
	c      net.Conn
	r      *bufio.Reader
	events []qmpMessage // seen, not yet waited for
}

type qmpMessage struct {
	QMP    json.RawMessage `json:"QMP"`
	Return json.RawMessage `json:"return"`
	Error  *struct {
		Class string `json:"class"`
		Desc  string `json:"desc"`
	} `json:"error"`
	Event string          `json:"event"`
	Data  json.RawMessage `json:"data"`
}

const qmpTimeout = 30 * time.Second

func newQMP(c net.Conn) *qmp { return &qmp{c: c, r: bufio.NewReader(c)} }

func (q *qmp) Close() error { return q.c.Close() }

func (q *qmp) read(deadline time.Time) (qmpMessage, error) {
	var m qmpMessage
	q.c.SetReadDeadline(deadline)
	line, err := q.r.ReadBytes('\n')
	if err != nil {
		return m, fmt.Errorf("qmp: %w", err)
	}
	if len(line) > 1<<20 {
		return m, fmt.Errorf("qmp: a line of %d bytes", len(line))
	}
	return m, json.Unmarshal(line, &m)
}

// handshake reads the greeting and leaves capabilities negotiation mode.
func (q *qmp) handshake() error {
	m, err := q.read(time.Now().Add(qmpTimeout))
	if err != nil {
		return err
	}
	if m.QMP == nil {
		return fmt.Errorf("qmp: no greeting")
	}
	return q.do("qmp_capabilities", nil)
}

// do runs one command and returns its error, if any.
func (q *qmp) do(command string, args any) error {
	req := map[string]any{"execute": command}
	if args != nil {
		req["arguments"] = args
	}
	b, err := json.Marshal(req)
	if err != nil {
		return err
	}
	q.c.SetWriteDeadline(time.Now().Add(qmpTimeout))
	if _, err := q.c.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("qmp: %w", err)
	}
	deadline := time.Now().Add(qmpTimeout)
	for {
		m, err := q.read(deadline)
		if err != nil {
			return err
		}
		switch {
		case m.Event != "":
			q.events = append(q.events, m)
		case m.Error != nil:
			return fmt.Errorf("qmp %s: %s: %s", command, m.Error.Class, m.Error.Desc)
		case m.Return != nil:
			return nil
		}
	}
}

// waitDeviceDeleted waits for the DEVICE_DELETED event of device id (the
// guest has to let go of it first: ACPI hot-unplug).
func (q *qmp) waitDeviceDeleted(id string, timeout time.Duration) error {
	match := func(m qmpMessage) bool {
		var d struct {
			Device string `json:"device"`
		}
		return m.Event == "DEVICE_DELETED" && json.Unmarshal(m.Data, &d) == nil && d.Device == id
	}
	for i, m := range q.events {
		if match(m) {
			q.events = append(q.events[:i], q.events[i+1:]...)
			return nil
		}
	}
	deadline := time.Now().Add(timeout)
	for {
		m, err := q.read(deadline)
		if err != nil {
			return fmt.Errorf("waiting for %s to be deleted: %w", id, err)
		}
		if match(m) {
			return nil
		}
		if m.Event != "" {
			q.events = append(q.events, m)
		}
	}
}

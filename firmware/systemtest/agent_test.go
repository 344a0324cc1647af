package systemtest

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// maxLine bounds one line from the guest agent (its output limits, JSON
// escaped).
const maxLine = 128 << 20

// agent is the host's end of vkagent's virtio-serial port.
type agent struct {
	c    net.Conn
	r    *bufio.Reader
	mu   sync.Mutex // one command at a time
	next uint64
}

// The test's names for the protocol's messages (agent.go).
type (
	agentRequest  = AgentRequest
	agentResponse = AgentResponse
)

func newAgent(c net.Conn) *agent { return &agent{c: c, r: bufio.NewReaderSize(c, 64<<10)} }

func (a *agent) Close() error { return a.c.Close() }

// readLine reads one line of at most maxLine bytes before deadline.
func (a *agent) readLine(deadline time.Time) ([]byte, error) {
	a.c.SetReadDeadline(deadline)
	var line []byte
	for {
		chunk, err := a.r.ReadSlice('\n')
		line = append(line, chunk...)
		if len(line) > maxLine {
			return nil, fmt.Errorf("agent: a line longer than %d bytes", maxLine)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return line, err
	}
}

// hello waits for the agent's greeting and returns the guest's boot id;
// it gives up when QEMU exits.
func (a *agent) hello(timeout time.Duration, exited <-chan struct{}) (string, error) {
	type got struct {
		id  string
		err error
	}
	ch := make(chan got, 1)
	go func() {
		deadline := time.Now().Add(timeout)
		for {
			line, err := a.readLine(deadline)
			if err != nil {
				ch <- got{err: err}
				return
			}
			var res agentResponse
			if json.Unmarshal(line, &res) == nil && res.Hello != "" {
				ch <- got{id: res.Hello}
				return
			}
		}
	}()
	select {
	case g := <-ch:
		return g.id, g.err
	case <-exited:
		a.c.Close()
		return "", errors.New("QEMU exited")
	}
}

// run runs argv in the guest as root and returns its outcome. err is set
// when the command could not be run or did not finish (the exit status is
// in the response).
func (a *agent) run(argv []string, timeout time.Duration) (*agentResponse, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.next++
	req := agentRequest{ID: a.next, Argv: argv, TimeoutMS: timeout.Milliseconds()}
	b, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	a.c.SetWriteDeadline(time.Now().Add(30 * time.Second))
	if _, err := a.c.Write(append(b, '\n')); err != nil {
		return nil, fmt.Errorf("agent: %w", err)
	}
	deadline := time.Now().Add(timeout + 30*time.Second)
	for {
		line, err := a.readLine(deadline)
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = errors.New("the guest closed the agent's port")
			}
			return nil, fmt.Errorf("agent: %w", err)
		}
		var res agentResponse
		if err := json.Unmarshal(line, &res); err != nil {
			return nil, fmt.Errorf("agent: %w", err)
		}
		if res.Hello != "" || res.ID != req.ID {
			continue // a restarted agent's greeting, or a late answer
		}
		if res.Err != "" {
			return &res, fmt.Errorf("agent: %s", res.Err)
		}
		return &res, nil
	}
}

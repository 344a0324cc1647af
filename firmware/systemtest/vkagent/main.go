// Command vkagent is the system test's hands inside the virtual machine:
// it reads one command at a time from a virtio-serial port, runs it, and
// writes back its exit status and output. It is installed only into the
// system test's image, never into a kiosk's.
//
// The protocol is one JSON object a line in each direction. On start the
// agent sends {"hello": BOOT_ID}; each request {"id": N, "argv": [...],
// "timeout_ms": T} is answered by {"id": N, "exit": E, "stdout": "...",
// "stderr": "...", "err": "..."}. Output is bounded (MaxOutput per stream)
// and marked truncated when cut.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/systemtest"
)

// Bounds on what crosses the port.
const (
	MaxRequest  = 1 << 20  // one request line
	MaxOutput   = 16 << 20 // stdout or stderr of one command
	MaxArgs     = 256
	MaxTimeout  = 10 * time.Minute
	openTimeout = 2 * time.Minute
)

// Request and Response are the protocol's messages, shared with the test.
type (
	Request  = systemtest.AgentRequest
	Response = systemtest.AgentResponse
)

func main() {
	port := flag.String("port", "/dev/virtio-ports/vk.agent", "virtio-serial port `PATH`")
	flag.Parse()
	f, err := openPort(*port)
	if err != nil {
		fmt.Fprintln(os.Stderr, "vkagent:", err)
		os.Exit(1)
	}
	defer f.Close()
	if err := serve(f, f); err != nil {
		fmt.Fprintln(os.Stderr, "vkagent:", err)
		os.Exit(1)
	}
}

// openPort waits for the port to appear (udev creates the link once the
// virtio_console module is loaded).
func openPort(path string) (*os.File, error) {
	deadline := time.Now().Add(openTimeout)
	for {
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if err == nil {
			return f, nil
		}
		if time.Now().After(deadline) {
			return nil, err
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func serve(r io.Reader, w io.Writer) error {
	boot, _ := os.ReadFile("/proc/sys/kernel/random/boot_id")
	enc := json.NewEncoder(w)
	if err := enc.Encode(Response{Hello: strings.TrimSpace(string(boot))}); err != nil {
		return err
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), MaxRequest)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var req Request
		var res Response
		if err := json.Unmarshal(line, &req); err != nil {
			res = Response{Exit: -1, Err: "bad request: " + err.Error()}
		} else {
			res = run(req)
		}
		if err := enc.Encode(res); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	return errors.New("port closed")
}

// run runs one request.
func run(req Request) Response {
	res := Response{ID: req.ID, Exit: -1}
	switch {
	case len(req.Argv) == 0:
		res.Err = "empty argv"
		return res
	case len(req.Argv) > MaxArgs:
		res.Err = fmt.Sprintf("%d arguments; at most %d", len(req.Argv), MaxArgs)
		return res
	}
	timeout := time.Duration(req.TimeoutMS) * time.Millisecond
	if timeout <= 0 || timeout > MaxTimeout {
		timeout = MaxTimeout
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, req.Argv[0], req.Argv[1:]...)
	cmd.WaitDelay = time.Second
	var stdout, stderr bounded
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res.Stdout, res.Stderr = stdout.String(), stderr.String()
	res.Truncated = stdout.cut || stderr.cut
	var exit *exec.ExitError
	switch {
	case err == nil:
		res.Exit = 0
	case errors.As(err, &exit) && exit.Exited():
		res.Exit = exit.ExitCode()
	default:
		if ctx.Err() != nil {
			err = fmt.Errorf("timed out after %v: %w", timeout, err)
		}
		res.Err = err.Error()
	}
	return res
}

// bounded keeps the first MaxOutput bytes written to it.
type bounded struct {
	bytes.Buffer
	cut bool
}

func (b *bounded) Write(p []byte) (int, error) {
	if room := MaxOutput - b.Len(); len(p) > room {
		b.Buffer.Write(p[:max(room, 0)])
		b.cut = true
		return len(p), nil
	}
	return b.Buffer.Write(p)
}

package main

import (
	"bufio"
	"encoding/json"
	"io"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	for _, tt := range []struct {
		name     string
		req      Request
		exit     int
		stdout   string
		stderr   string
		errHas   string
		truncate bool
	}{
		{name: "output", req: Request{Argv: []string{"sh", "-c", "echo out; echo err >&2"}}, stdout: "out\n", stderr: "err\n"},
		{name: "exit status", req: Request{Argv: []string{"sh", "-c", "exit 3"}}, exit: 3},
		{name: "empty argv", req: Request{}, exit: -1, errHas: "empty argv"},
		{name: "too many arguments", req: Request{Argv: make([]string, MaxArgs+1)}, exit: -1, errHas: "arguments"},
		{name: "no such program", req: Request{Argv: []string{"/nonexistent/program"}}, exit: -1, errHas: "no such file"},
		{name: "timeout", req: Request{Argv: []string{"sleep", "5"}, TimeoutMS: 100}, exit: -1, errHas: "timed out"},
		{name: "killed by a signal", req: Request{Argv: []string{"sh", "-c", "kill -9 $$"}}, exit: -1, errHas: "killed"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.req.ID = 7
			got := run(tt.req)
			if got.ID != 7 {
				t.Errorf("ID: got %d, want 7", got.ID)
			}
			if got.Exit != tt.exit || got.Stdout != tt.stdout || got.Stderr != tt.stderr {
				t.Errorf("got exit %d, stdout %q, stderr %q; want %d, %q, %q", got.Exit, got.Stdout, got.Stderr, tt.exit, tt.stdout, tt.stderr)
			}
			if tt.errHas == "" && got.Err != "" || !strings.Contains(got.Err, tt.errHas) {
				t.Errorf("err: got %q, want it to contain %q", got.Err, tt.errHas)
			}
		})
	}
}

func TestBounded(t *testing.T) {
	var b bounded
	chunk := strings.Repeat("x", 1<<20)
	for range MaxOutput>>20 + 3 {
		if n, err := b.Write([]byte(chunk)); n != len(chunk) || err != nil {
			t.Fatalf("Write: got %d, %v; want %d, nil (output past the bound is dropped, not an error)", n, err, len(chunk))
		}
	}
	if b.Len() != MaxOutput || !b.cut {
		t.Errorf("got %d bytes, cut %v; want %d, true", b.Len(), b.cut, MaxOutput)
	}
}

// TestServe runs the protocol over pipes: the greeting, a good request, a
// bad line, then the port closing.
func TestServe(t *testing.T) {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- serve(inR, outW); outW.Close() }()
	dec := json.NewDecoder(bufio.NewReader(outR))
	var hello Response
	if err := dec.Decode(&hello); err != nil {
		t.Fatal(err)
	}
	if hello.Hello == "" {
		t.Errorf("greeting %+v: want a boot id", hello)
	}
	io.WriteString(inW, `{"id":1,"argv":["echo","hi"]}`+"\n")
	var res Response
	if err := dec.Decode(&res); err != nil {
		t.Fatal(err)
	}
	if res.ID != 1 || res.Exit != 0 || res.Stdout != "hi\n" {
		t.Errorf("got %+v, want id 1, exit 0, stdout hi", res)
	}
	io.WriteString(inW, "{not json\n")
	res = Response{}
	if err := dec.Decode(&res); err != nil {
		t.Fatal(err)
	}
	if res.Exit != -1 || !strings.Contains(res.Err, "bad request") {
		t.Errorf("bad line: got %+v, want exit -1 and a bad request error", res)
	}
	// serve stops reading at the bound: the writer is left blocked until
	// the pipe closes.
	go func() { io.WriteString(inW, strings.Repeat("x", MaxRequest+1)+"\n") }()
	if err := <-done; err == nil {
		t.Errorf("serve after an oversized line: got nil, want an error")
	}
	inR.Close()
}

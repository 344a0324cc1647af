package web

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The server logs to the logger it was given: a panel image that cannot
// be written is said there.
func TestLogsToOptsLogger(t *testing.T) {
	var buf bytes.Buffer
	srv := New(Opts{
		Panel:  func(io.Writer) error { return errors.New("panel gone") },
		Logger: slog.New(slog.NewTextHandler(&buf, nil)),
	})
	req := httptest.NewRequest(http.MethodGet, "/panel.png", nil)
	req.Host = "127.0.0.1"
	srv.ServeHTTP(httptest.NewRecorder(), req)
	if got := buf.String(); !strings.Contains(got, "panel image") || !strings.Contains(got, "panel gone") {
		t.Errorf("the server's logger got %q, want the panel image's failure", got)
	}
}

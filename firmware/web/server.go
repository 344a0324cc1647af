package web

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/internal/scan"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
)

// Sample is a ready-made payload for the page and the tests.
type Sample struct {
	Name    string `json:"name"`
	Payload string `json:"payload"`
	Expect  string `json:"expect"` // green, amber or red; "" where it depends (a category code)
	// Kind is "" for a pass; "staff", "category" or "poster" for the
	// door's samples (staff cards, category codes, LeaveHomeSafe posters).
	Kind string `json:"kind,omitempty"`
}

// Scanner judges a payload through the scan flow; *scan.Flow implements it.
type Scanner interface {
	Scan(ctx context.Context, s scan.Scan) (scan.Result, error)
}

// Opts wires the server to the kiosk.
type Opts struct {
	Scanner Scanner
	// State returns a JSON-able snapshot for /api/state. It must not
	// contain personal data.
	State func() any
	// Panel writes the current panel image as PNG; nil: 404.
	Panel func(w io.Writer) error
	// Samples lists sample payloads; nil: an empty list.
	Samples func() []Sample
	// SelfTest runs the hardware checks of kioskctl selftest; nil: 404.
	SelfTest func(ctx context.Context) any
	// Token is the per-boot token every POST must carry (TokenHeader);
	// "" refuses every POST.
	Token string
	// Hosts are Host names served besides loopback ones (the configured
	// non-loopback listen address).
	Hosts []string
	// SimScan sends payloads through the simulated scanner as a chosen
	// kind of scanner would (simulation only); nil: 404.
	SimScan *SimScanner
	// Logger receives the server's log; nil: slog.Default().
	Logger *slog.Logger
}

// ScanProfile names a kind of simulated scanner.
type ScanProfile struct {
	Name  string `json:"name"`
	Label string `json:"label"`
}

// SimScanner is the simulated scanner, for the page's profile picker.
type SimScanner struct {
	Profiles func() []ScanProfile
	// Scan sends payload as the profile's scanner would; the verdict
	// comes through the scanner driver and shows in /api/state.
	Scan func(profile string, payload []byte) error
}

// Server is the local web server.
type Server struct {
	opts Opts
	mux  *http.ServeMux
}

// MaxBody bounds a POST /api/scan body: the verifier's own bound plus a
// line ending.
const MaxBody = verify.MaxPayload + 2

//go:embed page.html
var page []byte

// New returns a server.
func New(opts Opts) *Server {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	s := &Server{opts: opts, mux: http.NewServeMux()}
	s.mux.HandleFunc("GET /{$}", s.page)
	s.mux.HandleFunc("GET /api/samples", s.samples)
	s.mux.HandleFunc("POST /api/scan", s.scan)
	s.mux.HandleFunc("GET /api/state", s.state)
	s.mux.HandleFunc("GET /panel.png", s.panel)
	s.mux.HandleFunc("POST /api/selftest", s.selfTest)
	s.mux.HandleFunc("GET /api/messages", s.messages)
	s.mux.HandleFunc("GET /api/scanner/profiles", s.scanProfiles)
	s.mux.HandleFunc("POST /api/scanner/scan", s.simScan)
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	if !s.guard(w, r) {
		return
	}
	s.mux.ServeHTTP(w, r)
}

// ListenAndServe serves on addr until ctx is done.
func (s *Server) ListenAndServe(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return s.Serve(ctx, ln)
}

// Serve serves on ln until ctx is done.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		MaxHeaderBytes:    16 << 10,
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		hs.Shutdown(sctx)
		return nil
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	}
}

func (s *Server) page(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Write(bytes.Replace(page, []byte(tokenPlaceholder), []byte(s.opts.Token), 1))
}

func (s *Server) samples(w http.ResponseWriter, r *http.Request) {
	list := []Sample{}
	if s.opts.Samples != nil {
		list = s.opts.Samples()
	}
	writeJSON(w, http.StatusOK, list)
}

func (s *Server) scan(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			// Too large to be a pass: judge it anyway so that the
			// lights and counters see it, as a serial scan would.
			body = append(body[:0], make([]byte, verify.MaxPayload+1)...)
		} else {
			httpError(w, http.StatusBadRequest, "reading the body: "+err.Error())
			return
		}
	}
	if len(body) == 0 {
		httpError(w, http.StatusBadRequest, "empty body: POST the payload as the request body")
		return
	}
	res, err := s.opts.Scanner.Scan(r.Context(), scan.Scan{Payload: string(body), Source: scan.Web, Read: time.Now()})
	if err != nil {
		httpError(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	if res.Staff {
		writeJSON(w, http.StatusOK, StaffJSON{Kind: KindStaff, Message: res.Message, Refused: res.Refused, Repeat: res.Repeat, Door: res.Door, Group: res.Group})
		return
	}
	j := PassJSON{Kind: KindPass, JSON: res.Verdict.JSON()}
	if res.Exit {
		// A pass leaving: the page says goodbye, not the
		// verdict, and no one checks the holder on the way out.
		j.Holder, j.Exit = nil, true
	}
	writeJSON(w, http.StatusOK, j)
}

// Kinds of scan replies (the "kind" of POST /api/scan's reply).
const (
	KindPass  = "pass"  // a pass: a verdict (PassJSON)
	KindStaff = "staff" // a staff card, category code, group code or venue poster: what it did (StaffJSON)
)

// PassJSON is the reply to a pass scanned: the verdict JSON of
// `kioskctl verify --json`, with the kind; a pass leaving adds exit and
// carries no holder.
type PassJSON struct {
	Kind string `json:"kind"`
	verify.JSON
	Exit bool `json:"exit,omitempty"`
}

// StaffJSON is the reply to a staff code scanned — a staff card, a
// category code, the group code, a venue poster. It is no pass: no
// verdict, no format, no counter touched; Message says what it did, in
// words. Refused says it did nothing (the message says why); Door is the
// door's event (a card, a category code, a poster), Group the group the
// code opened or ended.
type StaffJSON struct {
	Kind    string          `json:"kind"`
	Message string          `json:"message"`
	Refused bool            `json:"refused,omitempty"`
	Repeat  bool            `json:"repeat,omitempty"`
	Door    *scan.DoorEvent `json:"door,omitempty"`
	Group   *scan.Group     `json:"group,omitempty"`
}

func (s *Server) scanProfiles(w http.ResponseWriter, r *http.Request) {
	if s.opts.SimScan == nil {
		httpError(w, http.StatusNotFound, "no simulated scanner here")
		return
	}
	writeJSON(w, http.StatusOK, s.opts.SimScan.Profiles())
}

// simScan sends the body through the simulated scanner as the scanner of
// ?profile= sends it (POST /api/scanner/scan?profile=crlf).
func (s *Server) simScan(w http.ResponseWriter, r *http.Request) {
	if s.opts.SimScan == nil {
		httpError(w, http.StatusNotFound, "no simulated scanner here")
		return
	}
	// guard (ServeHTTP) has checked the Host, the Origin and the token.
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil || len(body) == 0 {
		httpError(w, http.StatusBadRequest, "POST a payload of 1 to 8194 bytes")
		return
	}
	if err := s.opts.SimScan.Scan(r.URL.Query().Get("profile"), body); err != nil {
		httpError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"sent": true, "profile": r.URL.Query().Get("profile")})
}

func (s *Server) state(w http.ResponseWriter, r *http.Request) {
	if s.opts.State == nil {
		writeJSON(w, http.StatusOK, struct{}{})
		return
	}
	writeJSON(w, http.StatusOK, s.opts.State())
}

func (s *Server) selfTest(w http.ResponseWriter, r *http.Request) {
	if s.opts.SelfTest == nil {
		httpError(w, http.StatusNotFound, "no self-test here")
		return
	}
	writeJSON(w, http.StatusOK, s.opts.SelfTest(r.Context()))
}

func (s *Server) panel(w http.ResponseWriter, r *http.Request) {
	if s.opts.Panel == nil {
		httpError(w, http.StatusNotFound, "no panel")
		return
	}
	w.Header().Set("Content-Type", "image/png")
	if err := s.opts.Panel(w); err != nil {
		s.opts.Logger.Warn("panel image", "err", err)
	}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

func httpError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": msg})
}

package client

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/venuekiosk/venuekiosk/internal/store"
	"github.com/venuekiosk/venuekiosk/sync/repo"
)

// Opts configures a Client.
type Opts struct {
	// Source is the repository: an https:// (or http://) base URL, a
	// file:// URL or an absolute directory.
	Source string
	// Root is the initial trusted root metadata (provisioned with the
	// kiosk). The client trusts it once and then follows the repository's
	// root rotations; a different Root (the kiosk was provisioned again)
	// starts over from it.
	Root []byte
	// Dir keeps the trusted metadata between syncs; created (0700) when
	// missing. Downloads are spooled there too (unlinked files).
	Dir string
	// Store receives the data, one transaction per sync.
	Store *store.Store
	// Now is the kiosk's time for expiry decisions: the trusted clock
	// (clock.Trusted.Judge), never earlier than the time floor. Default
	// time.Now.
	Now func() time.Time
	// FloorFor returns the time the sync may raise the kiosk's time floor
	// to, in its transaction, given the verified timestamp's issue and
	// expiry times (clock.Trusted.FloorFor: within the bound of the
	// kiosk's evidence); nil or a zero time: the floor is left alone.
	FloorFor func(issued, expires time.Time) time.Time
	// WantFloorReset reports whether to look for a signed floor reset
	// (repo.FloorResetFile) before syncing: the kiosk's clock reads before
	// its floor (clock.Trusted.Behind). nil: never.
	WantFloorReset func() bool
	// FloorReset applies a floor reset whose root or targets signatures
	// the client verified (role names which); it checks the kiosk
	// binding, the version and the expiry (clock.Trusted.Reset).
	FloorReset func(r *repo.FloorReset, role string) error
	// SourceName is what the store records as each data set's source;
	// default Source (cut to 256 bytes).
	SourceName string

	// HTTPClient fetches from http(s) sources; default a client with dial,
	// TLS and response-header timeouts.
	HTTPClient *http.Client
	// UserAgent is sent with every request; default "venuekiosk-sync".
	UserAgent string
	// Timeout bounds one metadata request; default 30 s. A data file gets
	// Timeout plus its length at MinRate.
	Timeout time.Duration
	// MinRate is the slowest average transfer a data file may have, in
	// bytes a second; default 16 KiB/s.
	MinRate int64
	// StallTimeout gives up on a source that sends nothing for this long;
	// default 20 s.
	StallTimeout time.Duration
	// MaxRootRotations bounds the root versions one sync walks; default 32.
	MaxRootRotations int

	Logger *slog.Logger
}

// Client syncs a kiosk's store from a TUF repository.
type Client struct {
	o   Opts
	src source
	log *slog.Logger

	mu           sync.Mutex // one sync at a time
	tsValidators *validators
	forceFull    bool // a delta did not fit: fetch the full revocation list
}

// New checks opts and the initial root.
func New(o Opts) (*Client, error) {
	if o.Store == nil {
		return nil, errors.New("sync: no store")
	}
	if o.Dir == "" {
		return nil, errors.New("sync: no metadata directory")
	}
	if len(o.Root) == 0 {
		return nil, errors.New("sync: no initial root metadata")
	}
	if _, err := bootstrapRoot(o.Root); err != nil {
		return nil, fmt.Errorf("sync: initial root: %w", err)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.HTTPClient == nil {
		o.HTTPClient = defaultHTTPClient()
	}
	if o.UserAgent == "" {
		o.UserAgent = "venuekiosk-sync"
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.MinRate <= 0 {
		o.MinRate = 16 << 10
	}
	if o.StallTimeout <= 0 {
		o.StallTimeout = 20 * time.Second
	}
	if o.MaxRootRotations <= 0 {
		o.MaxRootRotations = 32
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.SourceName == "" {
		o.SourceName = o.Source
	}
	if len(o.SourceName) > 256 {
		o.SourceName = o.SourceName[:253] + "..."
	}
	src, err := newSource(o.Source, &o)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(o.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("sync: %w", err)
	}
	return &Client{o: o, src: src, log: o.Logger}, nil
}

// Source returns the repository's location.
func (c *Client) Source() string { return c.src.String() }

// Local reports whether the source is a directory (file:// or a path).
func (c *Client) Local() bool {
	_, ok := c.src.(*dirSource)
	return ok
}

// Result says what a sync found and did.
type Result struct {
	// Issued is the signed time of the timestamp metadata in force, and
	// Expires its expiry (clock.Trusted.Signed takes both).
	Issued, Expires time.Time
	// RootExpires is when the trusted root expires.
	RootExpires time.Time
	// FloorReset is the signed floor reset applied before this sync, if
	// any; FloorResetError says why one found was not applied.
	FloorReset      *repo.FloorReset
	FloorResetError error
	// New is true when the repository had a newer timestamp than the one
	// already trusted (false: nothing new was published).
	New bool
	// Versions of the trusted metadata after the sync.
	Root, Timestamp, Snapshot, Targets int64
	// Applied lists the data sets whose content changed.
	Applied []Change
	// Refreshed is true when the store recorded the newer signed time for
	// data sets that did not change: the data was proven current.
	Refreshed bool
	// Downloaded counts the bytes of the files read from the source
	// (metadata that came gzip-compressed: after decompression).
	Downloaded int64
}

// Change is one data set brought to a new version.
type Change struct {
	Dataset  string
	From, To int64 // From is 0 when the kiosk had none
	// Via is "full" or, for revocations, "delta".
	Via     string
	Files   int   // files downloaded for it
	Entries int64 // entries in those files
}

// Changed reports whether data set name was applied.
func (r *Result) Changed(name string) bool {
	for _, ch := range r.Applied {
		if ch.Dataset == name {
			return true
		}
	}
	return false
}

// Sync brings the trusted metadata and the store up to date with the
// repository. On any error the store is as it was (the trusted metadata
// may have advanced: it is verified on its own, and the data is applied
// from it on the next sync). Only one Sync runs at a time.
func (c *Client) Sync(ctx context.Context) (*Result, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	res := &Result{}
	st, err := c.load()
	if err != nil {
		return res, err
	}
	res.RootExpires = st.root.Signed.Expires
	if c.o.WantFloorReset != nil && c.o.FloorReset != nil && c.o.WantFloorReset() {
		c.floorReset(ctx, st, res)
	}
	if err := c.update(ctx, st, res); err != nil {
		return res, err
	}
	res.RootExpires = st.root.Signed.Expires
	res.Issued, res.Expires = st.ts.Signed.Issued.UTC(), st.ts.Signed.Expires.UTC()
	res.Root, res.Timestamp = st.root.Signed.Version, st.ts.Signed.Version
	res.Snapshot, res.Targets = st.snap.Signed.Version, st.tgt.Signed.Version
	if err := c.apply(ctx, st, res); err != nil {
		var div *DivergedError
		if errors.As(err, &div) {
			c.forceFull = true
		}
		return res, err
	}
	return res, nil
}

// RootExpires returns when the kiosk's trusted root expires (the zero
// time when it cannot be read).
func (c *Client) RootExpires() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	st, err := c.load()
	if err != nil {
		return time.Time{}
	}
	return st.root.Signed.Expires
}

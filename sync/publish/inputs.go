package publish

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/policy"
	"github.com/venuekiosk/venuekiosk/firmware/staff"
	"github.com/venuekiosk/venuekiosk/firmware/trust"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
	"github.com/venuekiosk/venuekiosk/internal/bounded"
	"github.com/venuekiosk/venuekiosk/internal/store"
	"github.com/venuekiosk/venuekiosk/sync/repo"
)

// Input files. Lists are CSV (a header row names the columns; '#' starts
// a comment line) or JSON (an array of objects with the same names), told
// apart by the .json extension. A pass is named either by "id", its pass
// ID in 64 hex digits, or by "format" and "identifier", from which the ID
// is computed as the kiosk computes it (see PassID).
//
//	revocations  id | format,identifier       (a headerless file of bare IDs also works)
//	codes        id | format,identifier; code (red or amber); valid_from; valid_until
//	exposures    venue; start; end; notice_en; notice_zh; notice_until; assumed_stay (optional)
//	staff        card_id                   (a headerless file of bare card ids also works)
//
// A staff card id is firmware/staff's: 1 to 24 of A–Z, 0–9 and '-', as
// printed on the card (lower case is refused, not folded).
//
// Times are RFC 3339 ("2026-03-01T18:00:00+08:00") or a date (midnight
// UTC); an empty valid_from or valid_until leaves that end open.
//
// An exposure's assumed_stay, when given, is how long a visit without a
// check-out is taken to have lasted when kiosks match it against this
// window, overriding the entry policy's for the venue's category: a
// duration with its unit in whole minutes, 15m to 8h ("90m", "2h",
// "1h30m"). Leave the column out, or a row's value empty, for the
// policy's; files from before it keep working unchanged.

// MaxInputFile bounds an input file (ten million revocations as hex CSV
// fit in about 650 MB).
const MaxInputFile int64 = 2 << 30

// PassID returns the ID the kiosk gives a pass of format with identifier,
// as that format names its passes (pass.Naming; `vkpublish id -help` lists
// each format's identifier).
func PassID(format, identifier string) (pass.ID, error) {
	if identifier == "" {
		return pass.ID{}, errors.New("empty identifier")
	}
	n, ok := verify.Naming(format)
	if !ok {
		return pass.ID{}, fmt.Errorf("format %q: want %s", format, formatNames())
	}
	return n.PassID(identifier)
}

// formatNames lists the formats the kiosk reads: "dcc, shc or hksarg".
func formatNames() string {
	var names []string
	for _, n := range verify.Namings() {
		names = append(names, n.Name)
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// MaxStaffInputFile bounds a staff revocation input file (the store's
// most card ids, with room for comments).
const MaxStaffInputFile int64 = 16 << 20

// record is one input row, by column name.
type record struct {
	where string
	f     map[string]string
}

func (r record) get(k string) string { return r.f[k] }

func (r record) errf(format string, a ...any) error {
	return fmt.Errorf("%s: %s", r.where, fmt.Sprintf(format, a...))
}

// readRecords reads a CSV or JSON list of at most max bytes. bare, when
// set, is the column a headerless CSV of one column holds.
func readRecords(path string, columns []string, bare string, max int64) ([]record, error) {
	b, err := bounded.ReadFile(path, max)
	if err != nil {
		return nil, err
	}
	if strings.EqualFold(filepath.Ext(path), ".json") {
		return jsonRecords(path, b, columns, bare)
	}
	return csvRecords(path, b, columns, bare)
}

func csvRecords(path string, b []byte, columns []string, bare string) ([]record, error) {
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))))
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = false
	var header []string
	var out []record
	for {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		line, _ := cr.FieldPos(0)
		where := fmt.Sprintf("%s:%d", path, line)
		if header == nil {
			lower := make([]string, len(row))
			for i, c := range row {
				lower[i] = strings.ToLower(strings.TrimSpace(c))
			}
			known := 0
			for _, c := range lower {
				if slices.Contains(columns, c) {
					known++
				}
			}
			switch {
			case known == len(lower):
				header = lower
				continue
			case bare != "" && len(row) == 1:
				header = []string{bare}
			default:
				return nil, fmt.Errorf("%s: want a header row naming columns from %s", where, strings.Join(columns, ", "))
			}
		}
		if len(row) != len(header) {
			return nil, fmt.Errorf("%s: %d fields; the header has %d", where, len(row), len(header))
		}
		r := record{where: where, f: map[string]string{}}
		for i, c := range header {
			r.f[c] = strings.TrimSpace(row[i])
		}
		out = append(out, r)
	}
	if out == nil {
		out = []record{}
	}
	return out, nil
}

func jsonRecords(path string, b []byte, columns []string, bare string) ([]record, error) {
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("%s: want a JSON array: %w", path, err)
	}
	out := make([]record, 0, len(raw))
	for i, m := range raw {
		where := fmt.Sprintf("%s: entry %d", path, i)
		r := record{where: where, f: map[string]string{}}
		var s string
		if bare != "" && json.Unmarshal(m, &s) == nil {
			r.f[bare] = s
			out = append(out, r)
			continue
		}
		var obj map[string]any
		if err := json.Unmarshal(m, &obj); err != nil {
			return nil, fmt.Errorf("%s: want an object: %w", where, err)
		}
		for k, v := range obj {
			if !slices.Contains(columns, k) {
				return nil, fmt.Errorf("%s: unknown field %q (fields: %s)", where, k, strings.Join(columns, ", "))
			}
			switch t := v.(type) {
			case string:
				r.f[k] = t
			case nil:
			default:
				return nil, fmt.Errorf("%s: %s must be a string", where, k)
			}
		}
		out = append(out, r)
	}
	return out, nil
}

func (r record) passID() (pass.ID, error) {
	if h := r.get("id"); h != "" {
		if r.get("format") != "" || r.get("identifier") != "" {
			return pass.ID{}, r.errf("give id or format and identifier, not both")
		}
		id, err := pass.ParseID(strings.ToLower(h))
		if err != nil {
			return id, r.errf("%v", err)
		}
		if id.IsZero() {
			return id, r.errf("the zero pass ID")
		}
		return id, nil
	}
	id, err := PassID(r.get("format"), r.get("identifier"))
	if err != nil {
		return id, r.errf("%v", err)
	}
	return id, nil
}

func (r record) time(k string, required bool) (time.Time, error) {
	s := r.get(k)
	if s == "" {
		if required {
			return time.Time{}, r.errf("no %s", k)
		}
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, r.errf("%s %q: want RFC 3339 (2026-03-01T18:00:00+08:00) or a date (2026-03-01)", k, s)
}

// assumedStay reads an optional assumed stay: a duration with its unit.
func (r record) assumedStay(k string) (time.Duration, error) {
	s := r.get(k)
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, r.errf("%s %q: want a duration with its unit, such as 90m or 2h", k, s)
	}
	if err := policy.CheckAssumedStay(d); err != nil {
		return 0, r.errf("%s %q: want whole minutes from 15m to 8h", k, s)
	}
	return d, nil
}

// ReadRevocations reads a revocation list file. CSV files are read
// without a map per row: ten million lines take seconds.
func ReadRevocations(path string) ([]pass.ID, error) {
	columns := []string{"id", "format", "identifier"}
	if strings.EqualFold(filepath.Ext(path), ".json") {
		recs, err := readRecords(path, columns, "id", MaxInputFile)
		if err != nil {
			return nil, err
		}
		ids := make([]pass.ID, 0, len(recs))
		for _, r := range recs {
			id, err := r.passID()
			if err != nil {
				return nil, err
			}
			ids = append(ids, id)
		}
		return ids, nil
	}
	b, err := bounded.ReadFile(path, MaxInputFile)
	if err != nil {
		return nil, err
	}
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))))
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true
	ids := make([]pass.ID, 0, bytes.Count(b, []byte{'\n'})+1)
	col := map[string]int{"id": -1, "format": -1, "identifier": -1}
	first := true
	r := record{f: map[string]string{}}
	for {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		line, _ := cr.FieldPos(0)
		if first {
			first = false
			header := true
			for i, c := range row {
				c = strings.ToLower(strings.TrimSpace(c))
				if _, ok := col[c]; !ok {
					header = false
					break
				}
				col[c] = i
			}
			if header {
				continue
			}
			if len(row) != 1 {
				return nil, fmt.Errorf("%s:%d: want a header row (id, or format,identifier) or one ID a line", path, line)
			}
			col["id"] = 0
		}
		r.where = fmt.Sprintf("%s:%d", path, line)
		clear(r.f)
		for name, i := range col {
			if i >= 0 {
				if i >= len(row) {
					return nil, fmt.Errorf("%s: %d fields; want %d", r.where, len(row), i+1)
				}
				r.f[name] = strings.TrimSpace(row[i])
			}
		}
		id, err := r.passID()
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// ReadCodes reads a red/amber code list file.
func ReadCodes(path string) ([]store.CodeEntry, error) {
	recs, err := readRecords(path, []string{"id", "format", "identifier", "code", "valid_from", "valid_until"}, "", MaxInputFile)
	if err != nil {
		return nil, err
	}
	out := make([]store.CodeEntry, 0, len(recs))
	for _, r := range recs {
		var c store.CodeEntry
		if c.ID, err = r.passID(); err != nil {
			return nil, err
		}
		switch strings.ToLower(r.get("code")) {
		case "red":
			c.Code = pass.RedCode
		case "amber":
			c.Code = pass.AmberCode
		default:
			return nil, r.errf("code %q: want red or amber", r.get("code"))
		}
		if c.ValidFrom, err = r.time("valid_from", false); err != nil {
			return nil, err
		}
		if c.ValidUntil, err = r.time("valid_until", false); err != nil {
			return nil, err
		}
		if !c.ValidUntil.IsZero() && !c.ValidUntil.After(c.ValidFrom) {
			return nil, r.errf("valid_until is not after valid_from")
		}
		out = append(out, c)
	}
	return out, nil
}

// ReadExposures reads an exposure notice file.
func ReadExposures(path string) ([]store.Exposure, error) {
	recs, err := readRecords(path, []string{"venue", "start", "end", "notice_en", "notice_zh", "notice_until", "assumed_stay"}, "", MaxInputFile)
	if err != nil {
		return nil, err
	}
	out := make([]store.Exposure, 0, len(recs))
	for _, r := range recs {
		var e store.Exposure
		e.Venue, e.NoticeEN, e.NoticeZH = r.get("venue"), r.get("notice_en"), r.get("notice_zh")
		if e.Start, err = r.time("start", true); err != nil {
			return nil, err
		}
		if e.End, err = r.time("end", true); err != nil {
			return nil, err
		}
		if e.NoticeUntil, err = r.time("notice_until", true); err != nil {
			return nil, err
		}
		if e.AssumedStay, err = r.assumedStay("assumed_stay"); err != nil {
			return nil, err
		}
		if err := checkExposure(&e); err != nil {
			return nil, r.errf("%v", err)
		}
		out = append(out, e)
	}
	return out, nil
}

// ReadTrust reads trust inputs: FILE or FORMAT:FILE (firmware/trust: PEM
// bundles, the EU DCC gateway's trust list, JWKS, VCI directory snapshots,
// DID documents, trust lists as published). Keys for a format come only
// from an input for that format: a conflict is refused with an error that
// names it.
func ReadTrust(args ...string) ([]*pass.Key, error) {
	formats := verify.Namings()
	keys := []*pass.Key{}
	for _, a := range args {
		ks, err := trust.Load(trust.ParseArg(a, formats), formats)
		if err != nil {
			return nil, err
		}
		keys = append(keys, ks...)
	}
	return keys, nil
}

// ReadPolicy reads an entry policy file and checks it.
func ReadPolicy(path string) ([]byte, error) {
	b, err := bounded.ReadFile(path, MaxInputFile)
	if err != nil {
		return nil, err
	}
	if err := repo.CheckPolicy(b); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return b, nil
}

// ReadStaffRevocations reads a file of revoked staff card ids: one a line
// ('#' starts a comment line; an optional "card_id" header), or a JSON
// array of ids or of {"card_id": …} objects.
func ReadStaffRevocations(path string) ([]string, error) {
	recs, err := readRecords(path, []string{"card_id"}, "card_id", MaxStaffInputFile)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(recs))
	for _, r := range recs {
		id := r.get("card_id")
		if err := staff.ValidID(id); err != nil {
			return nil, r.errf("%v", err)
		}
		out = append(out, id)
	}
	if len(out) > store.MaxStaffRevocations {
		return nil, fmt.Errorf("%s: %d card ids; at most %d", path, len(out), store.MaxStaffRevocations)
	}
	return out, nil
}

package dcc

import (
	"strconv"
	"strings"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/verify/cose"
)

// A certificate is judged by the schema of the version it declares in
// "ver": the eHealth Network's published DCC JSON schemas 1.0.0 to 1.3.3
// (github.com/ehn-dcc-development/eu-dcc-schema). What each version
// accepts, where they differ:
//
//	                      1.0.x          1.1.x–1.2.x    1.3.0–1.3.1    1.3.2–
//	dob                   holds a date   YYYY[-MM[-DD]] also ""        also ""
//	                      (an unanchored pattern: a date-time matches)
//	nam                   fnt required   fnt required   fnt required   fnt or gnt
//	v, t, r entries       one or more    one or more    exactly one    exactly one
//	dn, sd                1 to 9         1 to 9         1 or more      1 or more
//	t.tc                  required       required       optional       optional
//
// Every version requires ver, nam and dob, and every entry field the
// verifier reads. Beyond the schemas, and only where it cannot change the
// decision (schema README: "be liberal in what you accept"; hcert
// specification 3.3.7: "acceptance of any reasonable type conversion is
// strongly encouraged"):
//
//   - text lengths are not bounded (the schemas' maxLength is 50 or 80);
//     the payload bounds (8 KiB of Base45, 64 KiB inflated) protect the
//     kiosk;
//   - a date (dt, fr, df, du; dob in 1.0.x) written as a date-time counts
//     as its date as written (the schemas' "format": "date" is an
//     annotation in JSON Schema 2020-12, not a constraint);
//   - a dose number or series of 0 in a certificate before 1.3 is read as
//     "unknown" (the DICOM "type 2" reading of an empty value, proposed in
//     the schema repository and issued by the Netherlands): the entry
//     policy then decides, and cannot count such a dose towards a series.
//
// Several entries in one group (before 1.3) are authentic: the pass
// carries them all and the policy decides on them. Several groups (a
// vaccination and a test in one certificate) are not one of the
// certificates Regulation (EU) 2021/953 defines, and dgc-testdata's DGC2
// ("adheres to schema but contains multiple certificates") expects them
// refused: schema. A certificate with no entry at all has nothing to state
// and no identifier to revoke it by: schema.

// version is a declared schema version, major 1.
type version struct{ minor, patch int }

// maxMinor is the newest minor version this package knows; later 1.x
// versions are read by its rules (semantic versioning: minor versions add,
// they do not break).
const maxMinor = 3

func (v version) String() string { return "1." + strconv.Itoa(v.minor) + "." + strconv.Itoa(v.patch) }

func (v version) atLeast(minor, patch int) bool {
	return v.minor > minor || (v.minor == minor && v.patch >= patch)
}

// parseVersion reads "1.M.P".
func parseVersion(s string) (version, error) {
	var n [3]int
	part, digits := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9' && digits < 6:
			n[part] = n[part]*10 + int(c-'0')
			digits++
		case c == '.' && digits > 0 && part < 2:
			part++
			digits = 0
		default:
			return version{}, schemaErr("ver", "not a schema version (want digits.digits.digits)")
		}
	}
	if part != 2 || digits == 0 {
		return version{}, schemaErr("ver", "not a schema version (want digits.digits.digits)")
	}
	if n[0] != 1 {
		return version{}, fail(pass.UnsupportedFormat, "DGC schema version "+strconv.Itoa(n[0])+"."+strconv.Itoa(n[1])+"."+strconv.Itoa(n[2])+": this kiosk reads 1.0.0 to 1."+strconv.Itoa(maxMinor)+".x", nil)
	}
	return version{minor: n[1], patch: n[2]}, nil
}

// schemaErr reports a schema violation of the field at path. It never
// quotes the field's value.
func schemaErr(path, problem string) *pass.Error {
	return fail(pass.Schema, "DGC "+path+": "+problem, nil)
}

// Field presence.
const (
	absent = iota
	present
)

// cert is a schema-checked certificate. Its strings are substrings of the
// CWT payload, and its first entries live in the struct, so that reading a
// certificate allocates nothing.
type cert struct {
	ver  version
	name PersonName
	dob  string // as issued, or the date of a 1.0.x date-time
	v    entries[Vaccination]
	t    entries[Test]
	r    entries[Recovery]
}

// entries holds a group's entries: the first few in place, the rest (a
// pre-1.3 certificate may have up to 64) in a slice.
type entries[T any] struct {
	n     int
	first [2]T
	more  []T
}

func (e *entries[T]) add(x T) {
	if e.n < len(e.first) {
		e.first[e.n] = x
	} else {
		e.more = append(e.more, x)
	}
	e.n++
}

// at returns entry i.
func (e *entries[T]) at(i int) *T {
	if i < len(e.first) {
		return &e.first[i]
	}
	return &e.more[i-len(e.first)]
}

// slice returns the entries as a slice, nil when there are none.
func (e *entries[T]) slice() []T {
	if e.n == 0 {
		return nil
	}
	out := make([]T, e.n)
	for i := range out {
		out[i] = *e.at(i)
	}
	return out
}

// parseCert schema-checks the certificate map b (well formed: it is part of
// the claims checked by parseClaims).
func parseCert(b string, c *cert) error {
	var (
		e              cose.Entries[string]
		ver, nam, dob  string
		groups         [3]string // v, t, r
		hasVer, hasNam bool
		hasDOB         bool
	)
	if !cose.ReadMap(b, &e) {
		return schemaErr("", "not a map")
	}
	for e.Next() {
		k, ok := e.TextKey()
		if !ok {
			continue
		}
		switch k {
		case "ver":
			ver, hasVer = e.Value, true
		case "nam":
			nam, hasNam = e.Value, true
		case "dob":
			dob, hasDOB = e.Value, true
		case "v", "t", "r":
			if isNull(e.Value) {
				continue // Bulgaria writes "t": null for an absent group
			}
			groups[strings.IndexByte("vtr", k[0])] = e.Value
		}
	}
	if err := e.Err(); err != nil {
		return err
	}
	if !hasVer {
		return schemaErr("ver", "missing")
	}
	vs, err := text(ver, "ver")
	if err != nil {
		return err
	}
	if c.ver, err = parseVersion(vs); err != nil {
		return err
	}
	if !hasNam {
		return schemaErr("nam", "missing")
	}
	if err := c.readName(nam); err != nil {
		return err
	}
	if !hasDOB {
		return schemaErr("dob", "missing")
	}
	if err := c.readDOB(dob); err != nil {
		return err
	}
	n := 0
	for _, g := range groups {
		if g != "" {
			n++
		}
	}
	switch {
	case n == 0:
		return schemaErr("v/t/r", "no vaccination, test or recovery group")
	case n > 1:
		return schemaErr("v/t/r", "holds "+strconv.Itoa(n)+" of the vaccination, test and recovery groups; a certificate states one")
	}
	for i, g := range groups {
		if g == "" {
			continue
		}
		if err := c.readGroup(i, g); err != nil {
			return err
		}
	}
	return nil
}

var groupNames = [3]string{"v", "t", "r"}

// entryPaths names the first entries of each group, "v[0]" to "r[7]", so
// that reading them builds no string.
var entryPaths = func() (p [3][8]string) {
	for g := range p {
		for j := range p[g] {
			p[g][j] = groupNames[g] + "[" + strconv.Itoa(j) + "]"
		}
	}
	return p
}()

func entryPath(group, j int) string {
	if j < len(entryPaths[group]) {
		return entryPaths[group][j]
	}
	return groupNames[group] + "[" + strconv.Itoa(j) + "]"
}

func (c *cert) readGroup(i int, b string) error {
	name := groupNames[i]
	major, count, n, ok := cose.Head(b)
	if !ok || major != cose.Array {
		return schemaErr(name, cose.TypeName(b)+" where an array is expected")
	}
	switch {
	case count == 0:
		return schemaErr(name, "empty; at least one entry is required")
	case count > 1 && c.ver.atLeast(3, 0):
		return schemaErr(name, "holds "+strconv.FormatUint(count, 10)+" entries; schema "+c.ver.String()+" allows one")
	}
	rest := b[n:]
	for j := 0; j < int(count); j++ {
		m := cose.Skip(rest)
		if m < 0 {
			return fail(pass.CBOR, "DGC "+name+": malformed entry", nil)
		}
		item := rest[:m]
		rest = rest[m:]
		path := entryPath(i, j)
		var err error
		switch i {
		case 0:
			var v Vaccination
			if v, err = c.readVaccination(item, path); err == nil {
				c.v.add(v)
			}
		case 1:
			var t Test
			if t, err = c.readTest(item, path); err == nil {
				c.t.add(t)
			}
		default:
			var r Recovery
			if r, err = readRecovery(item, path); err == nil {
				c.r.add(r)
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (c *cert) readName(b string) error {
	var e cose.Entries[string]
	if !cose.ReadMap(b, &e) {
		return schemaErr("nam", cose.TypeName(b)+" where a map is expected")
	}
	var fnt, gnt bool
	for e.Next() {
		k, ok := e.TextKey()
		if !ok {
			continue
		}
		if isNull(e.Value) {
			continue
		}
		var dst *string
		icao := false
		switch k {
		case "fn":
			dst = &c.name.Family
		case "gn":
			dst = &c.name.Given
		case "fnt":
			dst, icao, fnt = &c.name.FamilyICAO, true, true
		case "gnt":
			dst, icao, gnt = &c.name.GivenICAO, true, true
		default:
			continue
		}
		s, err := text(e.Value, "nam."+k)
		if err != nil {
			return err
		}
		if icao && !isICAO(s) {
			return schemaErr("nam."+k, "not ICAO 9303 transliterated (A-Z and '<' only)")
		}
		*dst = s
	}
	if err := e.Err(); err != nil {
		return err
	}
	switch {
	case c.ver.atLeast(3, 2):
		if !fnt && !gnt {
			return schemaErr("nam", "has neither fnt nor gnt")
		}
	case !fnt:
		return schemaErr("nam.fnt", "missing")
	}
	return nil
}

func (c *cert) readDOB(b string) error {
	s, ok := dateText(b)
	if !ok {
		return schemaErr("dob", cose.TypeName(b)+" where a text string is expected")
	}
	switch {
	case c.ver.minor == 0 && !isDOB(s):
		// (19|20)\d{2}-\d{2}-\d{2}, unanchored: a date-time matches
		// (Bulgaria). The later forms, YYYY and YYYY-MM, are read too: the
		// Netherlands issued them under "1.0.0" (dgc-testdata NL 001-003).
		for i := 0; i+10 <= len(s); i++ {
			if isDOB(s[i : i+10]) {
				c.dob = s[i : i+10]
				return nil
			}
		}
		return schemaErr("dob", "holds no date YYYY-MM-DD in 1900-2099 (schema "+c.ver.String()+")")
	case s == "" && c.ver.atLeast(3, 0):
	case s == "" || !isDOB(s):
		return schemaErr("dob", "not YYYY, YYYY-MM or YYYY-MM-DD in 1900-2099 (schema "+c.ver.String()+")")
	}
	c.dob = s
	return nil
}

// entryFields reads the text fields of an entry map into dst by name, and
// its integer fields; it reports which were present.
type field struct {
	name     string
	dst      *string
	required bool
	date     bool // may be tagged 0 or 1004
	seen     bool
}

func readEntry(b, path string, fields []field, ints []intField) error {
	var e cose.Entries[string]
	if !cose.ReadMap(b, &e) {
		return schemaErr(path, cose.TypeName(b)+" where a map is expected")
	}
next:
	for e.Next() {
		k, ok := e.TextKey()
		if !ok {
			continue
		}
		for i := range fields {
			f := &fields[i]
			if k != f.name {
				continue
			}
			if isNull(e.Value) {
				continue next // null is an absent value (a required one is then missing)
			}
			var s string
			if f.date {
				s, ok = dateText(e.Value)
			} else {
				s, ok = cose.Text(e.Value)
			}
			if !ok {
				return schemaErr(path+"."+k, cose.TypeName(e.Value)+" where a text string is expected")
			}
			*f.dst, f.seen = s, true
			continue next
		}
		for i := range ints {
			f := &ints[i]
			if k != f.name {
				continue
			}
			v, ok := cose.Int(e.Value)
			if !ok {
				return schemaErr(path+"."+k, cose.TypeName(e.Value)+" where an integer is expected")
			}
			*f.dst, f.seen = v, true
			continue next
		}
	}
	if err := e.Err(); err != nil {
		return err
	}
	for _, f := range fields {
		if f.required && !f.seen {
			return schemaErr(path+"."+f.name, "missing")
		}
	}
	for _, f := range ints {
		if !f.seen {
			return schemaErr(path+"."+f.name, "missing")
		}
	}
	return nil
}

type intField struct {
	name string
	dst  *int64
	seen bool
}

func (c *cert) readVaccination(b, path string) (Vaccination, error) {
	var v Vaccination
	var dn, sd int64
	fields := [...]field{
		{name: "tg", dst: &v.Target, required: true}, {name: "vp", dst: &v.Prophylaxis, required: true},
		{name: "mp", dst: &v.Product, required: true}, {name: "ma", dst: &v.Manufacturer, required: true},
		{name: "dt", dst: &v.Date, required: true, date: true}, {name: "co", dst: &v.Country, required: true},
		{name: "is", dst: &v.Issuer, required: true}, {name: "ci", dst: &v.ID, required: true},
	}
	ints := [...]intField{{name: "dn", dst: &dn}, {name: "sd", dst: &sd}}
	if err := readEntry(b, path, fields[:], ints[:]); err != nil {
		return v, err
	}
	var err error
	if v.Dose, err = c.doseNumber(dn, path+".dn"); err != nil {
		return v, err
	}
	if v.Series, err = c.doseNumber(sd, path+".sd"); err != nil {
		return v, err
	}
	if _, err := parseDate(v.Date, path+".dt"); err != nil {
		return v, err
	}
	return v, nil
}

func (c *cert) readTest(b, path string) (Test, error) {
	var t Test
	fields := [...]field{
		{name: "tg", dst: &t.Target, required: true}, {name: "tt", dst: &t.Type, required: true},
		{name: "nm", dst: &t.Name}, {name: "ma", dst: &t.Manufacturer},
		{name: "sc", dst: &t.Sampled, required: true, date: true}, {name: "tr", dst: &t.Result, required: true},
		{name: "tc", dst: &t.Centre, required: !c.ver.atLeast(3, 0)}, {name: "co", dst: &t.Country, required: true},
		{name: "is", dst: &t.Issuer, required: true}, {name: "ci", dst: &t.ID, required: true},
	}
	if err := readEntry(b, path, fields[:], nil); err != nil {
		return t, err
	}
	if _, err := parseDateTime(t.Sampled, path+".sc"); err != nil {
		return t, err
	}
	return t, nil
}

func readRecovery(b, path string) (Recovery, error) {
	var r Recovery
	fields := [...]field{
		{name: "tg", dst: &r.Target, required: true}, {name: "fr", dst: &r.FirstPositive, required: true, date: true},
		{name: "co", dst: &r.Country, required: true}, {name: "is", dst: &r.Issuer, required: true},
		{name: "df", dst: &r.ValidFrom, required: true, date: true}, {name: "du", dst: &r.ValidUntil, required: true, date: true},
		{name: "ci", dst: &r.ID, required: true},
	}
	if err := readEntry(b, path, fields[:], nil); err != nil {
		return r, err
	}
	for _, f := range [...]struct{ s, name string }{{r.FirstPositive, "fr"}, {r.ValidFrom, "df"}, {r.ValidUntil, "du"}} {
		if _, err := parseDate(f.s, path+"."+f.name); err != nil {
			return r, err
		}
	}
	return r, nil
}

// maxDose bounds dose numbers of schema 1.3 and later, which set no
// maximum; earlier schemas allow 1 to 9.
const maxDose = 1 << 20

func (c *cert) doseNumber(n int64, path string) (int, error) {
	if !c.ver.atLeast(3, 0) {
		switch {
		case n < 0:
			return 0, schemaErr(path, "negative")
		case n > 9:
			return 0, schemaErr(path, "more than 9 (schema "+c.ver.String()+")")
		}
		return int(n), nil // 0: unknown
	}
	switch {
	case n < 1:
		return 0, schemaErr(path, "less than 1")
	case n > maxDose:
		return 0, schemaErr(path, "implausibly large")
	}
	return int(n), nil
}

// text reads a text string field.
func text(b, path string) (string, error) {
	s, ok := cose.Text(b)
	if !ok {
		return "", schemaErr(path, cose.TypeName(b)+" where a text string is expected")
	}
	return s, nil
}

// dateText reads a text string holding a date or date-time, optionally
// inside tag 0 (RFC 3339 date-time) or tag 1004 (RFC 8943 full-date),
// which some issuers add (dgc-testdata SE 2 tags sc).
func dateText(b string) (string, bool) {
	return cose.Text(cose.Untag(b, 0, 1004))
}

// isNull reports whether the item b is CBOR null.
func isNull(b string) bool { return len(b) == 1 && b[0] == 0xf6 }

// isDOB matches ^(19|20)\d\d(-\d\d){0,2}$.
func isDOB(s string) bool {
	switch len(s) {
	case 4, 7, 10:
	default:
		return false
	}
	if s[:2] != "19" && s[:2] != "20" {
		return false
	}
	for i := 2; i < len(s); i++ {
		if i == 4 || i == 7 {
			if s[i] != '-' {
				return false
			}
		} else if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isICAO matches ^[A-Z<]*$.
func isICAO(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 'A' || c > 'Z') && c != '<' {
			return false
		}
	}
	return true
}

// parseDate parses a date field: an ISO 8601 full-date, or a date-time
// whose date is taken as written ("2021-03-18T22:54:00+02:00" is
// 2021-03-18; hcert 3.3.7: accept reasonable type conversions).
func parseDate(s, path string) (time.Time, error) {
	if t, ok := fastDate(s); ok {
		return t, nil
	}
	if len(s) > len(time.DateOnly) {
		if _, err := parseDateTimeLoose(s); err != nil {
			return time.Time{}, schemaErr(path, "not a date (YYYY-MM-DD) nor a date-time")
		}
		s = s[:len(time.DateOnly)]
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, schemaErr(path, "not a date (YYYY-MM-DD)")
	}
	return t, nil
}

// fastDate parses a plain YYYY-MM-DD, the common case, without
// time.Parse. It reports false for anything else, which parseDate then
// reads the long way.
func fastDate(s string) (time.Time, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return time.Time{}, false
	}
	var n [3]int
	for i, f := range [3][2]int{{0, 4}, {5, 7}, {8, 10}} {
		for _, c := range []byte(s[f[0]:f[1]]) {
			if c < '0' || c > '9' {
				return time.Time{}, false
			}
			n[i] = n[i]*10 + int(c-'0')
		}
	}
	y, m, d := n[0], time.Month(n[1]), n[2]
	if m < 1 || m > 12 || d < 1 || d > daysIn(m, y) {
		return time.Time{}, false
	}
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC), true
}

func daysIn(m time.Month, y int) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// dateTimeLayouts are the RFC 3339 date-time (JSON schema "date-time") and
// the ISO 8601 basic-offset variant some issuers write ("+0200").
var dateTimeLayouts = [...]string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999Z0700"}

// parseDateTime parses an RFC 3339 date-time.
func parseDateTime(s, path string) (time.Time, error) {
	for _, l := range dateTimeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, schemaErr(path, "not a date-time (RFC 3339)")
}

// parseDateTimeLoose also accepts a date-time without an offset, or with a
// space for the T, as written in dates that only need their date part.
func parseDateTimeLoose(s string) (time.Time, error) {
	if t, err := parseDateTime(s, ""); err == nil {
		return t, nil
	}
	s = strings.Replace(s, " ", "T", 1)
	for _, l := range [...]string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999Z0700", "2006-01-02T15:04:05.999999999", "2006-01-02T15:04"} {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, schemaErr("", "not a date-time")
}

// dgc returns c as a DGC, for tests that re-encode what was read.
func (c *cert) dgc() DGC {
	return DGC{Ver: c.ver.String(), Name: c.name, DOB: c.dob, V: c.v.slice(), T: c.t.slice(), R: c.r.slice()}
}

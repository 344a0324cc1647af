package dcc

import (
	"math"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/verify/cose"
)

// CWT claim keys (RFC 8392) and the hcert claim of the eHealth Network.
const (
	claimIss   = 1
	claimExp   = 4
	claimIat   = 6
	claimHCert = -260
	hcertDGCv1 = 1 // eu_dgc_v1 inside hcert
)

// MaxIss bounds the issuer claim. The hcert specification has a country
// code there, but issuers write longer names (Georgia's dgc-testdata
// vectors carry a 50-byte ministry URL); the bound is for the display, the
// payload bound already protects the kiosk.
const MaxIss = 1024

// maxNumericDate is 9999-12-31T23:59:59Z: later dates are not dates.
const maxNumericDate = 253402300799

// claims are the CWT claims of a verified payload. Its strings are
// substrings of the payload.
type claims struct {
	iss string
	iat time.Time
	exp time.Time
	dgc string // the CBOR map of the certificate
}

// parseClaims decodes the CWT claims of a payload whose signature verified.
// payload holds the same bytes as raw, as a string the pass's text shares.
func parseClaims(raw []byte, payload string) (claims, error) {
	var c claims
	if len(raw) == 0 || raw[0]>>5 != cose.Map {
		return c, fail(pass.COSE, "CWT payload is not a CBOR map", nil)
	}
	if err := cose.WellFormed("CWT claims", raw); err != nil {
		return c, err
	}
	var (
		e                  cose.Entries[string]
		hcert              string
		iatSet, expSet     bool
		issSet, hcertFound bool
	)
	cose.ReadMap(payload, &e)
	for e.Next() {
		k, ok := e.IntKey()
		if !ok {
			continue
		}
		var err error
		switch k {
		case claimIss:
			if c.iss, ok = cose.Text(e.Value); !ok {
				return c, fail(pass.COSE, "CWT claims: issuer claim (iss): "+cose.TypeName(e.Value)+" where text string expected", nil)
			}
			issSet = true
		case claimExp:
			c.exp, err = numericDate(e.Value, "expiry claim (exp)")
			expSet = true
		case claimIat:
			c.iat, err = numericDate(e.Value, "issued-at claim (iat)")
			iatSet = true
		case claimHCert:
			hcert, hcertFound = e.Value, true
		}
		if err != nil {
			return c, err
		}
	}
	if err := e.Err(); err != nil {
		return c, err
	}
	switch {
	case !iatSet:
		return c, fail(pass.COSE, "CWT has no issued-at claim (iat, 6)", nil)
	case !expSet:
		return c, fail(pass.COSE, "CWT has no expiry claim (exp, 4)", nil)
	case !hcertFound:
		return c, fail(pass.COSE, "CWT has no health certificate claim (hcert, -260)", nil)
	case issSet && len(c.iss) > MaxIss:
		return c, fail(pass.COSE, "issuer claim (iss) is over 1 KiB", nil)
	}
	var h cose.Entries[string]
	if !cose.ReadMap(hcert, &h) {
		return c, fail(pass.COSE, "CWT claims: hcert claim: "+cose.TypeName(hcert)+" where map expected", nil)
	}
	found := false
	for h.Next() {
		if k, ok := h.IntKey(); ok && k == hcertDGCv1 {
			c.dgc, found = h.Value, true
		}
	}
	if err := h.Err(); err != nil {
		return c, err
	}
	if !found {
		return c, fail(pass.COSE, "hcert claim holds no EU DGC v1 (key 1)", nil)
	}
	if c.dgc[0]>>5 != cose.Map {
		return c, fail(pass.CBOR, "EU DGC v1 is not a CBOR map", nil)
	}
	return c, nil
}

// numericDate reads an RFC 8392 NumericDate: seconds since the epoch as an
// integer or a floating-point number.
func numericDate(b string, what string) (time.Time, error) {
	if i, ok := cose.Int(b); ok {
		if i < 0 {
			return time.Time{}, fail(pass.COSE, "CWT claims: "+what+": NumericDate is not a non-negative number", nil)
		}
		if i > maxNumericDate {
			return time.Time{}, fail(pass.COSE, "CWT claims: "+what+": NumericDate after the year 9999", nil)
		}
		return time.Unix(i, 0).UTC(), nil
	}
	switch b[0] {
	case 0xf9, 0xfa, 0xfb:
		secs, ok := cose.Float(b)
		if !ok {
			return time.Time{}, fail(pass.CBOR, "CWT claims: "+what+": NaN or an infinity", nil)
		}
		if !(secs >= 0 && secs <= maxNumericDate) {
			return time.Time{}, fail(pass.COSE, "CWT claims: "+what+": NumericDate out of range", nil)
		}
		whole, frac := math.Modf(secs)
		return time.Unix(int64(whole), int64(frac*1e9)).UTC(), nil
	}
	return time.Time{}, fail(pass.COSE, "CWT claims: "+what+": NumericDate is not a non-negative number", nil)
}

package dcc

import (
	"math"
	"strconv"
	"time"

	"github.com/fxamacker/cbor/v2"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// CWT claim keys (RFC 8392) and the hcert claim of the eHealth Network.
const (
	claimIss   = 1
	claimExp   = 4
	claimIat   = 6
	claimHCert = -260
	hcertDGCv1 = 1 // eu_dgc_v1 inside hcert
)

// maxIss bounds the issuer claim, an ISO 3166 country code where present.
const maxIss = 64

// maxNumericDate is 9999-12-31T23:59:59Z: later dates are not dates.
const maxNumericDate = 253402300799

// claims are the CWT claims of a verified payload.
type claims struct {
	iss string
	iat time.Time
	exp time.Time
	dgc []byte // the CBOR map of the certificate
}

type cwtWire struct {
	Iss   *string     `cbor:"1,keyasint"`
	Exp   numericDate `cbor:"4,keyasint"`
	Iat   numericDate `cbor:"6,keyasint"`
	HCert *hcertWire  `cbor:"-260,keyasint"`
}

type hcertWire struct {
	DGC cbor.RawMessage `cbor:"1,keyasint"`
}

// numericDate is an RFC 8392 NumericDate: seconds since the epoch as an
// integer or a floating-point number.
type numericDate struct {
	t   time.Time
	set bool
}

// UnmarshalCBOR implements cbor.Unmarshaler.
func (d *numericDate) UnmarshalCBOR(b []byte) error {
	var secs float64
	switch {
	case len(b) == 0:
		return &claimError{"empty NumericDate"}
	case b[0]>>5 == 0: // unsigned integer
		var u uint64
		if err := decMode.Unmarshal(b, &u); err != nil {
			return err
		}
		if u > maxNumericDate {
			return &claimError{"NumericDate after the year 9999"}
		}
		d.t, d.set = time.Unix(int64(u), 0).UTC(), true
		return nil
	case b[0] == 0xf9 || b[0] == 0xfa || b[0] == 0xfb: // half, single, double
		if err := decMode.Unmarshal(b, &secs); err != nil {
			return err
		}
	default:
		return &claimError{"NumericDate is not a non-negative number"}
	}
	if !(secs >= 0 && secs <= maxNumericDate) { // also false for NaN
		return &claimError{"NumericDate out of range"}
	}
	whole, frac := math.Modf(secs)
	d.t, d.set = time.Unix(int64(whole), int64(frac*1e9)).UTC(), true
	return nil
}

// parseClaims decodes the CWT claims of a payload whose signature verified.
func parseClaims(payload []byte) (*claims, error) {
	if len(payload) == 0 || payload[0]>>5 != 5 {
		return nil, fail(pass.COSE, "CWT payload is not a CBOR map", nil)
	}
	var w cwtWire
	if err := decMode.Unmarshal(payload, &w); err != nil {
		return nil, cborFail("CWT claims", err, pass.COSE)
	}
	switch {
	case !w.Iat.set:
		return nil, fail(pass.COSE, "CWT has no issued-at claim (iat, 6)", nil)
	case !w.Exp.set:
		return nil, fail(pass.COSE, "CWT has no expiry claim (exp, 4)", nil)
	case w.HCert == nil:
		return nil, fail(pass.COSE, "CWT has no health certificate claim (hcert, -260)", nil)
	case w.HCert.DGC == nil:
		return nil, fail(pass.COSE, "hcert claim holds no EU DGC v1 (key 1)", nil)
	}
	if w.HCert.DGC[0]>>5 != 5 {
		return nil, fail(pass.CBOR, "EU DGC v1 is not a CBOR map", nil)
	}
	c := &claims{iat: w.Iat.t, exp: w.Exp.t, dgc: w.HCert.DGC}
	if w.Iss != nil {
		if len(*w.Iss) > maxIss {
			return nil, fail(pass.COSE, "issuer claim (iss) longer than "+strconv.Itoa(maxIss)+" bytes", nil)
		}
		c.iss = *w.Iss
	}
	return c, nil
}

package nzcp

import (
	"encoding/hex"
	"strings"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/verify/cose"
)

// CWT claim keys (RFC 8392) and the credential's claim name.
const (
	claimIss = 1
	claimExp = 4
	claimNbf = 5
	claimCti = 7
	claimVC  = "vc"
)

// Credential values the specification fixes.
const (
	contextVC   = "https://www.w3.org/2018/credentials/v1"
	typeVC      = "VerifiableCredential"
	typePublic  = "PublicCovidPass"
	maxNameLen  = 100
	maxIssuer   = 128
	maxNumeric  = 253402300799 // 9999-12-31T23:59:59Z
	uuidURNPref = "urn:uuid:"
)

// claims are a verified pass's claims. Its strings are substrings of the
// payload.
type claims struct {
	iss      string
	nbf, exp time.Time
	jti      string // "urn:uuid:…"
	given    string
	family   string
	dob      string
}

// issuer reads the iss claim of a payload whose signature is not yet
// checked, only to find the key: nothing else is read before the signature.
func issuer(payload []byte) (string, error) {
	if len(payload) == 0 || payload[0]>>5 != cose.Map {
		return "", pass.Errorf(pass.COSE, "CWT payload is not a CBOR map")
	}
	if err := cose.WellFormed("CWT claims", payload); err != nil {
		return "", err
	}
	var (
		e     cose.Entries[[]byte]
		iss   []byte
		found bool
	)
	cose.ReadMap(payload, &e)
	for e.Next() { // every entry, so that a duplicate claim fails here
		if k, ok := e.IntKey(); ok && k == claimIss {
			if iss, found = cose.Text(e.Value); !found {
				return "", pass.Errorf(pass.COSE, "CWT issuer claim (iss): %s where text string expected", cose.TypeName(e.Value))
			}
		}
	}
	switch err := e.Err(); {
	case err != nil:
		return "", err
	case !found:
		return "", pass.Errorf(pass.COSE, "CWT has no issuer claim (iss, 1)")
	case !validDIDWeb(string(iss)):
		return "", pass.Errorf(pass.COSE, "CWT issuer claim (iss) is not a did:web DID")
	}
	return string(iss), nil
}

// validDIDWeb reports whether s is a did:web DID of at most maxIssuer
// visible ASCII characters, with no fragment.
func validDIDWeb(s string) bool {
	rest, ok := strings.CutPrefix(s, "did:web:")
	if !ok || rest == "" || len(s) > maxIssuer || strings.ContainsAny(s, "#?/ ") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// parseClaims reads the claims of a payload whose signature verified (and
// which issuer found well formed).
func parseClaims(payload string) (*claims, error) {
	c := &claims{}
	var (
		e                      cose.Entries[string]
		vc                     string
		hasNbf, hasExp, hasCti bool
		hasVC                  bool
	)
	cose.ReadMap(payload, &e)
	for e.Next() {
		if k, ok := e.IntKey(); ok {
			var err error
			switch k {
			case claimIss:
				c.iss, _ = cose.Text(e.Value) // checked by issuer
			case claimNbf:
				c.nbf, err = numericDate(e.Value, "not-before claim (nbf)")
				hasNbf = true
			case claimExp:
				c.exp, err = numericDate(e.Value, "expiry claim (exp)")
				hasExp = true
			case claimCti:
				b, ok := cose.String(e.Value, cose.BStr)
				if !ok || len(b) != 16 {
					return nil, pass.Errorf(pass.COSE, "CWT token id (cti) is not 16 bytes (a UUID)")
				}
				c.jti = uuidURN(b)
				hasCti = true
			}
			if err != nil {
				return nil, err
			}
			continue
		}
		if k, ok := e.TextKey(); ok && k == claimVC {
			vc, hasVC = e.Value, true
		}
	}
	if err := e.Err(); err != nil {
		return nil, err
	}
	switch {
	case !hasNbf:
		return nil, pass.Errorf(pass.COSE, "CWT has no not-before claim (nbf, 5)")
	case !hasExp:
		return nil, pass.Errorf(pass.COSE, "CWT has no expiry claim (exp, 4)")
	case !hasCti:
		return nil, pass.Errorf(pass.COSE, "CWT has no token id (cti, 7)")
	case !hasVC:
		return nil, pass.Errorf(pass.COSE, "CWT has no verifiable credential claim (vc)")
	}
	if err := c.readVC(vc); err != nil {
		return nil, err
	}
	return c, nil
}

func numericDate(b, what string) (time.Time, error) {
	if i, ok := cose.Int(b); ok {
		if i < 0 || i > maxNumeric {
			return time.Time{}, pass.Errorf(pass.COSE, "CWT %s is not a time between 1970 and 9999", what)
		}
		return time.Unix(i, 0).UTC(), nil
	}
	if f, ok := cose.Float(b); ok && f >= 0 && f <= maxNumeric {
		return time.Unix(int64(f), 0).UTC(), nil
	}
	return time.Time{}, pass.Errorf(pass.COSE, "CWT %s is not a NumericDate", what)
}

// uuidURN spells a 16-byte UUID as RFC 4122's URN, in lower case.
func uuidURN(b string) string {
	h := hex.EncodeToString([]byte(b))
	return uuidURNPref + h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func schemaErr(path, problem string) error {
	return pass.Errorf(pass.Schema, "vc.%s: %s", path, problem)
}

// readVC reads the verifiable credential: its context, version, types and
// the PublicCovidPass subject.
func (c *claims) readVC(b string) error {
	var e cose.Entries[string]
	if !cose.ReadMap(b, &e) {
		return schemaErr("", cose.TypeName(b)+" where a map is expected")
	}
	var ctx, version, types, subject string
	for e.Next() {
		k, ok := e.TextKey()
		if !ok {
			continue
		}
		switch k {
		case "@context":
			ctx = e.Value
		case "version":
			version = e.Value
		case "type":
			types = e.Value
		case "credentialSubject":
			subject = e.Value
		}
	}
	if err := e.Err(); err != nil {
		return err
	}
	first, n, err := textArray(ctx, "@context")
	if err != nil {
		return err
	}
	if n == 0 || first[0] != contextVC {
		return schemaErr("@context", "does not start with "+contextVC)
	}
	v, ok := cose.Text(version)
	if !ok {
		return schemaErr("version", "missing, or not a text string")
	}
	if major, _, _ := strings.Cut(v, "."); major != "1" || strings.Count(v, ".") != 2 {
		return pass.Errorf(pass.UnsupportedFormat, "credential version %q; this kiosk reads 1.x.x", v)
	}
	ts, n, err := textArray(types, "type")
	if err != nil {
		return err
	}
	if n != 2 || ts[0] != typeVC {
		return schemaErr("type", "is not [VerifiableCredential, <pass type>]")
	}
	if ts[1] != typePublic {
		return pass.Errorf(pass.UnsupportedFormat, "pass type %q; this kiosk reads %s", ts[1], typePublic)
	}
	return c.readSubject(subject)
}

// textArray reads an array of text strings, returning its first two.
func textArray(b, path string) ([2]string, int, error) {
	var out [2]string
	major, n, h, ok := cose.Head(b)
	if b == "" || !ok || major != cose.Array {
		return out, 0, schemaErr(path, "missing, or not an array")
	}
	rest := b[h:]
	for i := range int(n) {
		m := cose.Skip(rest)
		if m < 0 {
			return out, 0, pass.Errorf(pass.CBOR, "vc.%s: malformed", path)
		}
		s, ok := cose.Text(rest[:m])
		if !ok {
			return out, 0, schemaErr(path, "holds something other than text")
		}
		if i < len(out) {
			out[i] = s
		}
		rest = rest[m:]
	}
	return out, int(n), nil
}

func (c *claims) readSubject(b string) error {
	var e cose.Entries[string]
	if b == "" || !cose.ReadMap(b, &e) {
		return schemaErr("credentialSubject", "missing, or not a map")
	}
	var hasGiven, hasDOB bool
	for e.Next() {
		k, ok := e.TextKey()
		if !ok {
			continue
		}
		var dst *string
		switch k {
		case "givenName":
			dst, hasGiven = &c.given, true
		case "familyName":
			dst = &c.family
		case "dob":
			dst, hasDOB = &c.dob, true
		default:
			continue
		}
		s, ok := cose.Text(e.Value)
		if !ok {
			return schemaErr("credentialSubject."+k, cose.TypeName(e.Value)+" where a text string is expected")
		}
		*dst = s
	}
	if err := e.Err(); err != nil {
		return err
	}
	switch {
	case !hasGiven || c.given == "":
		return schemaErr("credentialSubject.givenName", "missing")
	case len([]rune(c.given)) > maxNameLen || len([]rune(c.family)) > maxNameLen:
		return schemaErr("credentialSubject", "a name longer than 100 characters")
	case !hasDOB:
		return schemaErr("credentialSubject.dob", "missing")
	}
	if _, err := time.Parse(time.DateOnly, c.dob); err != nil {
		return schemaErr("credentialSubject.dob", "not a date (YYYY-MM-DD)")
	}
	return nil
}

// pass is the format-neutral pass of verified claims: authentic, with no
// statement of vaccination, test or recovery (see the package comment).
func (c *claims) pass(kid string, key *pass.Key) *pass.Pass {
	name := c.given
	if c.family != "" {
		name = c.family + ", " + c.given
	}
	return &pass.Pass{
		Format:    Name,
		KID:       kid,
		Key:       key,
		Issuer:    c.iss,
		NotBefore: c.nbf,
		Expires:   c.exp,
		Holder:    pass.Holder{Name: name, DOB: c.dob},
		ID:        pass.NewID(Name, c.jti),
	}
}

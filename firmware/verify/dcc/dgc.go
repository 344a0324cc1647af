package dcc

// DGC is an EU Digital Green Certificate (eu_dgc_v1), the payload of the
// hcert claim, with the field names of the dgc-schema. Exactly one of V, T
// and R holds exactly one entry.
//
// Dates are ISO 8601 strings exactly as the schema has them ("2021-05-29";
// sample collection "2021-05-30T10:12:22Z"), so that what Sign issues is what
// an issuer would issue.
type DGC struct {
	Ver  string        `cbor:"ver"` // schema version, e.g. "1.3.0"
	Name PersonName    `cbor:"nam"`
	DOB  string        `cbor:"dob"` // "", YYYY, YYYY-MM or YYYY-MM-DD
	V    []Vaccination `cbor:"v,omitempty"`
	T    []Test        `cbor:"t,omitempty"`
	R    []Recovery    `cbor:"r,omitempty"`
}

// PersonName is the holder's name: as printed (FN, GN) and transliterated per
// ICAO 9303 (FNT, GNT: A-Z and '<' only). FNT is required.
type PersonName struct {
	Family     string `cbor:"fn,omitempty"`
	FamilyICAO string `cbor:"fnt"`
	Given      string `cbor:"gn,omitempty"`
	GivenICAO  string `cbor:"gnt,omitempty"`
}

// Vaccination is one vaccination entry ("v").
type Vaccination struct {
	Target       string `cbor:"tg"` // disease targeted, SNOMED CT 840539006 for COVID-19
	Prophylaxis  string `cbor:"vp"` // vaccine type, e.g. "1119349007"
	Product      string `cbor:"mp"` // medicinal product, e.g. "EU/1/20/1528"
	Manufacturer string `cbor:"ma"` // marketing authorisation holder, e.g. "ORG-100030215"
	Dose         int    `cbor:"dn"` // dose number, >= 1
	Series       int    `cbor:"sd"` // doses in the series, >= 1
	Date         string `cbor:"dt"` // YYYY-MM-DD
	Country      string `cbor:"co"`
	Issuer       string `cbor:"is"`
	ID           string `cbor:"ci"` // the UVCI
}

// Test is one test entry ("t").
type Test struct {
	Target       string `cbor:"tg"`
	Type         string `cbor:"tt"`           // LOINC: LP6464-4 NAAT, LP217198-3 rapid antigen
	Name         string `cbor:"nm,omitempty"` // NAAT test name
	Manufacturer string `cbor:"ma,omitempty"` // RAT device identifier
	Sampled      string `cbor:"sc"`           // RFC 3339 date-time
	Result       string `cbor:"tr"`           // SNOMED CT: 260415000 not detected, 260373001 detected
	Centre       string `cbor:"tc,omitempty"`
	Country      string `cbor:"co"`
	Issuer       string `cbor:"is"`
	ID           string `cbor:"ci"`
}

// Recovery is one recovery entry ("r").
type Recovery struct {
	Target        string `cbor:"tg"`
	FirstPositive string `cbor:"fr"` // YYYY-MM-DD
	Country       string `cbor:"co"`
	Issuer        string `cbor:"is"`
	ValidFrom     string `cbor:"df"` // YYYY-MM-DD
	ValidUntil    string `cbor:"du"` // YYYY-MM-DD
	ID            string `cbor:"ci"`
}

// Value-set codes the verifier interprets.
const (
	TargetCOVID19  = "840539006"  // SNOMED CT: COVID-19
	TestNAAT       = "LP6464-4"   // LOINC: nucleic acid amplification
	TestRAT        = "LP217198-3" // LOINC: rapid immunoassay (antigen)
	ResultNegative = "260415000"  // SNOMED CT: not detected
	ResultPositive = "260373001"  // SNOMED CT: detected
)

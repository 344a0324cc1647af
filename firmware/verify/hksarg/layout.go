package hksarg

// role says what one field of a record holds.
type role uint8

const (
	rolePrefix          role = iota + 1 // "HKSARG"
	roleType                            // "VAC", "MEC", "EVT"
	roleVersion                         // QR code version: "2", "3", "4", "3.00"
	roleKeyVersion                      // issuer key version; "-" when the issuer set none
	roleRef                             // reference (transaction) number
	roleDocType                         // EVT: identity document type
	roleDoc                             // masked identity document number
	roleName                            // masked English name
	roleDoseDate                        // dd-MM-yyyy of the dose in slot
	roleDoseVaccine                     // vaccine name (EN) or code of the dose in slot
	roleDoseVaccineZh                   // vaccine name (Chinese) of the dose in slot
	roleDoseDateVaccine                 // "dd-MM-yyyy,name" of the dose in slot
	roleRecovered                       // "001" marks a recovered person; slot > 0: printed only beside that dose
	roleExempt                          // "002" marks a medical exemption record
	roleValidUntil                      // dd-MM-yyyy, last day of an exemption
	roleDOB                             // dd-MM-yyyy date of birth; optional
	roleDOBMaxDose                      // "dd-MM-yyyy,N": date of birth and the highest dose sequence
	roleReserved                        // always empty
	rolePrinted                         // dd-MM-yyyy HH:mm, Hong Kong time, when the record was generated
	roleCollected                       // EVT: specimen collection time
	roleSpecimen                        // EVT: specimen type
	rolePlatform                        // EVT: testing platform
	roleResult                          // EVT: test result
	roleReported                        // EVT: report time
	roleDownloaded                      // EVT: download time
	roleSignature                       // base64 DER ECDSA P-256 SHA-256 signature
)

var roleNames = [...]string{
	rolePrefix: "prefix", roleType: "record type", roleVersion: "QR code version",
	roleKeyVersion: "key version", roleRef: "reference number", roleDocType: "document type",
	roleDoc: "document number", roleName: "name", roleDoseDate: "dose date",
	roleDoseVaccine: "vaccine", roleDoseVaccineZh: "vaccine (Chinese)",
	roleDoseDateVaccine: "dose date and vaccine", roleRecovered: "recovery indicator",
	roleExempt: "exemption indicator", roleValidUntil: "valid until",
	roleDOB: "date of birth", roleDOBMaxDose: "date of birth and dose count",
	roleReserved: "reserved field", rolePrinted: "print time",
	roleCollected: "specimen collection time", roleSpecimen: "specimen type",
	rolePlatform: "testing platform", roleResult: "test result", roleReported: "report time",
	roleDownloaded: "download time", roleSignature: "signature",
}

func (r role) String() string {
	if int(r) < len(roleNames) && roleNames[r] != "" {
		return roleNames[r]
	}
	return "field"
}

// field is one position of a layout.
type field struct {
	role role
	// slot is the dose slot of dose fields and of per-dose recovery
	// markers. Its meaning depends on the layout's scheme.
	slot int
	// absent is what the issuer prints for a missing value. Decoding
	// accepts any of "", "-" and "NA" as absent; signing prints this.
	absent string
	// na: for a recovered holder the issuer prints "NA" here when this
	// dose is missing but an earlier one is present.
	na bool
}

// scheme says how a layout's dose slots map to dose sequence numbers.
type scheme uint8

const (
	noDoses scheme = iota
	// bySeq: slot n holds dose n (version 2: first and second dose).
	bySeq
	// lastThree: slot 1 is the last dose, 2 the second last, 3 the third
	// last, placed by the issuer's dose-sequence rules (v3Slots).
	lastThree
	// byOrder: the last three doses by order, newest in slot 1; the
	// record states the highest dose sequence separately.
	byOrder
)

// layout is the field layout of one record type and QR code major version.
type layout struct {
	typ    string
	major  int
	doses  scheme
	fields []field
}

// Shorthands for the table.
func f(r role) field                        { return field{role: r} }
func dose(r role, slot int, a string) field { return field{role: r, slot: slot, absent: a} }

// layouts is the table the parser and Sign both read. A layout correction
// is a change here, not new code. Sources: the eHealth System (Subsidies)
// record generator QrCodeFormatter.vb as published (versions of 2021-05,
// 2021-09, 2021-11, 2022-02 and 2022-04) and the open-source verifier
// codogob/back-home-safe (version → key mapping, EVT layouts).
var layouts = []layout{
	{typ: "VAC", major: 2, doses: bySeq, fields: []field{
		f(rolePrefix), f(roleType), f(roleVersion), f(roleKeyVersion), f(roleRef), f(roleDoc), f(roleName),
		dose(roleDoseDate, 1, "-"), dose(roleDoseVaccine, 1, ""), dose(roleDoseVaccineZh, 1, "-"), dose(roleRecovered, 1, ""), f(roleReserved),
		{role: roleDoseDate, slot: 2, absent: "-", na: true}, dose(roleDoseVaccine, 2, ""), dose(roleDoseVaccineZh, 2, "-"), dose(roleRecovered, 2, ""), f(roleReserved),
		f(rolePrinted), f(roleSignature),
	}},
	{typ: "VAC", major: 3, doses: lastThree, fields: []field{
		f(rolePrefix), f(roleType), f(roleVersion), f(roleKeyVersion), f(roleRef), f(roleDoc), f(roleName),
		dose(roleDoseDate, 2, "-"), dose(roleDoseVaccine, 2, ""), dose(roleDoseVaccineZh, 2, "-"), dose(roleRecovered, 2, ""),
		dose(roleDoseDateVaccine, 3, ""),
		{role: roleDoseDate, slot: 1, absent: "-", na: true}, dose(roleDoseVaccine, 1, ""), dose(roleDoseVaccineZh, 1, "-"), dose(roleRecovered, 1, ""),
		dose(roleDoseVaccineZh, 3, ""),
		f(rolePrinted), f(roleSignature),
	}},
	{typ: "VAC", major: 4, doses: byOrder, fields: []field{
		f(rolePrefix), f(roleType), f(roleVersion), f(roleKeyVersion), f(roleRef), f(roleDoc), f(roleName),
		dose(roleDoseDate, 2, ""), dose(roleDoseVaccine, 2, ""), f(roleReserved), f(roleRecovered),
		dose(roleDoseDateVaccine, 3, ""),
		dose(roleDoseDate, 1, ""), dose(roleDoseVaccine, 1, ""), f(roleReserved),
		f(roleDOBMaxDose), f(roleReserved),
		f(rolePrinted), f(roleSignature),
	}},
	// The exemption record reuses the vaccination positions; its version
	// number is not public (see doc.go): 1 is assumed.
	{typ: "MEC", major: 1, doses: noDoses, fields: []field{
		f(rolePrefix), f(roleType), f(roleVersion), f(roleKeyVersion), f(roleRef), f(roleDoc), f(roleName),
		f(roleReserved), f(roleReserved), f(roleReserved), f(roleExempt), f(roleValidUntil),
		f(roleReserved), f(roleReserved), f(roleReserved), f(roleReserved),
		f(roleDOB), f(roleReserved),
		f(rolePrinted), f(roleSignature),
	}},
	{typ: "EVT", major: 1, doses: noDoses, fields: []field{
		f(rolePrefix), f(roleType), f(roleVersion), f(roleRef), f(roleDocType), f(roleDoc),
		f(roleCollected), f(roleSpecimen), f(rolePlatform), f(roleResult), f(roleReported),
		f(roleSignature),
	}},
	{typ: "EVT", major: 1, doses: noDoses, fields: []field{
		f(rolePrefix), f(roleType), f(roleVersion), f(roleRef), f(roleDocType), f(roleDoc),
		f(roleCollected), f(roleSpecimen), f(rolePlatform), f(roleResult), f(roleReported),
		f(roleDownloaded), f(roleSignature),
	}},
}

// v3Slots is the issuer's placement of doses in version 3 records
// (CRE20-023-59): for each set of dose sequences present, which sequence
// sits in slot 1 (last), 2 (second last) and 3 (third last); 0 = empty.
// Decoding inverts it; where two sets give the same slots (a lone last
// dose is the 2nd or the 3rd; last and second last are 1+2 or 2+3) the
// smaller sequences are taken: a lower bound, never more doses than the
// record proves.
var v3Slots = []v3Entry{
	{[]int{1}, [4]int{0, 0, 1, 0}},
	{[]int{2}, [4]int{0, 2, 0, 0}},
	{[]int{3}, [4]int{0, 3, 0, 0}},
	{[]int{1, 2}, [4]int{0, 2, 1, 0}},
	{[]int{2, 3}, [4]int{0, 3, 2, 0}},
	{[]int{1, 3}, [4]int{0, 3, 0, 1}},
	{[]int{1, 2, 3}, [4]int{0, 3, 2, 1}},
}

type v3Entry struct {
	seqs  []int
	slots [4]int // index 1..3
}

// testTypes maps EVT testing platform values to pass test types. The
// values the issuer prints are not public; anything else is passed on as
// issued, which the default policy does not accept.
var testTypes = map[string]string{
	"PCR": "naat", "RT-PCR": "naat", "NAAT": "naat", "NUCLEIC ACID TEST": "naat",
	"RAT": "rat", "RAPID ANTIGEN TEST": "rat", "ANTIGEN": "rat",
}

// negativeResults lists EVT result values read as negative (compared
// case-insensitively); every other value is not negative.
var negativeResults = []string{"NEGATIVE", "陰性"}

// maxFields bounds the field count before the payload is split.
const maxFields = 32

// lookup returns the layout of typ and major version with n fields. known
// reports whether typ and major have any layout at all.
func lookup(typ string, major, n int) (l *layout, known bool) {
	for i := range layouts {
		if layouts[i].typ != typ || layouts[i].major != major {
			continue
		}
		known = true
		if len(layouts[i].fields) == n {
			return &layouts[i], true
		}
	}
	return nil, known
}

// index returns the position of the first field with role r, or -1.
func (l *layout) index(r role) int {
	for i, fl := range l.fields {
		if fl.role == r {
			return i
		}
	}
	return -1
}

package pass

// Naming is how a pass format names its passes and keys, for the parts of
// the kiosk that name them without reading a pass: revocation and code lists
// (sync/publish, vkpublish id), trust inputs (firmware/trust) and the
// samples. Each format package exports its own; firmware/verify.Formats
// lists the formats, so that adding a format is its package and one line
// there.
type Naming struct {
	// Name is the format's short name in verdicts, pass IDs, keys and
	// trust input declarations: "dcc".
	Name string
	// Title names the format for people: "EU Digital COVID Certificate".
	Title string
	// Prefix starts every payload of the format: "HC1:".
	Prefix string
	// Identifier says how an operator writes the identifier PassID takes:
	// "the certificate identifier (UVCI), with or without URN:UVCI:".
	Identifier string
	// PassID returns the ID of the pass named by identifier, exactly as
	// the format's decoder computes it, or an error for an identifier the
	// format never gives a pass.
	PassID func(identifier string) (ID, error)
	// KIDPrefix starts every key id of the format and of no other
	// ("HKSARG:"); "" when the format reserves none.
	KIDPrefix string
	// KeyIssuer is the issuer every key of the format has ("HK"); "" when
	// each key names its own issuer, or none.
	KeyIssuer string
	// CheckKey checks a key read from a trust input for the format: the
	// syntax of its kid, its issuer, its public key.
	CheckKey func(k *Key) error
	// CertKey returns the key of an X.509 signer certificate (DER), for a
	// format whose keys come as certificates; nil for the others.
	CertKey func(der []byte) (*Key, error)
	// Inputs are the kinds of trust input that hold this format's keys
	// when the input names no format; Declared are the kinds that hold them
	// only when the input is declared for the format.
	Inputs, Declared []Input
}

// Input is a kind of trust input: a document an operator receives that
// holds issuer keys. firmware/trust reads each.
type Input string

// Kinds of trust input.
const (
	InputPEM  Input = "pem"  // a PEM bundle of X.509 signer certificates
	InputDGCG Input = "dgcg" // the EU DCC gateway's trust list (JSON; DSC entries)
	InputJWKS Input = "jwks" // a JSON Web Key Set (RFC 7517)
	InputVCI  Input = "vci"  // a VCI issuer directory snapshot (issuers with iss and keys)
	InputDID  Input = "did"  // a DID document (what a did:web resolves to)
	InputList Input = "list" // the repository's trust list (trust.json): each key names its format
)

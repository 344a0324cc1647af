package pass

import (
	"errors"
	"fmt"
)

// Code is a stable machine-readable reason. Tests, the display and the
// JSON interface of `kioskctl verify` depend on these exact strings.
type Code string

// Reason codes.
const (
	Prefix            Code = "prefix"             // the payload has no known prefix, or a malformed one
	UnsupportedFormat Code = "unsupported_format" // a known family, but a variant this kiosk does not read
	Base45            Code = "base45"             // Base45 (RFC 9285) text did not decode
	Encoding          Code = "encoding"           // another text-to-binary encoding (base64url, base32, QR numeric) did not decode
	Decompress        Code = "decompress"         // zlib / DEFLATE failed or exceeded its bound
	CBOR              Code = "cbor"               // structure did not decode
	COSE              Code = "cose"               // signature envelope malformed
	Schema            Code = "schema"             // payload does not match the format's schema
	UnknownKey        Code = "unknown_key"        // no trusted key for the key identifier
	Signature         Code = "signature"          // signature does not verify
	KeyUsage          Code = "key_usage"          // the signer may not sign this kind of statement
	Expired           Code = "expired"            // past the pass's expiry
	NotYetValid       Code = "not_yet_valid"      // before the pass's issue or validity start
	TooLarge          Code = "too_large"          // a bound on size, depth or count was exceeded
	Revoked           Code = "revoked"            // the pass is on the revocation list
	RedCode           Code = "red_code"           // the pass is on the red code list
	AmberCode         Code = "amber_code"         // the pass is on the amber code list
	Policy            Code = "policy"             // authentic, but the entry policy is not met
	StaleData         Code = "stale_data"         // revocation / code data older than the policy allows
	Exposure          Code = "exposure"           // holder was at this venue during an exposure window
	Internal          Code = "internal"           // the kiosk itself failed (store error); never a pass fault
)

// Error is a verification failure with a stable Code.
type Error struct {
	Code   Code
	Detail string
	Err    error // optional cause
}

func (e *Error) Error() string {
	if e.Detail == "" {
		return string(e.Code)
	}
	return string(e.Code) + ": " + e.Detail
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with code and a formatted detail.
func Errorf(code Code, format string, args ...any) *Error {
	err := fmt.Errorf(format, args...)
	return &Error{Code: code, Detail: err.Error(), Err: errors.Unwrap(err)}
}

// CodeOf returns the Code of the first *Error in err's chain, or Internal.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

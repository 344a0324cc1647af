package dcc

import (
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/fxamacker/cbor/v2"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// fail returns a *pass.Error. detail must not quote personal data.
func fail(code pass.Code, detail string, cause error) *pass.Error {
	return &pass.Error{Code: code, Detail: detail, Err: cause}
}

// cborFail classifies a decoding error of the CBOR item what: bounds
// exceeded are too_large, items of the wrong type get typeCode (cose for the
// envelope, schema for the certificate), and everything else - malformed
// CBOR, duplicate map keys, indefinite lengths, trailing bytes - is cbor.
//
// The detail is built from the error's kind and never from the input:
// fxamacker's messages for duplicate keys quote the key.
func cborFail(what string, err error, typeCode pass.Code) *pass.Error {
	var (
		depth   *cbor.MaxNestedLevelError
		arr     *cbor.MaxArrayElementsError
		pairs   *cbor.MaxMapPairsError
		typ     *cbor.UnmarshalTypeError
		dup     *cbor.DupMapKeyError
		indef   *cbor.IndefiniteLengthError
		extra   *cbor.ExtraneousDataError
		syntax  *cbor.SyntaxError
		sem     *cbor.SemanticError
		content *cbor.InadmissibleTagContentTypeError
		unacc   *cbor.UnacceptableDataItemError
		dateErr *claimError
	)
	switch {
	case errors.As(err, &dateErr):
		return fail(pass.COSE, what+": "+dateErr.msg, err)
	case errors.As(err, &depth):
		return fail(pass.TooLarge, what+": nested deeper than "+strconv.Itoa(maxDepth)+" levels", err)
	case errors.As(err, &arr):
		return fail(pass.TooLarge, what+": an array longer than "+strconv.Itoa(maxArray)+" elements", err)
	case errors.As(err, &pairs):
		return fail(pass.TooLarge, what+": a map with more than "+strconv.Itoa(maxPairs)+" entries", err)
	case errors.As(err, &typ):
		return fail(typeCode, what+": "+describeType(typ), err)
	case errors.As(err, &dup):
		return fail(pass.CBOR, what+": duplicate map key", err)
	case errors.As(err, &indef):
		return fail(pass.CBOR, what+": indefinite-length item", err)
	case errors.As(err, &extra):
		return fail(pass.CBOR, what+": trailing bytes after the item", err)
	case errors.As(err, &syntax), errors.As(err, &sem), errors.As(err, &content):
		return fail(pass.CBOR, what+": "+strings.TrimPrefix(err.Error(), "cbor: "), err)
	case errors.As(err, &unacc):
		return fail(pass.CBOR, what+": "+unacc.Message+" not accepted", err)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return fail(pass.CBOR, what+": truncated", err)
	}
	return fail(pass.CBOR, what+": malformed CBOR", err)
}

// describeType names the field and the types of an UnmarshalTypeError
// without the value.
func describeType(e *cbor.UnmarshalTypeError) string {
	field := e.StructFieldName
	if i := strings.LastIndexByte(field, '.'); i >= 0 {
		field = field[i+1:]
	}
	want := e.GoType
	if i := strings.LastIndexByte(want, '.'); i >= 0 {
		want = want[i+1:]
	}
	switch {
	case want == "sign1Wire":
		if e.CBORType == "array" {
			return "array of the wrong length (want 4 elements)"
		}
		want = "COSE_Sign1 array"
	case e.GoType == "[]uint8":
		want = "byte string"
	case strings.HasPrefix(e.GoType, "[]"), strings.HasPrefix(e.GoType, "*[]"):
		want = "array"
	case strings.HasSuffix(want, "Wire"), want == "header":
		want = "map"
	case strings.Contains(want, "int"):
		want = "integer"
	}
	s := e.CBORType + " where " + want + " expected"
	if field != "" {
		s = "field " + field + ": " + s
	}
	return s
}

// claimError is a bad CWT claim value, reported by a cbor.Unmarshaler.
type claimError struct{ msg string }

func (e *claimError) Error() string { return e.msg }

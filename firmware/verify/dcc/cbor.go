package dcc

import "github.com/fxamacker/cbor/v2"

// Bounds on every CBOR item this package decodes. A DCC nests five levels
// deep (COSE array, claims map, hcert map, certificate map, entry array,
// entry map) and no map in it has more than a dozen entries.
const (
	maxDepth = 16
	maxArray = 64
	maxPairs = 64
)

// decMode decodes every CBOR item of a DCC: bounded depth and sizes,
// duplicate map keys and indefinite lengths rejected, map keys matched to
// struct fields case-sensitively, text strings valid UTF-8.
var decMode = mustDecMode(cbor.DecOptions{
	DupMapKey:         cbor.DupMapKeyEnforcedAPF,
	IndefLength:       cbor.IndefLengthForbidden,
	MaxNestedLevels:   maxDepth,
	MaxArrayElements:  maxArray,
	MaxMapPairs:       maxPairs,
	TagsMd:            cbor.TagsAllowed,
	UTF8:              cbor.UTF8RejectInvalid,
	FieldNameMatching: cbor.FieldNameMatchingCaseSensitive,
	NaN:               cbor.NaNDecodeForbidden,
	Inf:               cbor.InfDecodeForbidden,
})

// encMode encodes what Sign issues: core deterministic encoding (RFC 8949
// section 4.2.1), so equal certificates encode to equal bytes.
var encMode = mustEncMode(cbor.CoreDetEncOptions())

func mustDecMode(o cbor.DecOptions) cbor.DecMode {
	dm, err := o.DecMode()
	if err != nil {
		panic("dcc: CBOR decoding options: " + err.Error())
	}
	return dm
}

func mustEncMode(o cbor.EncOptions) cbor.EncMode {
	em, err := o.EncMode()
	if err != nil {
		panic("dcc: CBOR encoding options: " + err.Error())
	}
	return em
}

package trust

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/internal/bounded"
)

// MaxFile bounds a trust input file: a gateway trust list of every DSC is a
// few megabytes.
const MaxFile = 16 << 20

// MaxKeys bounds the keys of one trust input.
const MaxKeys = 1 << 16

// Input is one trust input: a file and the pass format it is declared for
// ("" when it is not: the formats then say whose keys its kind holds).
type Input struct {
	Path   string
	Format string
}

// ParseArg reads a trust input as given on a command line: FILE, or
// FORMAT:FILE with FORMAT the name of one of formats ("hksarg:hk.jwks").
func ParseArg(arg string, formats []*pass.Naming) Input {
	if name, path, ok := strings.Cut(arg, ":"); ok && name != "" && path != "" {
		for _, n := range formats {
			if n.Name == name {
				return Input{Path: path, Format: name}
			}
		}
	}
	return Input{Path: arg}
}

func (in Input) String() string {
	if in.Format == "" {
		return in.Path
	}
	return in.Format + ":" + in.Path
}

// Load reads a trust input and returns its keys, each bound to its format
// (see Bind). formats are the pass formats the kiosk reads
// (firmware/verify.Namings).
func Load(in Input, formats []*pass.Naming) ([]*pass.Key, error) {
	data, err := bounded.ReadFile(in.Path, MaxFile)
	if err != nil {
		return nil, err
	}
	keys, err := Parse(data, in.Format, formats)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", in.Path, err)
	}
	return keys, nil
}

// Parse reads trust input data declared for format ("" for none) and
// returns its keys, bound to their formats.
func Parse(data []byte, format string, formats []*pass.Naming) ([]*pass.Key, error) {
	kind, err := Sniff(data)
	if err != nil {
		return nil, err
	}
	if kind == pass.InputList {
		keys, err := ParseList(data)
		if err != nil {
			return nil, err
		}
		if len(keys) > MaxKeys {
			return nil, fmt.Errorf("%d keys; at most %d", len(keys), MaxKeys)
		}
		for i, k := range keys {
			if format != "" && k.Format != format {
				return nil, fmt.Errorf("trust list key %d (kid %q) is a %s key; this input is declared for %s", i, k.KID, k.Format, format)
			}
			n := naming(k.Format, formats)
			if n == nil {
				return nil, fmt.Errorf("trust list key %d (kid %q): format %q is not one this kiosk reads (%s)", i, k.KID, k.Format, names(formats))
			}
			if err := Bind(k, n, formats); err != nil {
				return nil, fmt.Errorf("trust list key %d: %w", i, err)
			}
		}
		return keys, nil
	}
	n, err := formatFor(kind, format, formats)
	if err != nil {
		return nil, err
	}
	var keys []*pass.Key
	switch kind {
	case pass.InputPEM:
		keys, err = parsePEM(data, n)
	case pass.InputDGCG:
		keys, err = parseDGCG(data, n)
	case pass.InputJWKS:
		keys, err = parseJWKS(data)
	case pass.InputVCI:
		keys, err = parseVCI(data)
	case pass.InputDID:
		keys, err = parseDID(data)
	}
	if err != nil {
		return nil, err
	}
	if len(keys) > MaxKeys {
		return nil, fmt.Errorf("%d keys; at most %d", len(keys), MaxKeys)
	}
	for i, k := range keys {
		if err := Bind(k, n, formats); err != nil {
			return nil, fmt.Errorf("%s key %d: %w", kind, i, err)
		}
	}
	return keys, nil
}

// formatFor returns the format an input of kind holds keys for: the one it
// is declared for, which must take that kind, or else the one format that
// takes that kind undeclared.
func formatFor(kind pass.Input, declared string, formats []*pass.Naming) (*pass.Naming, error) {
	if declared != "" {
		n := naming(declared, formats)
		if n == nil {
			return nil, fmt.Errorf("format %q is not one this kiosk reads (%s)", declared, names(formats))
		}
		if !slices.Contains(n.Inputs, kind) && !slices.Contains(n.Declared, kind) {
			return nil, fmt.Errorf("a %s input cannot hold %s keys (%s keys come from %s)", describe(kind), n.Title, n.Title, inputsOf(n))
		}
		return n, nil
	}
	var found []*pass.Naming
	for _, n := range formats {
		if slices.Contains(n.Inputs, kind) {
			found = append(found, n)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		var could []string
		for _, n := range formats {
			if slices.Contains(n.Declared, kind) {
				could = append(could, n.Name)
			}
		}
		if len(could) > 0 {
			return nil, fmt.Errorf("a %s input must be declared for its format: FORMAT:FILE with FORMAT %s", describe(kind), strings.Join(could, " or "))
		}
		return nil, fmt.Errorf("no format of this kiosk takes keys from a %s input", describe(kind))
	}
	var ns []string
	for _, n := range found {
		ns = append(ns, n.Name)
	}
	return nil, fmt.Errorf("a %s input may hold keys of %s: declare it, FORMAT:FILE", describe(kind), strings.Join(ns, " or "))
}

// Bind makes k, read from an input for format n, a key of n, refusing
// conflicts: a kid named like another format's keys, or an issuer where n's
// keys have a fixed one (a key that names its own issuer, such as a SMART
// Health Card issuer's JWK with "iss", is never a Hong Kong key). Then n
// checks the key itself.
func Bind(k *pass.Key, n *pass.Naming, formats []*pass.Naming) error {
	for _, o := range formats {
		if o.Name != n.Name && o.KIDPrefix != "" && strings.HasPrefix(k.KID, o.KIDPrefix) {
			return fmt.Errorf("kid %q is named as a %s key (%s…), but this input holds %s keys: refused; give %s keys in an input declared for %s (%s:FILE)",
				k.KID, o.Title, o.KIDPrefix, n.Title, o.Title, o.Name, o.Name)
		}
	}
	if n.KeyIssuer != "" {
		if k.Issuer != "" && k.Issuer != n.KeyIssuer {
			return fmt.Errorf("kid %q names issuer %q, but every %s key's issuer is %s: a key that names an issuer of its own is not one; refused", k.KID, k.Issuer, n.Title, n.KeyIssuer)
		}
		k.Issuer = n.KeyIssuer
	}
	k.Format = n.Name
	if n.CheckKey != nil {
		if err := n.CheckKey(k); err != nil {
			return fmt.Errorf("%s key: %w", n.Name, err)
		}
	}
	return nil
}

// Sniff says what kind of trust input data is, by its content.
func Sniff(data []byte) (pass.Input, error) {
	t := bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	switch {
	case bytes.HasPrefix(t, []byte("-----BEGIN")):
		return pass.InputPEM, nil
	case bytes.HasPrefix(t, []byte("[")):
		var items []map[string]json.RawMessage
		if err := json.Unmarshal(t, &items); err != nil {
			return "", fmt.Errorf("a JSON array that is not a list of objects: %w", err)
		}
		if len(items) == 0 {
			return "", errors.New("an empty JSON array: no keys")
		}
		switch first := items[0]; {
		case first["rawData"] != nil || first["certificateType"] != nil:
			return pass.InputDGCG, nil
		case first["iss"] != nil || first["issuer"] != nil:
			return pass.InputVCI, nil
		}
		return "", errors.New("a JSON array of neither gateway trust list entries (kid, country, certificateType, rawData) nor issuers (iss, keys)")
	case bytes.HasPrefix(t, []byte("{")):
		var doc map[string]json.RawMessage
		if err := json.Unmarshal(t, &doc); err != nil {
			return "", fmt.Errorf("not a JSON document: %w", err)
		}
		switch {
		case doc["issuerInfo"] != nil:
			return pass.InputVCI, nil
		case doc["participating_issuers"] != nil:
			return "", errors.New("a VCI directory (vci-issuers.json) lists issuers but not their keys: use the directory's snapshot (vci_snapshot.json), or each issuer's JWKS")
		case doc["verificationMethod"] != nil || doc["assertionMethod"] != nil:
			return pass.InputDID, nil
		case doc["certificates"] != nil:
			return pass.InputDGCG, nil
		case doc["keys"] != nil:
			var keys []map[string]json.RawMessage
			if err := json.Unmarshal(doc["keys"], &keys); err != nil {
				return "", fmt.Errorf(`"keys" is not a list of objects: %w`, err)
			}
			if len(keys) > 0 && keys[0]["format"] != nil && keys[0]["public_key"] != nil {
				return pass.InputList, nil
			}
			return pass.InputJWKS, nil
		}
		return "", errors.New(`a JSON document that is none of: a JWKS ("keys"), a VCI snapshot ("issuerInfo"), a DID document ("verificationMethod"), a trust list`)
	}
	return "", errors.New("neither a PEM certificate bundle nor a JSON trust document")
}

func naming(name string, formats []*pass.Naming) *pass.Naming {
	for _, n := range formats {
		if n.Name == name {
			return n
		}
	}
	return nil
}

func names(formats []*pass.Naming) string {
	var s []string
	for _, n := range formats {
		s = append(s, n.Name)
	}
	return strings.Join(s, ", ")
}

func inputsOf(n *pass.Naming) string {
	var s []string
	for _, k := range n.Inputs {
		s = append(s, describe(k))
	}
	for _, k := range n.Declared {
		s = append(s, describe(k)+" declared "+n.Name)
	}
	return strings.Join(s, ", ")
}

// describe names a kind of input for people.
func describe(kind pass.Input) string {
	switch kind {
	case pass.InputPEM:
		return "PEM certificate bundle"
	case pass.InputDGCG:
		return "EU DCC gateway trust list"
	case pass.InputJWKS:
		return "JWKS"
	case pass.InputVCI:
		return "VCI issuer directory snapshot"
	case pass.InputDID:
		return "DID document"
	case pass.InputList:
		return "trust list"
	}
	return string(kind)
}

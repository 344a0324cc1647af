package trust

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// didDocument is the part of a W3C DID document (DID Core) the kiosk reads:
// its id, its verification methods with public JWKs, and the
// assertionMethod relationship, whose entries are method ids or embedded
// methods.
type didDocument struct {
	ID                 string            `json:"id"`
	VerificationMethod []didMethod       `json:"verificationMethod"`
	AssertionMethod    []json.RawMessage `json:"assertionMethod"`
}

type didMethod struct {
	ID           string `json:"id"`
	Type         string `json:"type"`
	Controller   string `json:"controller"`
	PublicKeyJwk *JWK   `json:"publicKeyJwk"`
}

// parseDID reads a DID document: one key per method its assertionMethod
// lists (only those may sign), named by the method's absolute id
// ("did:web:example.nz#key-1") and bound to the document's DID. A listed
// method must be a JsonWebKey2020 with a public P-256 JWK.
func parseDID(data []byte) ([]*pass.Key, error) {
	var doc didDocument
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("DID document: %w", err)
	}
	if !strings.HasPrefix(doc.ID, "did:") {
		return nil, fmt.Errorf("DID document: id %q is not a DID", doc.ID)
	}
	methods := map[string]*didMethod{}
	for i := range doc.VerificationMethod {
		m := &doc.VerificationMethod[i]
		methods[absolute(doc.ID, m.ID)] = m
	}
	var keys []*pass.Key
	for i, raw := range doc.AssertionMethod {
		var m *didMethod
		var ref string
		if err := json.Unmarshal(raw, &ref); err == nil {
			if m = methods[absolute(doc.ID, ref)]; m == nil {
				return nil, fmt.Errorf("DID document: assertionMethod %d (%q) is not one of its verification methods", i, ref)
			}
		} else {
			m = &didMethod{}
			if err := json.Unmarshal(raw, m); err != nil {
				return nil, fmt.Errorf("DID document: assertionMethod %d is neither a method id nor a method", i)
			}
		}
		id := absolute(doc.ID, m.ID)
		did, _, _ := strings.Cut(id, "#")
		switch {
		case did != doc.ID:
			return nil, fmt.Errorf("DID document: method %q belongs to another DID than %q", id, doc.ID)
		case m.Controller != "" && m.Controller != doc.ID:
			return nil, fmt.Errorf("DID document: method %q is controlled by %q, not %q", id, m.Controller, doc.ID)
		case m.Type != "JsonWebKey2020":
			return nil, fmt.Errorf("DID document: method %q is a %q; keys are read from JsonWebKey2020 methods", id, m.Type)
		case m.PublicKeyJwk == nil:
			return nil, fmt.Errorf("DID document: method %q has no publicKeyJwk", id)
		}
		pub, err := m.PublicKeyJwk.public()
		if err != nil {
			return nil, fmt.Errorf("DID document: method %q: %w", id, err)
		}
		keys = append(keys, &pass.Key{KID: id, Issuer: doc.ID, Public: pub})
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("DID document %q: no assertionMethod, so no key may sign", doc.ID)
	}
	return keys, nil
}

// absolute resolves a DID URL reference against did: "#key-1" becomes
// "did:web:example.nz#key-1".
func absolute(did, ref string) string {
	if strings.HasPrefix(ref, "#") {
		return did + ref
	}
	return ref
}

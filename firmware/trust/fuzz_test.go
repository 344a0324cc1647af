package trust

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse feeds trust inputs to the readers: they must never panic, and a
// key they return must be bound to a format that checked it.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b, "")
		}
	}
	f.Add([]byte(`{"keys":[{"kty":"EC","crv":"P-256","kid":"HKSARG:VAC3","x":"","y":""}]}`), "hksarg")
	f.Add([]byte(`[{"iss":"https://a.example","keys":[]}]`), "")
	f.Add([]byte(`{"id":"did:web:a","assertionMethod":["#k"],"verificationMethod":[{"id":"#k","type":"JsonWebKey2020"}]}`), "nzcp")
	f.Fuzz(func(t *testing.T, data []byte, format string) {
		keys, err := Parse(data, format, formats)
		if err != nil {
			return
		}
		for _, k := range keys {
			n := naming(k.Format, formats)
			if n == nil || k.KID == "" || k.Public == nil {
				t.Fatalf("key %+v is not bound to a format", k)
			}
			if n.CheckKey != nil {
				if err := n.CheckKey(k); err != nil {
					t.Fatalf("key %+v fails its format's check: %v", k, err)
				}
			}
		}
	})
}

package verify_test

import (
	"slices"
	"testing"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
)

// TestFormatsDescribeThemselves: every format names its passes and keys in
// one place, consistently, so that revocation lists, trust inputs and help
// texts can ask it.
func TestFormatsDescribeThemselves(t *testing.T) {
	fs := verify.Formats()
	if len(verify.Namings()) != len(fs) {
		t.Fatalf("Namings has %d entries for %d formats", len(verify.Namings()), len(fs))
	}
	seen := map[string]bool{}
	prefixes := map[string]string{}
	inputs := map[pass.Input]string{}
	for _, f := range fs {
		n := f.Naming()
		switch {
		case n.Name != f.Name():
			t.Errorf("%s: naming says %q", f.Name(), n.Name)
		case seen[n.Name]:
			t.Errorf("two formats named %q", n.Name)
		case n.Title == "" || n.Prefix == "" || n.Identifier == "" || n.PassID == nil || n.CheckKey == nil:
			t.Errorf("%s: naming incomplete: %+v", n.Name, n)
		case !f.Match(n.Prefix):
			t.Errorf("%s: does not match its own prefix %q", n.Name, n.Prefix)
		case len(n.Inputs)+len(n.Declared) == 0:
			t.Errorf("%s: no trust input holds its keys", n.Name)
		}
		seen[n.Name] = true
		if n.KIDPrefix != "" {
			if o, dup := prefixes[n.KIDPrefix]; dup {
				t.Errorf("%s and %s reserve the kid prefix %q", o, n.Name, n.KIDPrefix)
			}
			prefixes[n.KIDPrefix] = n.Name
		}
		for _, in := range n.Inputs {
			if o, dup := inputs[in]; dup {
				t.Errorf("%s and %s both take undeclared %s inputs: which holds their keys would be a guess", o, n.Name, in)
			}
			inputs[in] = n.Name
			if slices.Contains(n.Declared, in) {
				t.Errorf("%s lists %s both undeclared and declared", n.Name, in)
			}
		}
		if _, err := n.PassID(""); err == nil {
			t.Errorf("%s: an empty identifier gave a pass ID", n.Name)
		}
		if got, ok := verify.Naming(n.Name); !ok || got != n {
			t.Errorf("verify.Naming(%q): got %v, %v", n.Name, got, ok)
		}
	}
	if _, ok := verify.Naming("nope"); ok {
		t.Error(`verify.Naming("nope") found a format`)
	}
}

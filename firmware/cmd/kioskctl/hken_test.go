package main

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/venuekiosk/venuekiosk/firmware/hken"
	"github.com/venuekiosk/venuekiosk/internal/command"
)

func TestHKENDecode(t *testing.T) {
	code, err := hken.Encode(&hken.Venue{Code: "0", ID: "0A1B2C3D", NameEn: "Central Market", NameZh: "中環街市", Type: "IMPORT"})
	if err != nil {
		t.Fatal(err)
	}
	c, out, errOut := kioskctl(t, "", "venueqr", "hken", "decode", code)
	if c != command.ExitOK || !strings.Contains(out, "0A1B2C3D") || !strings.Contains(out, "中環街市") || !strings.Contains(out, "hash     matches") {
		t.Errorf("exit %d\n%s%s", c, out, errOut)
	}
	c, out, _ = kioskctl(t, "", "venueqr", "hken", "decode", "--json", code)
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil || c != command.ExitOK || got["hash_ok"] != true || got["name_en"] != "Central Market" {
		t.Errorf("json: exit %d %v %q", c, err, out)
	}
	// A wrong hash: rebuild the JSON with another venue's hash.
	raw, _ := base64.StdEncoding.DecodeString(code[len("HKEN:")+1+8:])
	var obj map[string]any
	json.Unmarshal(raw, &obj)
	obj["hash"] = strings.Repeat("0", 64)
	b, _ := json.Marshal(obj)
	bad := code[:len("HKEN:")+1+8] + base64.StdEncoding.EncodeToString(b)
	c, out, _ = kioskctl(t, "", "venueqr", "hken", "decode", bad)
	if c != command.ExitFail || !strings.Contains(out, "DOES NOT MATCH") {
		t.Errorf("wrong hash: exit %d\n%s", c, out)
	}
	for _, args := range [][]string{{"venueqr", "hken"}, {"venueqr", "hken", "decode"}, {"venueqr", "hken", "decode", "a", "b"}} {
		if c, _, _ := kioskctl(t, "", args...); c != command.ExitUsage {
			t.Errorf("%v: exit %d, want %d", args, c, command.ExitUsage)
		}
	}
	if c, _, errOut := kioskctl(t, "", "venueqr", "hken", "decode", "HKEN:garbage"); c != command.ExitFail || errOut == "" {
		t.Errorf("garbage: exit %d %q", c, errOut)
	}
}

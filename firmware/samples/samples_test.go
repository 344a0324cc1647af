package samples

import (
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/policy"
	"github.com/venuekiosk/venuekiosk/firmware/trust"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
)

type lists struct{ s *Set }

func (l lists) Revoked(id pass.ID) (bool, error) {
	for _, r := range l.s.Revocations {
		if r == id {
			return true, nil
		}
	}
	return false, nil
}

func (l lists) Code(id pass.ID, at time.Time) (pass.Code, error) {
	var got pass.Code
	for _, c := range l.s.Codes {
		if c.ID == id && !at.Before(c.ValidFrom) && (c.ValidUntil.IsZero() || at.Before(c.ValidUntil)) {
			if c.Code == pass.RedCode || got == "" {
				got = c.Code
			}
		}
	}
	return got, nil
}

func (l lists) DataTime() (time.Time, bool) { return l.s.At, true }

func TestSamplesVerifyAsExpected(t *testing.T) {
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	s, err := Make(at)
	if err != nil {
		t.Fatal(err)
	}
	e := &verify.Engine{
		Formats:     verify.Formats(),
		Trust:       trust.NewSet(s.Trust...),
		Revocations: lists{s},
		Codes:       lists{s},
		Freshness:   lists{s},
		Policy:      policy.Default(),
	}
	seen := map[string]bool{}
	for _, sm := range s.Samples {
		t.Run(sm.Name, func(t *testing.T) {
			if seen[sm.Name] {
				t.Fatalf("duplicate sample name")
			}
			seen[sm.Name] = true
			v := e.Verify(sm.Payload, at.Add(time.Minute))
			if got := v.Status.String(); got != sm.Expect {
				t.Fatalf("got %s %+v, want %s", got, v.Reasons, sm.Expect)
			}
			if sm.Reason != "" && !v.Has(sm.Reason) {
				t.Errorf("reasons %+v, want %s", v.Reasons, sm.Reason)
			}
			if !sm.ID.IsZero() && v.PassID != sm.ID {
				t.Errorf("pass id %s, want %s", v.PassID, sm.ID)
			}
			if sm.Holder.DOB != "" && v.Status != verify.Red && v.Holder.DOB != sm.Holder.DOB {
				t.Errorf("holder dob %q, want %q", v.Holder.DOB, sm.Holder.DOB)
			}
		})
	}
	for _, want := range []string{"green", "amber", "red"} {
		n := 0
		for _, sm := range s.Samples {
			if sm.Expect == want {
				n++
			}
		}
		if n == 0 {
			t.Errorf("no %s sample", want)
		}
	}
}

func TestSamplesDifferEachTime(t *testing.T) {
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	a, err := Make(at)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Make(at)
	if err != nil {
		t.Fatal(err)
	}
	if a.DCCKey.Equal(b.DCCKey) || a.Samples[0].Payload == b.Samples[0].Payload {
		t.Error("two sample sets share a key: keys must be throw-away")
	}
	// A sample from one set must not verify against the other's trust.
	e := &verify.Engine{Formats: verify.Formats(), Trust: trust.NewSet(b.Trust...)}
	if v := e.Verify(a.Samples[0].Payload, at); v.Status != verify.Red {
		t.Errorf("a sample verified against another set's issuer: %v", v.Status)
	}
}

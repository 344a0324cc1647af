package verify

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/policy"
)

// MaxPayload bounds the text of one scan. A version 40 QR code holds at most
// 4,296 alphanumeric characters; twice that leaves room for any real pass.
const MaxPayload = 8 << 10

// Format is one pass format. Decode must authenticate before it parses
// anything beyond what it needs to find the key, bound every size, and
// report failures as *pass.Error.
type Format interface {
	// Name is the format's short name in verdicts: "dcc", "shc", "hksarg", "nzcp".
	Name() string
	// Match reports whether payload belongs to this format (by its prefix).
	Match(payload string) bool
	// Decode authenticates payload against trust and returns the pass.
	Decode(payload string, trust pass.Trust) (*pass.Pass, error)
	// Naming says how the format names its passes and keys, for revocation
	// lists, trust inputs and samples; its Name is the format's Name.
	Naming() *pass.Naming
}

// Revocations says whether a pass was revoked.
type Revocations interface {
	Revoked(id pass.ID) (bool, error)
}

// Codes says whether a pass carries a red or amber code at a time. It
// returns pass.RedCode, pass.AmberCode or "".
type Codes interface {
	Code(id pass.ID, at time.Time) (pass.Code, error)
}

// Freshness reports when the revocation and code data were last known to
// be current (the signed timestamp of the last sync).
type Freshness interface {
	DataTime() (t time.Time, ok bool)
}

// Engine verifies payloads. Its fields are read-only once Verify is called;
// an Engine is safe for concurrent use when its parts are.
type Engine struct {
	Formats     []Format
	Trust       pass.Trust
	Revocations Revocations    // nil: no revocation data
	Codes       Codes          // nil: no code lists
	Policy      *policy.Policy // nil: authenticity only (kioskctl verify --policy none)
	Freshness   Freshness      // nil: staleness is not judged
}

// Verify judges payload as of at.
func (e *Engine) Verify(payload string, at time.Time) *Verdict {
	v := &Verdict{}
	if len(payload) > MaxPayload {
		v.Worsen(Red, pass.TooLarge, fmt.Sprintf("payload is %d bytes; at most %d accepted", len(payload), MaxPayload))
		return v
	}
	payload = strings.TrimRight(payload, "\r\n")
	f := e.format(payload)
	if f == nil {
		v.Worsen(Red, pass.Prefix, "not a pass this kiosk reads ("+describePrefix(payload)+")")
		return v
	}
	v.Format = f.Name()
	p, err := f.Decode(payload, e.Trust)
	if err != nil {
		v.Worsen(Red, pass.CodeOf(err), detailOf(err))
		return v
	}
	v.KID = p.KID
	v.Issuer = p.Issuer
	v.Expires = p.Expires
	v.Holder = p.Holder
	v.PassID = p.ID
	v.Kinds = p.Kinds()

	e.checkAuthenticity(v, p, at)
	if v.Status == Red {
		return v
	}
	e.checkLists(v, p, at)
	if v.Status == Red || e.Policy == nil {
		return v
	}
	e.checkPolicy(v, p, at)
	return v
}

func (e *Engine) format(payload string) Format {
	for _, f := range e.Formats {
		if f.Match(payload) {
			return f
		}
	}
	return nil
}

// checkAuthenticity applies what holds under every policy: key usage, the
// pass's validity window and the signer key's validity.
func (e *Engine) checkAuthenticity(v *Verdict, p *pass.Pass, at time.Time) {
	if p.Key != nil {
		for _, k := range v.Kinds {
			if !p.Key.Usage.Allows(k) {
				v.Worsen(Red, pass.KeyUsage, fmt.Sprintf("signer %s may not sign %s statements", p.KID, k))
			}
		}
		signed := p.IssuedAt
		if signed.IsZero() {
			signed = at
		}
		if !p.Key.NotAfter.IsZero() && signed.After(p.Key.NotAfter) {
			v.Worsen(Red, pass.Expired, "signed after its signer's certificate expired on "+day(p.Key.NotAfter))
		}
		if !p.Key.NotBefore.IsZero() && signed.Before(p.Key.NotBefore) {
			v.Worsen(Red, pass.NotYetValid, "signed before its signer's certificate was valid ("+day(p.Key.NotBefore)+")")
		}
	}
	if !p.IssuedAt.IsZero() && at.Before(p.IssuedAt) {
		v.Worsen(Red, pass.NotYetValid, "issued "+p.IssuedAt.UTC().Format(time.RFC3339)+", after the check time")
	}
	if !p.NotBefore.IsZero() && at.Before(p.NotBefore) {
		v.Worsen(Red, pass.NotYetValid, "not valid before "+p.NotBefore.UTC().Format(time.RFC3339))
	}
	if !p.Expires.IsZero() && !at.Before(p.Expires) {
		v.Worsen(Red, pass.Expired, "expired "+p.Expires.UTC().Format(time.RFC3339))
	}
}

func (e *Engine) checkLists(v *Verdict, p *pass.Pass, at time.Time) {
	// A pass with several entries is named by each entry's identifier: the
	// lists may name any of them (idOf(p, 0) is p.ID).
	n := 1 + len(p.OtherIDs)
	if e.Revocations != nil {
		for i := range n {
			revoked, err := e.Revocations.Revoked(idOf(p, i))
			if err != nil {
				v.Worsen(Red, pass.Internal, "revocation list unreadable: "+err.Error())
				break
			}
			if revoked {
				v.Worsen(Red, pass.Revoked, "the issuer revoked this pass")
				break
			}
		}
	}
	if e.Codes != nil {
		for i := range n {
			c, err := e.Codes.Code(idOf(p, i), at)
			switch {
			case err != nil:
				v.Worsen(Red, pass.Internal, "code list unreadable: "+err.Error())
			case c == pass.RedCode:
				v.Worsen(Red, pass.RedCode, "red code: the holder must not enter")
			case c == pass.AmberCode:
				s := Amber
				if e.Policy != nil {
					s = statusOf(e.Policy.AmberCode)
				}
				v.Worsen(s, pass.AmberCode, "amber code: the holder is under restriction")
			default:
				continue
			}
			break
		}
	}
}

// idOf returns p's i-th identifier: its ID, then its OtherIDs.
func idOf(p *pass.Pass, i int) pass.ID {
	if i == 0 {
		return p.ID
	}
	return p.OtherIDs[i-1]
}

func (e *Engine) checkPolicy(v *Verdict, p *pass.Pass, at time.Time) {
	out, findings := e.Policy.Evaluate(p, at)
	for _, f := range findings {
		v.Worsen(statusOf(out), f.Code, f.Detail)
	}
	if v.Status == Red || e.Freshness == nil || e.Policy.MaxDataAge() <= 0 {
		return
	}
	t, ok := e.Freshness.DataTime()
	switch {
	case !ok:
		v.Worsen(statusOf(e.Policy.StaleData), pass.StaleData, "no revocation or code data has been synced")
	case at.Sub(t) > e.Policy.MaxDataAge():
		v.Worsen(statusOf(e.Policy.StaleData), pass.StaleData, "revocation and code data are from "+t.UTC().Format(time.RFC3339)+", older than the policy allows")
	}
}

// detailOf returns the human detail of err without repeating its code.
func detailOf(err error) string {
	var pe *pass.Error
	if errors.As(err, &pe) && pe.Detail != "" {
		return pe.Detail
	}
	return err.Error()
}

func statusOf(o policy.Outcome) Status {
	switch o {
	case policy.Green:
		return Green
	case policy.Amber:
		return Amber
	}
	return Red
}

func day(t time.Time) string { return t.UTC().Format("2006-01-02") }

// describePrefix names what the payload starts with without echoing it: the
// payload may carry personal data and reasons are shown and logged.
func describePrefix(payload string) string {
	if payload == "" {
		return "empty scan"
	}
	i := strings.IndexAny(payload, ":|/")
	if i < 1 || i > 8 {
		return fmt.Sprintf("%d bytes with no recognised prefix", len(payload))
	}
	pre := payload[:i+1]
	for _, r := range pre {
		if r < 0x21 || r > 0x7e {
			return fmt.Sprintf("%d bytes with no recognised prefix", len(payload))
		}
	}
	return "prefix " + pre
}

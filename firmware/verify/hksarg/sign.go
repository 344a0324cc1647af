package hksarg

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Sign prints rec as the issuer does, following the layout table, and
// signs it with key (ECDSA P-256, SHA-256, DER, base64). It is the issuing
// side for tests and the simulator. Sign refuses any record the decoder
// would reject, so everything it returns decodes.
func Sign(rec Record, key *ecdsa.PrivateKey) (string, error) {
	if key == nil || key.Curve != elliptic.P256() {
		return "", errors.New("hksarg: sign: want a P-256 private key")
	}
	text, l, err := rec.text()
	if err != nil {
		return "", err
	}
	// The decoder's checks are the judge of what a record may hold.
	if !utf8.ValidString(text) {
		return "", errors.New("hksarg: sign: a value is not valid UTF-8")
	}
	fields := strings.Split(text+"x", "|")
	if len(fields) != len(l.fields) {
		return "", fmt.Errorf("hksarg: sign: a value contains '|'")
	}
	if err := checkFields(fields); err != nil {
		return "", fmt.Errorf("hksarg: sign: %w", err)
	}
	if i := l.index(roleKeyVersion); i >= 0 && !validKeyVersion(fields[i]) {
		return "", fmt.Errorf("hksarg: sign: key version %q: want 1 to 16 letters, digits, '.', '_' or '-'", rec.KeyVersion)
	}
	if _, err := l.parse(fields); err != nil {
		return "", fmt.Errorf("hksarg: sign: the record would not decode: %w", err)
	}
	sum := sha256.Sum256([]byte(text))
	der, err := ecdsa.SignASN1(rand.Reader, key, sum[:])
	if err != nil {
		return "", fmt.Errorf("hksarg: sign: %w", err)
	}
	out := text + base64.StdEncoding.EncodeToString(der)
	if len(out) > MaxPayload {
		return "", fmt.Errorf("hksarg: sign: record is %d bytes; at most %d", len(out), MaxPayload)
	}
	return out, nil
}

// text prints every field but the signature, each followed by "|".
func (rec *Record) text() (string, *layout, error) {
	major, ok := majorVersion(rec.Version)
	if !ok {
		return "", nil, fmt.Errorf("hksarg: sign: version %q is not a version number", rec.Version)
	}
	l, err := rec.layout(major)
	if err != nil {
		return "", nil, err
	}
	slots, maxDose, err := l.slotsFor(rec)
	if err != nil {
		return "", nil, err
	}
	anyDose := slices.ContainsFunc(slots[1:], func(d *Dose) bool { return d != nil })
	var b strings.Builder
	for i, fl := range l.fields {
		if fl.role == roleSignature {
			break
		}
		var v string
		d := slots[fl.slot]
		switch fl.role {
		case rolePrefix:
			v = "HKSARG"
		case roleType:
			v = rec.Type
		case roleVersion:
			v = rec.Version
		case roleKeyVersion:
			v = rec.KeyVersion
			if v == "" {
				v = "-"
			}
		case roleRef:
			v = rec.Ref
		case roleDocType:
			v = rec.DocType
		case roleDoc:
			v = rec.Doc
		case roleName:
			v = rec.Name
		case roleDoseDate:
			switch {
			case d != nil:
				v = fmtDate(d.Date)
			case fl.na && rec.Recovered && anyDose:
				v = "NA"
			default:
				v = fl.absent
			}
		case roleDoseVaccine:
			v = fl.absent
			if d != nil {
				v = d.Vaccine
			}
		case roleDoseVaccineZh:
			v = fl.absent
			if d != nil && d.VaccineZh != "" {
				v = d.VaccineZh
			}
		case roleDoseDateVaccine:
			if d != nil {
				v = fmtDate(d.Date) + "," + d.Vaccine
			}
		case roleRecovered:
			if rec.Recovered && (fl.slot == 0 || d != nil) {
				v = "001"
			}
		case roleExempt:
			v = "002"
		case roleValidUntil:
			if !rec.ValidUntil.IsZero() {
				v = fmtDate(rec.ValidUntil)
			}
		case roleDOB:
			if !rec.DOB.IsZero() {
				v = fmtDate(rec.DOB)
			}
		case roleDOBMaxDose:
			if !rec.DOB.IsZero() {
				v = fmtDate(rec.DOB) + "," + strconv.Itoa(maxDose)
			}
		case roleReserved:
		case rolePrinted:
			if !rec.Printed.IsZero() {
				v = fmtClock(rec.Printed)
			}
		case roleCollected:
			v = clockOrEmpty(rec.Test.Collected)
		case roleSpecimen:
			v = rec.Test.Specimen
		case rolePlatform:
			v = rec.Test.Platform
		case roleResult:
			v = rec.Test.Result
		case roleReported:
			v = clockOrEmpty(rec.Test.Reported)
		case roleDownloaded:
			v = clockOrEmpty(rec.Test.Downloaded)
		default:
			return "", nil, fmt.Errorf("hksarg: sign: field %d: no printer for %s", i, fl.role)
		}
		b.WriteString(v)
		b.WriteByte('|')
	}
	return b.String(), l, nil
}

func clockOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return fmtClock(t)
}

// layout picks the layout for rec: EVT records have a download time in
// one layout and none in the other.
func (rec *Record) layout(major int) (*layout, error) {
	for i := range layouts {
		l := &layouts[i]
		if l.typ != rec.Type || l.major != major {
			continue
		}
		if rec.Type == TestResult && (l.index(roleDownloaded) >= 0) != !rec.Test.Downloaded.IsZero() {
			continue
		}
		return l, nil
	}
	return nil, fmt.Errorf("hksarg: sign: no layout for %s version %d", rec.Type, major)
}

// slotsFor places rec's doses in l's slots, the inverse of placeDoses,
// and returns the highest dose sequence to print.
func (l *layout) slotsFor(rec *Record) (slots [4]*Dose, maxDose int, err error) {
	doses := rec.Doses
	switch l.doses {
	case noDoses:
		if len(doses) > 0 || rec.Recovered {
			return slots, 0, fmt.Errorf("hksarg: sign: %s records carry no doses", l.typ)
		}
		return slots, 0, nil
	case bySeq:
		for i := range doses {
			s := doses[i].Seq
			if s < 1 || s > 2 || slots[s] != nil {
				return slots, 0, fmt.Errorf("hksarg: sign: version %d holds doses 1 and 2 once each; got sequence %d", l.major, s)
			}
			slots[s] = &doses[i]
		}
	case lastThree:
		var seqs []int
		seqDose := map[int]*Dose{}
		for i := range doses {
			s := doses[i].Seq
			if seqDose[s] != nil {
				return slots, 0, fmt.Errorf("hksarg: sign: dose sequence %d twice", s)
			}
			seqDose[s] = &doses[i]
			seqs = append(seqs, s)
		}
		slices.Sort(seqs)
		if len(seqs) == 0 {
			break
		}
		i := slices.IndexFunc(v3Slots, func(e v3Entry) bool { return slices.Equal(e.seqs, seqs) })
		if i < 0 {
			return slots, 0, fmt.Errorf("hksarg: sign: version %d cannot print dose sequences %v", l.major, seqs)
		}
		for s := 1; s <= 3; s++ {
			if q := v3Slots[i].slots[s]; q != 0 {
				slots[s] = seqDose[q]
			}
		}
	case byOrder:
		// The issuer lists doses in sequence order; rec.Doses is in
		// that order, so the last three are the newest.
		for i := range doses {
			maxDose = max(maxDose, doses[i].Seq)
		}
		for s := 1; s <= 3 && s <= len(doses); s++ {
			slots[s] = &doses[len(doses)-s]
		}
		if rec.MaxDose != 0 {
			if rec.MaxDose < maxDose {
				return slots, 0, fmt.Errorf("hksarg: sign: MaxDose %d is below dose sequence %d", rec.MaxDose, maxDose)
			}
			maxDose = rec.MaxDose
		}
		maxDose = max(maxDose, len(doses))
	}
	return slots, maxDose, nil
}

package hksarg

import (
	"crypto/ecdsa"
	"time"
)

// Sample is a signed, fictitious record for the simulator and demos.
type Sample struct {
	Name    string // what the sample shows, e.g. "HK vaccination v4, 3 doses"
	Payload string
}

// SampleKIDs lists the key ids under which the key given to Samples must be
// trusted for every sample to verify.
func SampleKIDs() []string {
	return []string{
		KID(Vaccination, 2, ""), KID(Vaccination, 3, ""), KID(Vaccination, 4, ""),
		KID(Exemption, 1, ""), KID(TestResult, 1, ""),
	}
}

// Samples signs one fictitious record of every supported layout with key
// (a throw-away key: real issuer keys are never available to the kiosk),
// dated relative to at.
func Samples(key *ecdsa.PrivateKey, at time.Time) ([]Sample, error) {
	day := func(n int) time.Time {
		y, m, d := at.In(hkt).Date()
		return time.Date(y, m, d+n, 0, 0, 0, 0, time.UTC)
	}
	printed := at.Add(-26 * time.Hour).In(hkt).Truncate(time.Minute)
	recs := []struct {
		name string
		rec  Record
	}{
		{"HK vaccination v4, 3 doses", Record{Type: Vaccination, Version: "4", KeyVersion: "1", Ref: "C19-SAMPLE-0004",
			Doc: "A123****", Name: "CHAN T** M**", DOB: time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC), Printed: printed,
			Doses: []Dose{{Seq: 1, Date: day(-300), Vaccine: "BNT"}, {Seq: 2, Date: day(-270), Vaccine: "BNT"}, {Seq: 3, Date: day(-60), Vaccine: "BNT"}}}},
		{"HK vaccination v3, 2 doses", Record{Type: Vaccination, Version: "3", KeyVersion: "1", Ref: "C19-SAMPLE-0003",
			Doc: "B456****", Name: "WONG S** L**", Printed: printed,
			Doses: []Dose{{Seq: 1, Date: day(-120), Vaccine: "Comirnaty", VaccineZh: "復必泰"}, {Seq: 2, Date: day(-90), Vaccine: "Comirnaty", VaccineZh: "復必泰"}}}},
		{"HK vaccination v2, 1 dose, recovered", Record{Type: Vaccination, Version: "2", KeyVersion: "1", Ref: "C19-SAMPLE-0002",
			Doc: "C789****", Name: "LEE K** Y**", Printed: printed, Recovered: true,
			Doses: []Dose{{Seq: 1, Date: day(-40), Vaccine: "CoronaVac", VaccineZh: "克爾來福"}}}},
		{"HK medical exemption", Record{Type: Exemption, Version: "1", KeyVersion: "1", Ref: "MEC-SAMPLE-0001",
			Doc: "D012****", Name: "HO W** K**", DOB: time.Date(1955, 6, 1, 0, 0, 0, 0, time.UTC), Printed: printed,
			ValidUntil: day(60)}},
		{"HK test result, negative", Record{Type: TestResult, Version: "1", Ref: "EVT-SAMPLE-0001", DocType: "HKIC", Doc: "E345****",
			Test: Test{Collected: printed.Add(-20 * time.Hour), Specimen: "Combined nasal and throat swab", Platform: "PCR",
				Result: "Negative", Reported: printed.Add(-2 * time.Hour), Downloaded: printed}}},
	}
	out := make([]Sample, 0, len(recs))
	for _, r := range recs {
		p, err := Sign(r.rec, key)
		if err != nil {
			return nil, err
		}
		out = append(out, Sample{Name: r.name, Payload: p})
	}
	return out, nil
}

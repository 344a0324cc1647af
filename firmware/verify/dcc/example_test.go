package dcc_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/trust"
	"github.com/venuekiosk/venuekiosk/firmware/verify/dcc"
)

// A sample pass signed with a throw-away key, as the simulator makes them,
// and read back.
func Example() {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	kid := []byte("sim-kid1") // any 8 bytes; real kids are trust.DCCKID(certDER)
	issued := time.Date(2021, 6, 1, 8, 0, 0, 0, time.UTC)
	payload, err := dcc.Sign(dcc.Claims{
		Issuer:   "AT",
		IssuedAt: issued,
		Expires:  issued.AddDate(1, 0, 0),
		DGC: dcc.DGC{
			Ver:  "1.3.0",
			Name: dcc.PersonName{Family: "Musterfrau", FamilyICAO: "MUSTERFRAU", Given: "Gabriele", GivenICAO: "GABRIELE"},
			DOB:  "1998-02-26",
			T: []dcc.Test{{
				Target: dcc.TargetCOVID19, Type: dcc.TestNAAT, Name: "PCR", Sampled: "2021-05-31T10:00:00Z",
				Result: dcc.ResultNegative, Centre: "Testing centre", Country: "AT", Issuer: "Ministry of Health",
				ID: "URN:UVCI:01:AT:SIM0001#X",
			}},
		},
	}, key, kid)
	if err != nil {
		panic(err)
	}
	set := trust.NewSet(dcc.TrustedKey(key.Public(), kid, "AT"))
	p, err := dcc.New().Decode(payload, set)
	if err != nil {
		panic(err)
	}
	fmt.Println(payload[:4], p.KID, p.Issuer, p.Holder.Name, p.Tests[0].Type, p.Tests[0].Negative)
	// Output: HC1: c2ltLWtpZDE= AT Musterfrau, Gabriele naat true
}

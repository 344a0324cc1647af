package shc_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/trust"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
	"github.com/venuekiosk/venuekiosk/firmware/verify/shc"
)

// A simulator issues a sample card with a throw-away key and trusts that
// key as the issuer's.
func ExampleSign() {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	kid, _ := shc.KID(&key.PublicKey)
	jwk := trust.PublicJWK(&key.PublicKey, kid)
	jwk.Iss = "https://sim.venuekiosk.invalid"
	issuerKey, err := jwk.Key(shc.New().Naming(), verify.Namings())
	if err != nil {
		panic(err)
	}

	at := time.Date(2022, 3, 1, 12, 0, 0, 0, time.UTC)
	card := shc.ImmunizationCard(jwk.Iss, at.AddDate(0, -1, 0),
		shc.Person{Family: "Chan", Given: []string{"Tai", "Man"}, BirthDate: "1970-01-01"},
		shc.Vaccination{Date: at.AddDate(0, -4, 0), CVX: "208"},
		shc.Vaccination{Date: at.AddDate(0, -3, 0), CVX: "208"},
	)
	qrText, err := shc.Sign(card, key, kid)
	if err != nil {
		panic(err)
	}

	e := &verify.Engine{Formats: verify.Formats(), Trust: trust.NewSet(issuerKey)}
	v := e.Verify(qrText, at)
	fmt.Println(v.Status, v.Format, v.Holder.Name, v.Kinds)
	// Output: green shc CHAN, Tai Man [vaccination]
}

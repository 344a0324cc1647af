// Package trust holds issuer keys in memory (Set) and reads them from the
// trust inputs operators actually receive:
//
//	pem   a PEM bundle of X.509 signer certificates (EU DCC document signers)
//	dgcg  the EU DCC gateway's trust list: a JSON array of entries with kid,
//	      country, certificateType and base64 rawData; only DSC entries are
//	      keys, each checked against its kid and thumbprint
//	jwks  a JSON Web Key Set (RFC 7517): SMART Health Card issuer keys, or,
//	      declared hksarg, Hong Kong record keys
//	vci   a VCI issuer directory snapshot (vci_snapshot.json: issuerInfo,
//	      each issuer's iss and its JWKS keys), or a JSON list of issuers
//	      with iss and keys; every key is bound to its issuer
//	did   a DID document (what a did:web resolves to): the keys its
//	      assertionMethod lists, named DID#fragment, bound to the DID
//	list  the repository's own trust list (trust.json, as vkpublish
//	      publishes it): every key names its format
//
// What a file holds is read from its content. Which pass format its keys
// are for comes from the formats (pass.Naming; firmware/verify.Namings):
// each says which kinds of input hold its keys, and an input may be
// declared for a format ("hksarg:hk.jwks"). Keys for a format come only from
// an input for that format: a kid named like another format's keys, or a
// key that names an issuer where the format's keys have a fixed one (a JWK
// with "iss" read as a Hong Kong key), is refused with the conflict named,
// never silently moved to another format.
package trust

// Package hksarg reads the Hong Kong Government's COVID-19 records as a
// verify.Format: vaccination records (the Vaccine Pass, "HKSARG|VAC|…"),
// medical exemption certificates ("HKSARG|MEC|…") and electronic test
// results ("HKSARG|EVT|…"). Sign prints and signs records for tests and the
// simulator.
//
// # Record
//
// A record is UTF-8 text of fields separated by "|". The last field is the
// signature: ECDSA P-256 over SHA-256, DER, standard base64 (padded), of the
// UTF-8 text of every other field each followed by "|" (the record up to
// and including its last "|"). Absent values print as "", "-" or "NA".
//
// Decode bounds the record (MaxPayload, MaxField, MaxSignature), checks
// UTF-8 and control characters, reads the type, the QR code version (its
// major number selects the layout: "3.00" is version 3) and the key
// version, picks the layout by type, version and field count from a table
// (layout.go), finds the key, verifies the signature, and only then reads
// the other fields. A value the table does not describe is rejected
// (schema), never guessed at.
//
// # Keys
//
// Keys come from the trust store only, as JWKS keys whose kid starts with
// "HKSARG:": "HKSARG:<type><major>" ("HKSARG:VAC3", "HKSARG:EVT1"). Where a
// record carries a key version, "HKSARG:<type><major>:<key version>" is
// tried first ("HKSARG:VAC4:1"); once a kid has keys no other kid is
// tried. EVT records and version 2 vaccination records were signed with
// one key; a trust file lists it under both kids.
//
// # Layouts (field index: meaning)
//
// VAC 2 (19 fields, 2021; two doses by number): 0 "HKSARG", 1 "VAC",
// 2 QR code version, 3 key version, 4 reference number, 5 masked document
// number, 6 masked English name, 7 first dose date (dd-MM-yyyy), 8 its
// vaccine (English), 9 its vaccine (Chinese), 10 "001" if recovered,
// 11 reserved, 12 second dose date ("NA": recovered, no second dose
// needed), 13 vaccine, 14 vaccine (Chinese), 15 "001" if recovered,
// 16 reserved, 17 print time (dd-MM-yyyy HH:mm, Hong Kong), 18 signature.
//
// VAC 3 (19 fields, November 2021; the last three doses): 7 second-last
// dose date, 8 vaccine, 9 vaccine (Chinese), 10 "001" if recovered,
// 11 third-last dose "dd-MM-yyyy,vaccine", 12 last dose date ("NA" as in
// version 2), 13 vaccine, 14 vaccine (Chinese), 15 "001" if recovered,
// 16 third-last vaccine (Chinese), 17 print time, 18 signature. The issuer
// places doses by sequence (a lone first dose in the second-last slot, a
// first and third dose in last and third-last); where two placements look
// alike the smaller dose numbers are taken.
//
// VAC 4 (19 fields, April 2022): 7 second-last dose date, 8 vaccine code,
// 9 reserved, 10 "001" if recovered, 11 third-last dose "dd-MM-yyyy,code",
// 12 last dose date, 13 vaccine code, 14 reserved, 15 "dd-MM-yyyy,N": date
// of birth (01-01-yyyy when only the year is known) and the highest dose
// sequence N, 16 reserved, 17 print time, 18 signature.
//
// MEC (20 fields, January 2022; version number assumed 1): 7–9 reserved,
// 10 "002", 11 last valid day (dd-MM-yyyy), 12–15 reserved, 16 date of
// birth (from April 2022; empty before), 17 reserved, 18 print time,
// 19 signature.
//
// EVT (12 or 13 fields, version 1): 3 reference number, 4 document type,
// 5 masked document number, 6 specimen collection time, 7 specimen type,
// 8 testing platform, 9 result, 10 report time, [11 download time], last
// signature. Times are read as dd-MM-yyyy HH:mm or dd-MM-yyyy.
//
// # Pass
//
// Format "hksarg", Issuer "HK", KID the kid that verified, IssuedAt the
// print time (EVT: download time, else report time), ID
// pass.NewID("hksarg", type+":"+reference number) (a record printed
// without a reference number is identified by its signed text). The
// guard compares the holder with an identity document, and pass.Holder
// has no document field, so Holder.Name is the masked name followed by
// the masked document number in parentheses: "CHAN T** M** (A123****)";
// an EVT record has no name: "(HKIC A123****)". Holder.DOB is the birth
// year where the version carries a date of birth (VAC 4, MEC), else "".
//
// Doses become pass.Dose with the sequence as far as the layout states
// it (0 when unknown; in VAC 4 the last dose carries N). The recovery
// indicator becomes one pass.RecoveryStatement with every date zero: the
// record does not say when. A MEC becomes a pass.ExemptionStatement valid
// until its last day, and the pass expires at the end of that day (Hong
// Kong time). An EVT becomes a pass.TestResult: negative only for the
// result "Negative" or "陰性", type "naat" or "rat" for the platform
// names in testTypes, else the platform as issued.
//
// # Unknown
//
// Not public, so assumed or left open: the MEC version number (1 is
// assumed); the exact EVT value formats (result and platform wording,
// time layout, document type codes); the VAC 4 vaccine codes (the issuer
// prints "NDI" for "no detailed information"); whether other issuers
// (the Hospital Authority) printed records with other layouts. Each is a
// table change in layout.go.
//
// # Sources
//
// The Department of Health's eHealth System (Subsidies) source as
// published on GitHub (ethancyf/ethancyf: EHS2019/EHS/Common/Component/
// COVID19/PrintOut/Common/Format/QrCodeFormatter.vb and its history from
// May 2021 to April 2022; Common/ComObject/Signature.vb for
// SHA256withECDSA over UTF-8 with base64 output; Common/Format/Formatter.vb
// for the dd-MM-yyyy HH:mm print time and dd-MM-yyyy dates); the
// open-source verifier codogob/back-home-safe
// (src/utils/vaccinationQRHelper.ts: version-to-key mapping, the EVT
// layouts, the signed text with its trailing "|"). Facts only; no code was
// copied.
package hksarg

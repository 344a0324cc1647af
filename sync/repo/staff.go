package repo

import (
	"encoding/json"
	"fmt"

	"github.com/venuekiosk/venuekiosk/firmware/staff"
	"github.com/venuekiosk/venuekiosk/internal/store"
)

// The staff-card revocation file is a JSON document of the revoked card
// ids (firmware/staff), strictly ascending (byte order), which rules out
// repeats and gives one list one file:
//
//	staff_revocations.json  {"cards": ["CM-0042", "SIM-SUP-LOST", …]}
//
// Each version is the whole list; the kiosk replaces its list with it.
const (
	staffHeader = 64 // {"cards": [ … ]} and its whitespace
	// staffRecord bounds one card id as MarshalStaffRevocations writes it:
	// indent, quotes, comma and newline around at most staff.MaxID
	// characters.
	staffRecord = staff.MaxID + 8
)

type staffDoc struct {
	Cards []string `json:"cards"`
}

// MarshalStaffRevocations encodes card ids as a staff-card revocation
// file. ids must be valid card ids, strictly ascending.
func MarshalStaffRevocations(ids []string) ([]byte, error) {
	if err := checkStaffIDs(ids); err != nil {
		return nil, err
	}
	doc := staffDoc{Cards: ids}
	if doc.Cards == nil {
		doc.Cards = []string{}
	}
	b, err := json.MarshalIndent(doc, "", " ")
	return append(b, '\n'), err
}

// ParseStaffRevocations reads a staff-card revocation file: every id must
// be a valid card id and the list strictly ascending.
func ParseStaffRevocations(b []byte) ([]string, error) {
	if int64(len(b)) > MaxFileSize(StaffRevocations) {
		return nil, formatErr("staff revocations", "%d bytes; at most %d", len(b), MaxFileSize(StaffRevocations))
	}
	var doc staffDoc
	if err := strictDecode(b, &doc); err != nil {
		return nil, formatErr("staff revocations", "%v", err)
	}
	if doc.Cards == nil {
		return nil, formatErr("staff revocations", `no "cards" array`)
	}
	if err := checkStaffIDs(doc.Cards); err != nil {
		return nil, err
	}
	return doc.Cards, nil
}

func checkStaffIDs(ids []string) error {
	const what = "staff revocations"
	if len(ids) > store.MaxStaffRevocations {
		return formatErr(what, "%d card ids; at most %d", len(ids), store.MaxStaffRevocations)
	}
	for i, id := range ids {
		if err := staff.ValidID(id); err != nil {
			return formatErr(fmt.Sprintf("%s entry %d", what, i), "%v", err)
		}
		if i > 0 && ids[i-1] >= id {
			return formatErr(what, "entry %d is not after entry %d (the list must be strictly ascending)", i, i-1)
		}
	}
	return nil
}

package dcc

import (
	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// fail returns a *pass.Error. detail must not quote personal data.
func fail(code pass.Code, detail string, cause error) *pass.Error {
	return &pass.Error{Code: code, Detail: detail, Err: cause}
}

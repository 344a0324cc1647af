package web

import (
	"net/http"

	"github.com/venuekiosk/venuekiosk/display/i18n"
)

// MessagesJSON is GET /api/messages: the panel's message catalog in the
// browser's language, for the page's own words.
type MessagesJSON struct {
	Lang     i18n.Lang           `json:"lang"`
	Messages map[i18n.Key]string `json:"messages"`
}

// messages serves the catalog of the language the page asks for
// (?lang=, the browser's navigator.language) or, failing that, the
// Accept-Language header's; English when the kiosk speaks neither.
func (s *Server) messages(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Vary", "Accept-Language")
	l := i18n.Match(r.URL.Query().Get("lang"), r.Header.Get("Accept-Language"))
	writeJSON(w, http.StatusOK, MessagesJSON{Lang: l, Messages: i18n.Get(l).Messages()})
}

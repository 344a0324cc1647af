package i18n

import (
	"maps"

	"golang.org/x/text/language"
)

// maxAccept bounds the Accept-Language header Match reads.
const maxAccept = 1 << 10

// supported are the kiosk's languages as language tags, in Langs order.
var supported = []language.Tag{language.English, language.TraditionalChinese, language.SimplifiedChinese}

var matcher = language.NewMatcher(supported)

// Match picks the kiosk's language for a browser: prefs are
// Accept-Language headers or navigator.language values ("zh-HK",
// "zh-CN;q=0.8, en"), best first. Hong Kong, Taiwan and Macau Chinese get
// Traditional Chinese, mainland and Singapore Chinese Simplified; anything
// the kiosk does not speak, or cannot parse, gets English.
func Match(prefs ...string) Lang {
	var tags []language.Tag
	for _, p := range prefs {
		if p == "" || len(p) > maxAccept {
			continue
		}
		ts, _, err := language.ParseAcceptLanguage(p)
		if err != nil {
			continue
		}
		tags = append(tags, ts...)
	}
	// The most preferred tag the kiosk speaks wins: "zh-HK, zh;q=0.9"
	// is Traditional Chinese, although a bare "zh" alone would be
	// Simplified.
	for _, t := range tags {
		if _, i, conf := matcher.Match(t); conf != language.No {
			return Langs()[i]
		}
	}
	return EN
}

// Messages returns a copy of every message of the catalog, by key (for
// the local web page).
func (c *Catalog) Messages() map[Key]string { return maps.Clone(c.msgs) }

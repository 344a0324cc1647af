// Package i18n holds the panel's messages in English (en), Traditional
// Chinese (zh-Hant) and Simplified Chinese (zh-Hans).
//
// The messages live in plain TOML files under catalog/, one per language,
// embedded at build time: a translator edits those files and nothing else.
// Every file has exactly the same keys (the Key constants); a message may
// hold {name} placeholders that the kiosk fills in, and every language's
// version of a message has the same placeholders. The tests check both, and
// that the panel font can draw every character of every message.
package i18n

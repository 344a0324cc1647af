// Package layout draws what the kiosk's e-ink panel shows, as a 1-bit
// image, for any panel size from one description.
//
// The panel has four parts:
//
//   - the header: the venue's name in English and Chinese;
//   - the QR window: the rotating venue check-in code (display/venueqr),
//     or, when the kiosk may not show one, the reason why;
//   - the status area: the instruction, or for a few seconds the last
//     verdict — a large symbol distinct by shape (a tick in a circle for
//     green, an exclamation mark in a triangle for amber, a cross in an
//     octagon for red) and its words in one or two languages, with the
//     holder's initials (or full name) and birth year when given, an
//     exposure notice for the holder and a group's progress or result
//     (extras.go);
//   - the footer: the time, the age of the synced data and the exposure
//     notice.
//
// One rule set places them: a portrait panel stacks header, QR window
// (the full width), status and footer; a landscape panel puts the QR
// window on the left, header and status in the column to its right, and
// the footer across the bottom. Text sizes are chosen to fit: each text
// has longer and shorter forms and whole-factor scales, and the largest
// that fits wins. The QR window and the status area are fixed rectangles,
// aligned to 8 pixels in x, so the panel can refresh just them.
//
// Rendering uses only black (0) and white (255): no grey ever reaches the
// panel.
package layout

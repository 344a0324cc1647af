// Package fleet reports a kiosk's health to the operator's MQTT broker
// (MQTT 5.0, https://docs.oasis-open.org/mqtt/mqtt/v5.0/mqtt-v5.0.html,
// through github.com/eclipse/paho.golang's autopaho) and reads those
// reports back into a table of kiosks (Board, for kioskctl fleet watch).
//
// It is optional and off by default ([fleet] in kioskd.toml). It runs in a
// goroutine of its own and never touches the scan path: it reads the
// kiosk's state through Source and the daily counters through Tally.
//
// # Topics
//
//	venuekiosk/<venue>/<kiosk>/status    retained, QoS 1: the kiosk's state (Status)
//	venuekiosk/<venue>/<kiosk>/online    retained, QoS 1: {"online":true} on every
//	                                     connection; the last will says false
//	venuekiosk/<venue>/<kiosk>/counters  QoS 1: counts for one period (Counters)
//
// <venue> and <kiosk> are 1 to 64 of A-Z a-z 0-9 _ - (never a wildcard or a
// level separator). The kiosk's MQTT client identifier is its kiosk ID,
// its username too unless provisioning gives another; a broker ACL lets a
// credential write venuekiosk/+/<its kiosk>/# only (mosquitto/acl).
//
// Retained status and online messages make the broker the fleet's state
// table: a subscriber to venuekiosk/# gets every kiosk's last status and
// whether it is connected, at once, then the changes.
//
// # Messages
//
// Payloads are JSON objects (content type application/json), at most
// MaxPayload bytes, with a schema version "v" (1). Every status and
// counters message carries the kiosk's "boot" (random, new at every start
// of kioskd) and "seq": a number from the store that only grows. QoS 1
// means at least once, so a receiver drops a message whose (kiosk, boot,
// seq) it has seen; keeping the highest seq per kiosk and boot is enough,
// because a kiosk sends in seq order.
//
// A status is published when something in it changes (checked every few
// seconds; ages and uptime do not count as changes) and at least every
// Opts.StatusEvery (15 minutes). Counters are published at every
// Opts.CountersEvery boundary (hourly): green, amber, red and entries since
// the previous message, read from the store's daily counters against a
// bookmark kept in the store with the message, so a restart neither loses
// nor repeats a count. The door's counts come the same way: "exempt",
// entries a guard admitted on an exemption, by category (under12, 65plus,
// disability, other), and "overrides", the times entry was opened without
// checks (a supervisor's card or the open button); categories and overrides with nothing to
// report are left out of the message.
//
// # Offline
//
// Messages wait in the store's outbox (store.OutboxAdd) and leave in seq
// order once the broker acknowledges each (PUBACK); only then are they
// deleted. The outbox is bounded (Opts.QueueMax): a newer status replaces
// one that was never sent, and when the outbox is full the two oldest
// counters messages never sent are merged into one covering both periods
// ("periods" counts how many) — never dropped. A message whose publish was
// attempted is never merged (the broker may have it). The last status's
// "queue" says how many wait and how many merges happened.
//
// # Privacy
//
// Nothing in a message names a holder, gives a date of birth, a pass
// identifier or a hash of one: the types have no field for them, the
// counters are counts, and the free-text fields (device states, the last
// error) are cut to MaxText bytes of printable ASCII with dates, long
// numbers and long hex or base64 runs replaced (Clean).
package fleet

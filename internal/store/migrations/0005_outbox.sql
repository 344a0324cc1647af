-- v5: the fleet outbox. Messages for the operator's MQTT broker
-- wait here while the kiosk has no link, and leave in order once the
-- broker has acknowledged them. Bodies are the fleet package's JSON:
-- counts, versions and device states only, never a holder's data or a pass
-- identifier (see firmware/fleet).

-- seq is AUTOINCREMENT so that a number is never handed out twice, even
-- after the newest rows were deleted: receivers drop repeats by it.
CREATE TABLE outbox (
	seq       INTEGER PRIMARY KEY AUTOINCREMENT,
	kind      TEXT NOT NULL CHECK (length(kind) BETWEEN 1 AND 16 AND kind NOT GLOB '*[^a-z]*'),
	topic     TEXT NOT NULL CHECK (length(topic) BETWEEN 1 AND 256),
	retain    INTEGER NOT NULL CHECK (retain IN (0, 1)),
	body      BLOB NOT NULL CHECK (typeof(body) = 'blob' AND length(body) BETWEEN 1 AND 65536),
	queued_at INTEGER NOT NULL CHECK (queued_at >= 0),
	-- sent: a publish was attempted; the broker may have it, so the row is
	-- never merged into another (that would count it twice).
	sent      INTEGER NOT NULL DEFAULT 0 CHECK (sent IN (0, 1))
);
-- Collapsing statuses and merging the oldest counters: by kind, in order.
CREATE INDEX outbox_by_kind ON outbox (kind, seq);

-- outbox_marks: the sender's bookmarks (e.g. the counts already reported),
-- written in the same transaction as the message they belong to.
CREATE TABLE outbox_marks (
	name  TEXT NOT NULL PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 64),
	value BLOB NOT NULL CHECK (length(value) <= 4096)
) WITHOUT ROWID;

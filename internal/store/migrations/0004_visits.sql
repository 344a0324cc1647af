-- v4: the visit log, kept on the kiosk only. A visit is a keyed
-- hash of a pass ID (HMAC-SHA256 under a per-device secret that lives in a
-- file of its own, never in this database), the time it was judged and the
-- verdict. Nothing in a row names the holder, and without the device's
-- secret a hash cannot even be linked to a pass ID. Visits older than the
-- policy's retention are erased and their pages reclaimed (see visits.go).

-- visits: rowid order is insertion order, so expired rows free whole pages
-- at the start of the table.
CREATE TABLE visits (
	id      INTEGER PRIMARY KEY,
	hash    BLOB NOT NULL CHECK (typeof(hash) = 'blob' AND length(hash) = 32),
	at      INTEGER NOT NULL CHECK (at >= 0),
	verdict TEXT NOT NULL CHECK (verdict IN ('green', 'amber', 'red'))
);
-- A returning pass: one index descent finds its visits in time order.
CREATE INDEX visits_by_hash ON visits (hash, at);
-- Retention: expired visits are one range at the start of this index.
CREATE INDEX visits_by_time ON visits (at);

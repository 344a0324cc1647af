-- v6: staff cards and the door. Staff-card revocations come
-- from sync; exempt entries are counted per day and category; the open
-- door (staff override) is logged with who opened and closed it (a staff
-- card id or "button"). Nothing in any row is about a visitor: counts,
-- times and staff card ids only.

-- staff_revoked: card ids the operator revoked (a synced data set).
CREATE TABLE staff_revoked (
	card_id TEXT NOT NULL PRIMARY KEY CHECK (length(card_id) BETWEEN 1 AND 24 AND card_id NOT GLOB '*[^A-Z0-9-]*')
) WITHOUT ROWID;

-- exempt_counts: exempt entries a guard recorded, per day and category.
CREATE TABLE exempt_counts (
	day      TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
	category TEXT NOT NULL CHECK (category IN ('under12', '65plus', 'disability', 'other')),
	n        INTEGER NOT NULL DEFAULT 0 CHECK (n >= 0),
	PRIMARY KEY (day, category)
) WITHOUT ROWID;

-- overrides: each time entry was opened (no checks), in start order.
-- until is when it would end by itself; ended is NULL while it is open.
CREATE TABLE overrides (
	id         INTEGER PRIMARY KEY,
	day        TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
	started    INTEGER NOT NULL CHECK (started >= 0),
	until      INTEGER NOT NULL CHECK (until > started),
	started_by TEXT NOT NULL CHECK (length(started_by) BETWEEN 1 AND 32 AND started_by NOT GLOB '*[^A-Za-z0-9-]*'),
	ended      INTEGER CHECK (ended IS NULL OR ended >= started),
	ended_by   TEXT CHECK (ended_by IS NULL OR (length(ended_by) BETWEEN 1 AND 32 AND ended_by NOT GLOB '*[^A-Za-z0-9-]*')),
	end_reason TEXT CHECK (end_reason IS NULL OR end_reason IN ('staff', 'timeout', 'restart')),
	CHECK ((ended IS NULL) = (end_reason IS NULL))
);
CREATE INDEX overrides_by_day ON overrides (day);

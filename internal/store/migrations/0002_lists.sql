-- v2: red/amber code lists, the entry policy and exposure notices.

-- codes: a pass ID under a red or amber code from valid_from (inclusive,
-- 0: since always) until valid_until (exclusive, NULL: open-ended).
CREATE TABLE codes (
	id          BLOB NOT NULL CHECK (typeof(id) = 'blob' AND length(id) = 32),
	code        TEXT NOT NULL CHECK (code IN ('red', 'amber')),
	valid_from  INTEGER NOT NULL CHECK (valid_from >= 0),
	valid_until INTEGER CHECK (valid_until IS NULL OR valid_until > valid_from),
	PRIMARY KEY (id, code, valid_from)
) WITHOUT ROWID;

-- policy: the current entry policy as its JSON text; one row.
CREATE TABLE policy (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	json       TEXT NOT NULL CHECK (length(json) BETWEEN 2 AND 65536),
	updated_at INTEGER NOT NULL
);

-- exposures: "a case was at this venue during this window" notices, shown
-- until notice_until. The visit log (a later migration) is matched
-- against them.
CREATE TABLE exposures (
	id           INTEGER PRIMARY KEY,
	venue        TEXT NOT NULL CHECK (length(venue) BETWEEN 1 AND 128),
	window_start INTEGER NOT NULL CHECK (window_start >= 0),
	window_end   INTEGER NOT NULL CHECK (window_end > window_start),
	notice_en    TEXT NOT NULL CHECK (length(notice_en) <= 2048),
	notice_zh    TEXT NOT NULL CHECK (length(notice_zh) <= 2048),
	notice_until INTEGER NOT NULL CHECK (notice_until >= 0)
);
CREATE INDEX exposures_by_venue ON exposures (venue, window_start);

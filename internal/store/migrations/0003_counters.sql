-- v3: daily counters. Counts only: nothing in a row says who was scanned.
CREATE TABLE daily_counts (
	day     TEXT NOT NULL PRIMARY KEY CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
	green   INTEGER NOT NULL DEFAULT 0 CHECK (green >= 0),
	red     INTEGER NOT NULL DEFAULT 0 CHECK (red >= 0),
	amber   INTEGER NOT NULL DEFAULT 0 CHECK (amber >= 0),
	entries INTEGER NOT NULL DEFAULT 0 CHECK (entries >= 0)
) WITHOUT ROWID;

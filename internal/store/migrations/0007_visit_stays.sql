-- v7: stays, not instants. A visit becomes the interval from its
-- check-in to its check-out: the keyed hash, the check-in and, once an exit
-- scan records it, the check-out, both to the minute (the check-in rounded
-- down, the check-out up, so that a stay never shrinks). Nothing else: the
-- verdict shown at the door is no longer kept, the time no longer to the
-- second. A check-out is a column of its check-in's row, so an exit scan
-- adds no row, and retention (by check-in) erases both at once.
--
-- Exposures may carry the assumed stay of a visit without a check-out
-- (seconds, whole minutes, 15 min to 8 h); NULL: the entry policy's for
-- the venue's category.

CREATE TABLE visits_v7 (
	id       INTEGER PRIMARY KEY,
	hash     BLOB NOT NULL CHECK (typeof(hash) = 'blob' AND length(hash) = 32),
	at       INTEGER NOT NULL CHECK (at >= 0 AND at % 60 = 0),
	checkout INTEGER CHECK (checkout IS NULL OR (checkout % 60 = 0 AND checkout > at))
);
-- Visits keep their ids (rowid order is insertion order) and lose their
-- seconds and verdicts.
INSERT INTO visits_v7 (id, hash, at) SELECT id, hash, at - at % 60 FROM visits ORDER BY id;
DROP TABLE visits;
ALTER TABLE visits_v7 RENAME TO visits;
-- A returning pass: one index descent finds its stays in time order, and
-- the index alone answers (it covers the check-out too: no table lookup
-- per stay on the scan path).
CREATE INDEX visits_by_hash ON visits (hash, at, checkout);
-- Retention: expired visits are one range at the start of this index.
CREATE INDEX visits_by_time ON visits (at);

ALTER TABLE exposures ADD COLUMN assumed_stay INTEGER
	CHECK (assumed_stay IS NULL OR (assumed_stay BETWEEN 900 AND 28800 AND assumed_stay % 60 = 0));

-- v1: the store's frame and the data sets the verifier cannot work without.
-- Times are INTEGER unix seconds (UTC). No table has a column for a holder's
-- name, date of birth or a raw payload: passes are known by their 32-byte ID.

-- settings: technician settings, key/value.
CREATE TABLE settings (
	key   TEXT NOT NULL PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 64),
	value TEXT NOT NULL CHECK (length(value) <= 4096)
) WITHOUT ROWID;

-- time_floor: the last known good time; one row, raised only.
CREATE TABLE time_floor (
	id   INTEGER PRIMARY KEY CHECK (id = 1),
	unix INTEGER NOT NULL CHECK (unix >= 0)
);

-- data_versions: which version of each synced data set is applied, and the
-- signed timestamp of the metadata that delivered it.
CREATE TABLE data_versions (
	name       TEXT NOT NULL PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 64),
	version    INTEGER NOT NULL CHECK (version >= 0),
	applied_at INTEGER NOT NULL,
	source     TEXT NOT NULL CHECK (length(source) <= 256),
	signed_at  INTEGER NOT NULL CHECK (signed_at >= 0)
) WITHOUT ROWID;

-- trust_keys: issuer public keys as PKIX (SubjectPublicKeyInfo) DER.
-- not_before / not_after NULL: unbounded. source names the data set (or
-- technician file) that delivered the key; each is replaced as a whole.
CREATE TABLE trust_keys (
	id         INTEGER PRIMARY KEY,
	format     TEXT NOT NULL CHECK (length(format) BETWEEN 1 AND 32),
	kid        TEXT NOT NULL CHECK (length(kid) BETWEEN 1 AND 256),
	issuer     TEXT NOT NULL CHECK (length(issuer) <= 256),
	public_key BLOB NOT NULL CHECK (typeof(public_key) = 'blob' AND length(public_key) BETWEEN 1 AND 4096),
	usage      INTEGER NOT NULL CHECK (usage BETWEEN 0 AND 255),
	not_before INTEGER,
	not_after  INTEGER,
	source     TEXT NOT NULL CHECK (length(source) BETWEEN 1 AND 64),
	CHECK (not_before IS NULL OR not_after IS NULL OR not_after >= not_before),
	UNIQUE (source, format, kid, public_key)
);
CREATE INDEX trust_keys_lookup ON trust_keys (format, kid);

-- revoked: revoked pass IDs. WITHOUT ROWID keeps one B-tree keyed by the ID
-- itself: about 40 bytes an entry, a lookup is one tree descent.
CREATE TABLE revoked (
	id BLOB NOT NULL PRIMARY KEY CHECK (typeof(id) = 'blob' AND length(id) = 32)
) WITHOUT ROWID;

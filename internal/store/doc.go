// Package store is the kiosk's SQLite database (github.com/mattn/go-sqlite3,
// cgo) and the only package in the firmware that speaks SQL. It holds the
// trust keys, the revocation list, the red/amber code lists, the entry
// policy, exposure notices, settings, daily counters, the visit log, the
// versions of the synced data sets, the time floor, the outbox of
// messages waiting for the fleet broker (counts and device states only),
// revoked staff cards, exempt-entry counts and the open-door log (staff
// card ids and times). It never holds a
// holder's name, date of birth or a raw pass payload: there is no column for
// them, and passes are known only by their 32-byte pass.ID — in the visit
// log not even that, only by a keyed hash of it (visits.go).
//
// A *Store implements pass.Trust, verify.Revocations, verify.Codes,
// verify.Freshness and clock.FloorStore. Sync writes through Apply: every
// change a sync makes is one transaction.
//
// # Files
//
//	kiosk.db               the database (SQLite file format 3, WAL mode)
//	kiosk.db-wal, -shm     SQLite's write-ahead log and its index
//	kiosk.db.lock          held (flock) while a Store or Restore has the database
//	kiosk.db.pre-v3        copy made before migrating to schema v3 (see Restore)
//	kiosk.db.corrupt-<T>   a damaged database moved aside at UTC time T
//	kiosk.db.replaced-<T>  the database Restore replaced
//
// # Durability
//
// The database runs in WAL mode (https://www.sqlite.org/wal.html) with
// PRAGMA synchronous=FULL. In WAL mode, NORMAL already keeps the database
// consistent after a power cut, but it syncs the log only at checkpoints, so
// the last transactions before a cut can be lost even though they
// committed. FULL syncs the WAL at every commit, so a commit that returned
// is on flash. The kiosk commits rarely (a sync, a raise of the time floor,
// counter updates) and needs what it committed to stay: a sync that the
// kiosk reported as applied must not come back older after a power cut (the
// freshness judgement and the data versions rely on it), and the time floor
// must never move back (that would let a wrong clock in). go-sqlite3 is
// built with SQLITE_DEFAULT_WAL_SYNCHRONOUS=1 (NORMAL), so the store sets
// FULL on every connection explicitly and a test checks it. Counters should
// be batched by the caller (say once a minute): every commit is an fsync on
// an SD card. Flash that acknowledges a flush it has not done defeats any
// setting; use an industrial card.
//
// # Connections
//
// One writer connection (BEGIN IMMEDIATE transactions, a 16 MiB page cache)
// serialises every write; a pool of read-only connections serves lookups.
// In WAL mode a reader sees the last committed snapshot and never waits
// for a write transaction, however long: a sync replacing ten million
// revocations does not delay a scan. Writes (counters, settings) do queue
// behind a running Apply, as their context allows; RaiseTimeFloor, which
// the clock calls on the scan path, returns ErrBusy instead of waiting.
// busy_timeout (5 s) covers the short locks of checkpoints;
// foreign keys are enforced.
//
// # Revocation lookups
//
// Revoked first asks an in-memory Bloom filter of the revoked IDs
// (revfilter.go): most passes are not revoked, and for them it answers
// "no" in well under a microsecond; the rest (the revoked, and about 0.2%
// false positives) ask SQLite, which stays the source of truth. Open
// builds the filter from the table (reported in Status().FilterBuilt:
// 5–7 s at ten million entries on a server core), and every
// transaction that adds revocations adds them to it before it commits, so
// a lookup never misses a revocation that is in the store. It takes 12.8
// bits an entry: 16 MB at ten million.
//
// # Contexts
//
// Every method that may wait takes a context, except those of the
// interfaces the verifier and the clock call (Keys, Revoked, Code,
// TimeFloor, RaiseTimeFloor), which have none. Those run with
// context.Background: a cancellable context costs database/sql a goroutine
// per query, doubling a lookup's 99th percentile; a WAL reader has nothing
// to wait for but the busy timeout, and RaiseTimeFloor does not wait.
// Their …Context variants take one. DataTime reads a copy in memory.
//
// # Opening
//
// Open, in order:
//
//  1. reads the 100-byte database header with plain file I/O
//     (https://www.sqlite.org/fileformat2.html#the_database_header). A
//     schema version (user_version, offset 60) newer than schemaVersion is
//     a *NewerSchemaError and nothing is touched: no lock file, no -wal, no
//     -shm, not a byte of the database;
//  2. takes kiosk.db.lock (ErrInUse when held);
//  3. moves a file without an SQLite header aside;
//  4. through a read-only connection (which never checkpoints or truncates
//     a WAL), reads user_version again — the WAL may hold a newer schema
//     than the header — and runs PRAGMA quick_check. A database that fails
//     it, or that SQLite calls corrupt or not a database, is moved aside
//     (never deleted) with its -wal and -shm, exactly as found, to
//     kiosk.db.corrupt-<UTC time>; a fresh one is built in its place, the
//     event is logged with slog and reported in Status().Recovered. (A
//     database still in rollback-journal mode with a hot -journal, as a
//     crash right after Restore could leave, is checked by the writer
//     instead, which rolls the journal back first);
//  5. opens the writer (WAL, synchronous=FULL);
//  6. migrates: before changing an existing non-empty database it copies it
//     with SQLite's online backup API to kiosk.db.pre-v<target>, then applies
//     every pending migration and the new user_version in ONE transaction;
//  7. opens the read pool;
//  8. builds the revocation filter from the table.
//
// quick_check reads every page, so its cost grows with the database:
// Status().Checked reports it.
//
// # Migrations
//
// migrations/NNNN_name.sql, numbered from 0001 without gaps; PRAGMA
// user_version holds the number of the last one applied. The first release
// ships as four (v1 base and revocations, v2 code lists, policy and
// exposures, v3 counters, v4 the visit log) so that the upgrade path is
// exercised from the start; v5 adds the fleet outbox (outbox.go), v6 the staff-card revocations,
// exempt-entry counts and the open-door log (staff.go, door.go), v7 stays
// in the visit log (check-in and check-out to the minute, no verdict) and
// the exposures' assumed stays (visits.go, exposures.go). To add one: write the next file, raise
// schemaVersion, and add its methods in a file of its own; the tests apply
// every migration from an empty database and from the version before it. A
// migration runs inside a transaction, so it must not depend on PRAGMA
// foreign_keys changes (nor switch auto_vacuum, which needs a VACUUM), and
// it must never drop data a Restore would need.
//
// # Erasing
//
// The writer runs with PRAGMA secure_delete=FAST: the space a deleted or
// moved cell leaves inside a page is zeroed at no extra I/O. ExpireVisits
// erases expired visits with secure_delete ON, hands the freed pages back
// with an incremental vacuum (the database is switched to
// auto_vacuum=INCREMENTAL by a one-time VACUUM on its first run) and
// truncates the WAL, so an erased visit leaves no copy in kiosk.db or its
// -wal. Copies made before a migration (kiosk.db.pre-vN) and damaged files
// moved aside keep the visits they held; they are kept for Restore and
// hold keyed hashes only.
//
// Times are stored as unix seconds (UTC); sub-second parts are dropped.
package store

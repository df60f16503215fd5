-- Migration 8: index rows taken from a snapshot. Frozen once shipped.

-- A device joining a team writes the index rows a snapshot carries (the
-- projection its sender made) instead of loading each document. Such a
-- case file is listed here until the device has loaded its document and
-- projected it itself; any full projection of the case file removes it.
-- `rows_hash` is the SHA-256 of the rows as carried (their postcard
-- encoding): when the device's own projection encodes the same, the rows
-- written are already right and are not written again.
CREATE TABLE unchecked (
    case_id   TEXT PRIMARY KEY,
    rows_hash BLOB NOT NULL
) STRICT, WITHOUT ROWID;

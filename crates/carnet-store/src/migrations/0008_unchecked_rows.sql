-- Migration 8: index rows taken from a snapshot. Frozen once shipped.

-- A device joining a team writes the index rows a snapshot carries (the
-- projection its sender made) instead of loading each document. Such a
-- case file is listed here until the device has loaded its document and
-- projected it itself; any full projection of the case file removes it.
CREATE TABLE unchecked (
    case_id TEXT PRIMARY KEY
) STRICT, WITHOUT ROWID;

-- Migration 3: the team roster and snapshot bookkeeping. Frozen once shipped.

-- The team roster (which worker holds which device), an Automerge document
-- synced through the hub like a case file.
CREATE TABLE roster (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    doc       BLOB NOT NULL
) STRICT;

-- Per document of the team log: entries seen for it (received or sent), and
-- that count when this device last sent a snapshot of it.
CREATE TABLE log_counts (
    case_id     TEXT PRIMARY KEY,
    entries     INTEGER NOT NULL,
    at_snapshot INTEGER NOT NULL DEFAULT 0
) STRICT;

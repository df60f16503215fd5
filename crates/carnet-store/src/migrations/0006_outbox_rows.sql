-- Migration 6: the sync outbox, one row per sealed entry. Frozen once shipped.
-- (Number 5 belongs to another change made at the same time.)

-- Sealed entries the hub has not acknowledged yet, oldest first. Each is
-- added when the changes it seals leave `outgoing` and deleted when the hub
-- acknowledges it, in the transactions that do so; the engine's state in
-- `sync_state` keeps only the cursor. States saved before this migration
-- may still hold entries: the device moves them here at its next sync.
CREATE TABLE outbox (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    entry_id TEXT NOT NULL UNIQUE,
    bytes    BLOB NOT NULL
) STRICT;

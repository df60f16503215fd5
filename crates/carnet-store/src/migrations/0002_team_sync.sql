-- Migration 2: team membership and sync. Frozen once shipped.

-- The team this device belongs to (one at most) and its own secret keys.
-- The database is encrypted, so the seeds are at rest under the passphrase.
CREATE TABLE team (
    singleton  INTEGER PRIMARY KEY CHECK (singleton = 1),
    team_id    TEXT NOT NULL,
    hub_url    TEXT NOT NULL,
    role       TEXT NOT NULL,
    sign_seed  BLOB NOT NULL,
    agree_seed BLOB NOT NULL,
    joined_ms  INTEGER NOT NULL
) STRICT;

-- Team keys received, one per epoch.
CREATE TABLE team_keys (
    epoch INTEGER PRIMARY KEY,
    key   BLOB NOT NULL
) STRICT;

-- The team's devices as the hub lists them (public keys only).
CREATE TABLE team_devices (
    device_id  TEXT PRIMARY KEY,
    sign_key   BLOB NOT NULL,
    agree_key  BLOB NOT NULL,
    role       TEXT NOT NULL,
    revoked    INTEGER NOT NULL
) STRICT;

-- The sync engine's saved state (cursor and unacknowledged sealed entries,
-- encoded by the device layer) and the status line.
CREATE TABLE sync_state (
    singleton    INTEGER PRIMARY KEY CHECK (singleton = 1),
    engine       BLOB NOT NULL,
    last_sync_ms INTEGER,
    last_error   TEXT
) STRICT;

-- Changes made or imported on this device and not yet sealed for the hub,
-- written in the same transaction as the change itself.
CREATE TABLE outgoing (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id TEXT NOT NULL,
    bytes   BLOB NOT NULL
) STRICT;

-- Changes received for a case file that cannot take them yet (its creation,
-- or a change they depend on, has not arrived): kept until it does.
CREATE TABLE held_changes (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id TEXT NOT NULL,
    bytes   BLOB NOT NULL
) STRICT;
CREATE INDEX held_changes_by_case ON held_changes (case_id, seq);

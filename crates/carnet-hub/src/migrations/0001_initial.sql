-- Migration 1: shipped. Frozen: never edit, add a new migration instead.
-- Ids are UUIDs in text form. Nothing here is readable content: entries,
-- snapshots and wrapped keys are ciphertext the hub cannot open.

-- A team: its current key epoch and the last sequence number of its log.
CREATE TABLE teams (
    team       TEXT PRIMARY KEY,
    epoch      INTEGER NOT NULL,
    last_seq   INTEGER NOT NULL DEFAULT 0,
    created_ms INTEGER NOT NULL
) STRICT;

-- Enrolled devices. `invite_id` is the nil UUID for the lead who created the
-- team; `revoked_epoch` is the epoch its revocation started.
CREATE TABLE devices (
    team          TEXT NOT NULL REFERENCES teams (team),
    device        TEXT NOT NULL,
    sign_key      BLOB NOT NULL,
    agree_key     BLOB NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('lead', 'worker')),
    invite_id     TEXT NOT NULL,
    enrolled_ms   INTEGER NOT NULL,
    revoked_epoch INTEGER,
    revoked_ms    INTEGER,
    PRIMARY KEY (team, device)
) STRICT;

-- Single-use invites. `used_by` is set when a device joins with it.
CREATE TABLE invites (
    invite_id          TEXT PRIMARY KEY,
    team               TEXT NOT NULL REFERENCES teams (team),
    created_by         TEXT NOT NULL,
    role               TEXT NOT NULL CHECK (role IN ('lead', 'worker')),
    expires_ms         INTEGER NOT NULL,
    wrapped_ephemeral  BLOB NOT NULL,
    wrapped_nonce      BLOB NOT NULL,
    wrapped_ciphertext BLOB NOT NULL,
    created_ms         INTEGER NOT NULL,
    used_by            TEXT,
    used_ms            INTEGER
) STRICT;
CREATE INDEX invites_by_creator ON invites (team, created_by);

-- Team keys of epochs after the first, wrapped for each remaining device.
CREATE TABLE device_keys (
    team               TEXT NOT NULL REFERENCES teams (team),
    device             TEXT NOT NULL,
    epoch              INTEGER NOT NULL,
    wrapped_ephemeral  BLOB NOT NULL,
    wrapped_nonce      BLOB NOT NULL,
    wrapped_ciphertext BLOB NOT NULL,
    PRIMARY KEY (team, device, epoch)
) STRICT;

-- Each team's log: sequence numbers from 1 without gaps, one row per entry id.
CREATE TABLE entries (
    team        TEXT NOT NULL REFERENCES teams (team),
    seq         INTEGER NOT NULL,
    entry_id    TEXT NOT NULL,
    doc         TEXT NOT NULL,
    author      TEXT NOT NULL,
    epoch       INTEGER NOT NULL,
    nonce       BLOB NOT NULL,
    ciphertext  BLOB NOT NULL,
    signature   BLOB NOT NULL,
    received_ms INTEGER NOT NULL,
    PRIMARY KEY (team, seq),
    UNIQUE (team, entry_id)
) STRICT;

-- The latest snapshot of each document.
CREATE TABLE snapshots (
    team        TEXT NOT NULL REFERENCES teams (team),
    doc         TEXT NOT NULL,
    covers_seq  INTEGER NOT NULL,
    entry_id    TEXT NOT NULL,
    author      TEXT NOT NULL,
    epoch       INTEGER NOT NULL,
    nonce       BLOB NOT NULL,
    ciphertext  BLOB NOT NULL,
    signature   BLOB NOT NULL,
    received_ms INTEGER NOT NULL,
    PRIMARY KEY (team, doc)
) STRICT;

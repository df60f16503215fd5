-- Migration 1: shipped. Frozen: never edit, add a new migration instead.

-- The device's identity: one row.
CREATE TABLE device (
    singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
    device_id   TEXT NOT NULL,
    worker      TEXT NOT NULL,
    device_name TEXT NOT NULL,
    created_ms  INTEGER NOT NULL
) STRICT;

-- Case files: a snapshot (a saved Automerge document) plus the changes made
-- since, in `changes`. `generation` counts writes, so a writer can tell
-- whether another process wrote the document since it was read.
CREATE TABLE documents (
    case_id         TEXT PRIMARY KEY,
    snapshot        BLOB NOT NULL,
    generation      INTEGER NOT NULL DEFAULT 0,
    pending_changes INTEGER NOT NULL DEFAULT 0,
    pending_bytes   INTEGER NOT NULL DEFAULT 0,
    updated_ms      INTEGER NOT NULL
) STRICT;

CREATE TABLE changes (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id TEXT NOT NULL REFERENCES documents (case_id),
    bytes   BLOB NOT NULL
) STRICT;
CREATE INDEX changes_by_case ON changes (case_id, seq);

-- Everything below is a projection of the documents: `reindex` rebuilds it.
-- `row` is also the rowid of the case file's `search` row.
CREATE TABLE caseload (
    row             INTEGER PRIMARY KEY,
    case_id         TEXT NOT NULL UNIQUE REFERENCES documents (case_id),
    name            TEXT NOT NULL,
    sort_key        TEXT NOT NULL,
    commune         TEXT NOT NULL,
    commune_key     TEXT NOT NULL,
    last_visit      TEXT,
    visits          INTEGER NOT NULL,
    open_procedures INTEGER NOT NULL,
    next_task_due   TEXT,
    conflicts       INTEGER NOT NULL,
    read_only       INTEGER NOT NULL
) STRICT;
CREATE INDEX caseload_by_last_visit ON caseload (last_visit DESC, sort_key);
CREATE INDEX caseload_by_name ON caseload (sort_key);

CREATE TABLE visit_index (
    visit_id TEXT PRIMARY KEY,
    case_id  TEXT NOT NULL,
    at       TEXT,
    worker   TEXT NOT NULL,
    archived INTEGER NOT NULL
) STRICT;
CREATE INDEX visit_index_by_case ON visit_index (case_id);

CREATE TABLE procedure_index (
    procedure_id TEXT PRIMARY KEY,
    case_id      TEXT NOT NULL,
    agency       TEXT NOT NULL,
    what         TEXT NOT NULL,
    status       TEXT NOT NULL,
    due          TEXT
) STRICT;
CREATE INDEX procedure_index_by_case ON procedure_index (case_id);

CREATE TABLE task_index (
    task_id  TEXT PRIMARY KEY,
    case_id  TEXT NOT NULL,
    title    TEXT NOT NULL,
    due      TEXT,
    done     INTEGER NOT NULL,
    assignee TEXT NOT NULL
) STRICT;
CREATE INDEX task_index_by_case ON task_index (case_id);
CREATE INDEX task_index_open_by_due ON task_index (done, due);

CREATE TABLE conflict_index (
    case_id TEXT NOT NULL,
    field   TEXT NOT NULL,
    shown   TEXT NOT NULL,
    values_count INTEGER NOT NULL,
    PRIMARY KEY (case_id, field)
) STRICT;

-- Case files that could not be read, with the reason, so one bad document
-- is reported and does not stop the others.
CREATE TABLE broken (
    case_id TEXT PRIMARY KEY,
    error   TEXT NOT NULL,
    seen_ms INTEGER NOT NULL
) STRICT;

-- Accent-insensitive full-text search over names, communes and notes.
CREATE VIRTUAL TABLE search USING fts5 (
    case_id UNINDEXED,
    name,
    commune,
    notes,
    tokenize = 'unicode61 remove_diacritics 2'
);

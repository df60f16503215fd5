-- Protocol 3: an entry may carry the changes of several documents (a
-- device's whole push, compressed together). `docs` lists them, 16 bytes
-- each in order, when there is more than one; `doc` keeps the first.
-- `entry_docs` has one row per document of each entry, so that a device
-- starting from snapshots is sent an entry unless every document it
-- carries is held by one of those snapshots.
ALTER TABLE entries ADD COLUMN docs BLOB;

CREATE TABLE entry_docs (
    team TEXT NOT NULL,
    seq  INTEGER NOT NULL,
    doc  TEXT NOT NULL,
    PRIMARY KEY (team, seq, doc),
    FOREIGN KEY (team, seq) REFERENCES entries (team, seq)
) STRICT, WITHOUT ROWID;

INSERT INTO entry_docs (team, seq, doc) SELECT team, seq, doc FROM entries;

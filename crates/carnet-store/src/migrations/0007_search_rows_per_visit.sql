-- Migration 7: the full-text index, one row per visit. Frozen once shipped.

-- The full-text index had one row per case file holding every note, so a
-- save made FTS5 take out and tokenise all of a case file's notes again.
-- It now has one row for the case file's own fields (name, commune and the
-- situation, in `notes`) and one row per visit that is not archived (its
-- note, in `notes`). A search finds a case file when each word is in one of
-- its rows. The text is not kept twice: the table holds the words only.
--
-- Row numbers: the case file's row is `caseload.row << 20`; its visits take
-- the numbers after it, so the case file of a row is `rowid >> 20`.
DROP TABLE search;
CREATE VIRTUAL TABLE search USING fts5 (
    name,
    commune,
    notes,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- Which visit each row of `search` holds (NULL: the case file's own row).
CREATE TABLE search_rows (
    row      INTEGER PRIMARY KEY,
    visit_id TEXT UNIQUE
) STRICT;

-- Present while the rows of `search` must be built again from the
-- documents (done when the store is opened, in one transaction that also
-- deletes this row): the old rows cannot be split into visits.
CREATE TABLE search_rebuild (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1)
) STRICT;
INSERT INTO search_rebuild (singleton) SELECT 1 WHERE EXISTS (SELECT 1 FROM documents);

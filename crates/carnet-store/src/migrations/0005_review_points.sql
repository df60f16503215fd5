-- Migration 5: the lead's review points. Frozen once shipped.

-- When this device's worker last marked a review point (the store's clock,
-- like documents.updated_ms). One row, absent until the first review.
CREATE TABLE review_point (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    at_ms     INTEGER NOT NULL
) STRICT;

-- For each case file reviewed: the heads (hex, space-separated) it had when
-- it was reviewed, and when that list was read (the store's clock). What
-- changed since is every change that is not among the heads' ancestors; only
-- case files written since `at_ms` can hold such changes.
CREATE TABLE review_heads (
    case_id TEXT PRIMARY KEY REFERENCES documents (case_id),
    heads   TEXT NOT NULL,
    at_ms   INTEGER NOT NULL
) STRICT;

-- Migration 5: the lead's review points. Frozen once shipped.

-- When this device's worker last marked a review point (the store's clock,
-- like documents.updated_ms). One row, absent until the first review.
CREATE TABLE review_point (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    at_ms     INTEGER NOT NULL
) STRICT;

-- The heads (hex, space-separated) each case file had at the last review
-- point: what changed since is every change that is not among their ancestors.
CREATE TABLE review_heads (
    case_id TEXT PRIMARY KEY REFERENCES documents (case_id),
    heads   TEXT NOT NULL
) STRICT;

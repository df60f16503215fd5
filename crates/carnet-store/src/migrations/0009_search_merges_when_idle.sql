-- Migration 9: the full-text index merges its segments in the background.
-- Frozen once shipped.

-- Each commit that writes search rows adds a small segment to the index.
-- FTS5 merged segments inside that commit, which made some saves several
-- times slower than the rest. The app's sync loop now merges them between
-- saves (`Store::tidy`); a commit still merges once a level holds 16
-- segments (the default `crisismerge`), should the loop not run.
INSERT INTO search (search, rank) VALUES ('automerge', 0);

-- Migration 4: the archive flag of a case file in the caseload index.
-- Frozen once shipped.

-- Archived case files (no contact for a long time) are left out of the
-- default caseload list but stay searchable. Rows written before this
-- migration read 0: the flag did not exist yet, and `reindex` rebuilds them.
ALTER TABLE caseload ADD COLUMN archived INTEGER NOT NULL DEFAULT 0;

-- Migration 2: snapshot versions. Frozen once shipped.
-- Each stored snapshot gets the team's next snapshot version, so a device
-- that fetched the snapshots as of version V can pull the log without the
-- entries those exact snapshots hold (a snapshot replaced since is newer
-- than V, and its document's entries are sent in full).
ALTER TABLE teams ADD COLUMN snapshot_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE snapshots ADD COLUMN version INTEGER NOT NULL DEFAULT 0;

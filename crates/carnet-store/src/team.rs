//! Team membership and sync bookkeeping on the device: the team, its keys
//! and devices, the sync engine's saved state and the queue of changes not
//! yet sealed for the hub. The bytes stored here are opaque to this crate;
//! the device layer encodes them.

use std::collections::BTreeMap;

use rusqlite::{OptionalExtension, TransactionBehavior, params};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::StoreError;
use crate::store::{Store, now_ms};

type Res<T> = Result<T, StoreError>;

/// The team this device belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamRecord {
    /// The team id.
    pub team_id: String,
    /// The hub's address.
    pub hub_url: String,
    /// `lead` or `worker`.
    pub role: String,
}

/// A device of the team, as last listed by the hub.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamDevice {
    /// Its id.
    pub device_id: String,
    /// Ed25519 public key.
    pub sign_key: Vec<u8>,
    /// X25519 public key.
    pub agree_key: Vec<u8>,
    /// `lead` or `worker`.
    pub role: String,
    /// Revoked or not.
    pub revoked: bool,
}

/// A change waiting to be sealed for the hub.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutgoingChange {
    /// Queue position.
    pub seq: i64,
    /// The case file.
    pub case_id: String,
    /// Change chunks (or a whole document).
    pub bytes: Vec<u8>,
}

/// What a save of the sync state does to the outbox (sealed entries not yet
/// acknowledged by the hub, one row each), in the same transaction.
#[derive(Clone, Copy, Debug, Default)]
pub struct OutboxUpdate<'a> {
    /// Entries sealed since the last save, oldest first: (entry id, the
    /// encoded entry).
    pub sealed: &'a [(String, Vec<u8>)],
    /// The queued changes up to this position are sealed in `sealed`: they
    /// leave the queue.
    pub sealed_up_to: Option<i64>,
    /// Entry ids the hub acknowledged: they leave the outbox.
    pub acked: &'a [String],
}

/// The saved sync state and status line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncRecord {
    /// The engine's encoded state.
    pub engine: Vec<u8>,
    /// Last successful exchange.
    pub last_sync_ms: Option<i64>,
    /// Last error in words.
    pub last_error: Option<String>,
}

impl Store {
    /// The team, if the device belongs to one.
    ///
    /// # Errors
    /// Database errors.
    pub fn team(&self) -> Res<Option<TeamRecord>> {
        Ok(self
            .conn
            .query_row("SELECT team_id, hub_url, role FROM team", [], |r| {
                Ok(TeamRecord {
                    team_id: r.get(0)?,
                    hub_url: r.get(1)?,
                    role: r.get(2)?,
                })
            })
            .optional()?)
    }

    /// This device's secret key seeds (signing, agreement).
    ///
    /// # Errors
    /// Database errors; [`StoreError::ItemNotFound`] outside a team.
    pub fn team_secrets(&self) -> Res<Zeroizing<([u8; 32], [u8; 32])>> {
        let (sign, agree): (Vec<u8>, Vec<u8>) = self
            .conn
            .query_row("SELECT sign_seed, agree_seed FROM team", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?
            .ok_or(StoreError::ItemNotFound {
                what: "team",
                id: String::new(),
            })?;
        let (sign, agree) = (Zeroizing::new(sign), Zeroizing::new(agree));
        let bad = || StoreError::ItemNotFound {
            what: "team key",
            id: String::new(),
        };
        Ok(Zeroizing::new((
            sign.as_slice().try_into().map_err(|_| bad())?,
            agree.as_slice().try_into().map_err(|_| bad())?,
        )))
    }

    /// Records that the device joined (or created) a team, with its keys.
    /// Every case file already on the device is queued for the hub so the
    /// team receives it, in the same transaction.
    ///
    /// # Errors
    /// [`StoreError::AlreadyInTeam`]; database errors.
    pub fn join_team(
        &mut self,
        team: &TeamRecord,
        secrets: &([u8; 32], [u8; 32]),
        keys: &[(u32, [u8; 32])],
    ) -> Res<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let already: i64 = tx.query_row("SELECT count(*) FROM team", [], |r| r.get(0))?;
        if already > 0 {
            return Err(StoreError::AlreadyInTeam);
        }
        tx.execute(
            "INSERT INTO team (singleton, team_id, hub_url, role, sign_seed, agree_seed, joined_ms)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                team.team_id,
                team.hub_url,
                team.role,
                secrets.0.as_slice(),
                secrets.1.as_slice(),
                now_ms()
            ],
        )?;
        for (epoch, key) in keys {
            tx.execute(
                "INSERT OR REPLACE INTO team_keys (epoch, key) VALUES (?1, ?2)",
                params![epoch, key.as_slice()],
            )?;
        }
        tx.execute(
            "INSERT INTO outgoing (case_id, bytes) SELECT case_id, snapshot FROM documents",
            [],
        )?;
        tx.execute(
            "INSERT INTO outgoing (case_id, bytes) SELECT case_id, bytes FROM changes ORDER BY seq",
            [],
        )?;
        tx.commit()?;
        self.in_team = true;
        Ok(())
    }

    /// The team keys received, by epoch.
    ///
    /// # Errors
    /// Database errors.
    pub fn team_keys(&self) -> Res<Vec<(u32, Zeroizing<Vec<u8>>)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT epoch, key FROM team_keys ORDER BY epoch")?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, u32>(0)?, Zeroizing::new(r.get::<_, Vec<u8>>(1)?)))
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Stores a team key of a new epoch.
    ///
    /// # Errors
    /// Database errors.
    pub fn add_team_key(&mut self, epoch: u32, key: &[u8; 32]) -> Res<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO team_keys (epoch, key) VALUES (?1, ?2)",
            params![epoch, key.as_slice()],
        )?;
        Ok(())
    }

    /// The team's devices as last listed.
    ///
    /// # Errors
    /// Database errors.
    pub fn team_devices(&self) -> Res<Vec<TeamDevice>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT device_id, sign_key, agree_key, role, revoked FROM team_devices ORDER BY device_id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(TeamDevice {
                device_id: r.get(0)?,
                sign_key: r.get(1)?,
                agree_key: r.get(2)?,
                role: r.get(3)?,
                revoked: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Replaces the list of the team's devices.
    ///
    /// # Errors
    /// Database errors; nothing is written on error.
    pub fn set_team_devices(&mut self, devices: &[TeamDevice]) -> Res<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM team_devices", [])?;
        for d in devices {
            tx.execute(
                "INSERT INTO team_devices (device_id, sign_key, agree_key, role, revoked) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![d.device_id, d.sign_key, d.agree_key, d.role, d.revoked],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Changes waiting to be sealed, oldest first.
    ///
    /// # Errors
    /// Database errors.
    pub fn outgoing(&self) -> Res<Vec<OutgoingChange>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT seq, case_id, bytes FROM outgoing ORDER BY seq")?;
        let rows = stmt.query_map([], |r| {
            Ok(OutgoingChange {
                seq: r.get(0)?,
                case_id: r.get(1)?,
                bytes: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Keeps received changes that a case file cannot take yet.
    ///
    /// # Errors
    /// Database errors.
    pub fn hold_changes(&mut self, case_id: &str, bytes: &[u8]) -> Res<()> {
        self.conn.execute(
            "INSERT INTO held_changes (case_id, bytes) VALUES (?1, ?2)",
            params![case_id, bytes],
        )?;
        Ok(())
    }

    /// The changes held for a case file, oldest first.
    ///
    /// # Errors
    /// Database errors.
    pub fn held_changes(&self, case_id: &str) -> Res<Vec<Vec<u8>>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT bytes FROM held_changes WHERE case_id = ?1 ORDER BY seq")?;
        let rows = stmt.query_map([case_id], |r| r.get::<_, Vec<u8>>(0))?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Forgets the changes held for a case file (they are in it now).
    ///
    /// # Errors
    /// Database errors.
    pub fn clear_held_changes(&mut self, case_id: &str) -> Res<()> {
        self.conn
            .execute("DELETE FROM held_changes WHERE case_id = ?1", [case_id])?;
        Ok(())
    }

    /// The saved sync state.
    ///
    /// # Errors
    /// Database errors.
    pub fn sync_record(&self) -> Res<SyncRecord> {
        Ok(self
            .conn
            .query_row(
                "SELECT engine, last_sync_ms, last_error FROM sync_state",
                [],
                |r| {
                    Ok(SyncRecord {
                        engine: r.get(0)?,
                        last_sync_ms: r.get(1)?,
                        last_error: r.get(2)?,
                    })
                },
            )
            .optional()?
            .unwrap_or_default())
    }

    /// Saves the sync state and, in the same transaction, updates the outbox:
    /// adds the entries sealed, drops the queued changes they seal and the
    /// entries the hub acknowledged. It writes in proportion to `outbox`,
    /// whatever the number of entries waiting.
    ///
    /// # Errors
    /// Database errors (an entry id already in the outbox is one); nothing
    /// is written on error.
    pub fn save_sync_record(&mut self, record: &SyncRecord, outbox: OutboxUpdate<'_>) -> Res<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT OR REPLACE INTO sync_state (singleton, engine, last_sync_ms, last_error) VALUES (1, ?1, ?2, ?3)",
            params![record.engine, record.last_sync_ms, record.last_error],
        )?;
        {
            let mut add = tx.prepare_cached("INSERT INTO outbox (entry_id, bytes) VALUES (?1, ?2)")?;
            for (entry_id, bytes) in outbox.sealed {
                add.execute(params![entry_id, bytes])?;
            }
            let mut remove = tx.prepare_cached("DELETE FROM outbox WHERE entry_id = ?1")?;
            for entry_id in outbox.acked {
                remove.execute([entry_id])?;
            }
        }
        if let Some(seq) = outbox.sealed_up_to {
            tx.execute("DELETE FROM outgoing WHERE seq <= ?1", [seq])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The sealed entries the hub has not acknowledged, oldest first (as
    /// given to [`Store::save_sync_record`]).
    ///
    /// # Errors
    /// Database errors.
    pub fn outbox(&self) -> Res<Vec<Vec<u8>>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT bytes FROM outbox ORDER BY seq")?;
        let rows = stmt.query_map([], |r| r.get::<_, Vec<u8>>(0))?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// How many entries wait in the outbox, and how many changes wait in
    /// the queue to be sealed.
    ///
    /// # Errors
    /// Database errors.
    pub fn pending_counts(&self) -> Res<(usize, usize)> {
        let (outbox, outgoing): (i64, i64) = self.conn.query_row(
            "SELECT (SELECT count(*) FROM outbox), (SELECT count(*) FROM outgoing)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok((
            usize::try_from(outbox).unwrap_or(0),
            usize::try_from(outgoing).unwrap_or(0),
        ))
    }

    /// The team roster document, if this device has one.
    ///
    /// # Errors
    /// Database errors.
    pub fn roster(&self) -> Res<Option<Vec<u8>>> {
        Ok(self
            .conn
            .query_row("SELECT doc FROM roster", [], |r| r.get(0))
            .optional()?)
    }

    /// Saves the roster document and, in the same transaction, queues
    /// `change` (written on this device) for the hub under the team id.
    ///
    /// # Errors
    /// Database errors; nothing is written on error.
    pub fn save_roster(&mut self, doc: &[u8], change: Option<&[u8]>) -> Res<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT OR REPLACE INTO roster (singleton, doc) VALUES (1, ?1)",
            [doc],
        )?;
        if let Some(change) = change {
            tx.execute(
                "INSERT INTO outgoing (case_id, bytes) SELECT team_id, ?1 FROM team",
                [change],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Renames this device.
    ///
    /// # Errors
    /// Database errors.
    pub fn set_device_name(&mut self, name: &str) -> Res<()> {
        self.conn.execute("UPDATE device SET device_name = ?1", [name])?;
        self.identity.device_name = name.to_owned();
        Ok(())
    }

    /// Counts log entries seen per document, in one transaction.
    ///
    /// # Errors
    /// Database errors; nothing is written on error.
    pub fn count_log_entries(&mut self, seen: &BTreeMap<String, u32>) -> Res<()> {
        if seen.is_empty() {
            return Ok(());
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let mut count = tx.prepare_cached(
                "INSERT INTO log_counts (case_id, entries) VALUES (?1, ?2)
                 ON CONFLICT (case_id) DO UPDATE SET entries = entries + excluded.entries",
            )?;
            for (case_id, entries) in seen {
                count.execute(params![case_id, entries])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Documents with at least `threshold` log entries since this device last
    /// sent a snapshot of them, most entries first, at most `limit`.
    ///
    /// # Errors
    /// Database errors.
    pub fn snapshot_candidates(&self, threshold: u32, limit: u32) -> Res<Vec<String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT case_id FROM log_counts WHERE entries - at_snapshot >= ?1
             ORDER BY entries - at_snapshot DESC, case_id LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![threshold, limit], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Notes that a snapshot of the document was stored by the hub.
    ///
    /// # Errors
    /// Database errors.
    pub fn snapshot_sent(&mut self, case_id: &str) -> Res<()> {
        self.conn.execute(
            "UPDATE log_counts SET at_snapshot = entries WHERE case_id = ?1",
            [case_id],
        )?;
        Ok(())
    }
}

//! [`HubStorage`] in one SQLite file, `hub.db` in the data directory.
//!
//! The hub holds only ciphertext, so the file is plain SQLite (the SQLCipher
//! build of the workspace, left unkeyed). WAL with `synchronous = FULL`: a
//! transaction that committed survives a power cut, which is what an
//! acknowledgement promises. One connection behind a mutex serialises writes;
//! callers on an async runtime run these methods on a blocking thread.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use carnet_protocol::{
    Ack, DeviceKey, DevicePublicKeys, DeviceRecord, EntryHeader, Invite, LogEntry, Revocation, Role,
    SealedEntry, Snapshot, Wrapped,
};
use rusqlite::types::Type;
use rusqlite::{Connection, OpenFlags, OptionalExtension, Row, Transaction, TransactionBehavior, params};
use uuid::Uuid;

use crate::HubError;
use crate::migrations;
use crate::storage::{Enrolment, HubStorage, LogPage, SnapshotPage};

/// The database file's name in the data directory.
pub const DATABASE_FILE: &str = "hub.db";

/// What an entry weighs in a response beyond its ciphertext and signature
/// (header, nonce, framing), for the response size budget.
const ENTRY_OVERHEAD: usize = 128;

type Res<T> = Result<T, HubError>;

/// The hub's state in SQLite.
#[derive(Debug)]
pub struct SqliteStorage {
    conn: Mutex<Connection>,
}

fn configure(mut conn: Connection) -> Result<Connection, rusqlite::Error> {
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // FULL: an acknowledged push survives a power cut, not only a crash.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    migrations::migrate(&mut conn)?;
    Ok(conn)
}

impl SqliteStorage {
    /// Opens (or creates) `hub.db` in `data_dir`, which must exist, and
    /// brings its schema up to date.
    ///
    /// # Errors
    /// [`HubError::Open`] when the file cannot be opened or migrated,
    /// [`HubError::NewerDatabase`] when a newer hub made it.
    pub fn open(data_dir: &Path) -> Res<Self> {
        let path = data_dir.join(DATABASE_FILE);
        let open = |path: &PathBuf| {
            let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX;
            Connection::open_with_flags(path, flags)
        };
        let conn = open(&path).map_err(|source| HubError::Open {
            path: path.clone(),
            source,
        })?;
        migrations::check_version(&conn)?;
        let conn = configure(conn).map_err(|source| HubError::Open { path, source })?;
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }

    /// A database in memory, gone when dropped (for tests and trials).
    ///
    /// # Errors
    /// [`HubError::Internal`] when SQLite cannot start.
    pub fn open_in_memory() -> Res<Self> {
        let conn = configure(Connection::open_in_memory()?)?;
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }

    pub(crate) fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while the lock was held rolled its transaction back when
        // the transaction was dropped: the connection is still sound.
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Res<T>) -> Res<T> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }
}

fn uuid_at(row: &Row<'_>, index: usize) -> rusqlite::Result<Uuid> {
    let text: String = row.get(index)?;
    Uuid::parse_str(&text)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(index, Type::Text, Box::new(e)))
}

fn role_at(row: &Row<'_>, index: usize) -> rusqlite::Result<Role> {
    match row.get_ref(index)?.as_str()? {
        "lead" => Ok(Role::Lead),
        "worker" => Ok(Role::Worker),
        other => Err(rusqlite::Error::FromSqlConversionFailure(
            index,
            Type::Text,
            format!("unknown role {other:?}").into(),
        )),
    }
}

fn role_text(role: Role) -> &'static str {
    match role {
        Role::Lead => "lead",
        Role::Worker => "worker",
    }
}

/// Three columns from `index`: ephemeral key, nonce, ciphertext.
fn wrapped_at(row: &Row<'_>, index: usize) -> rusqlite::Result<Wrapped> {
    Ok(Wrapped {
        ephemeral: row.get(index)?,
        nonce: row.get(index + 1)?,
        ciphertext: row.get(index + 2)?,
    })
}

fn seq_value(seq: i64, index: usize) -> rusqlite::Result<u64> {
    u64::try_from(seq)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(index, Type::Integer, Box::new(e)))
}

/// A sealed entry from the columns `team, doc, author, epoch, entry_id,
/// nonce, ciphertext, signature` starting at `index`, and with `docs` the
/// index of the column listing its documents when it has several.
fn entry_at(row: &Row<'_>, index: usize, docs: Option<usize>) -> rusqlite::Result<SealedEntry> {
    let listed: Option<Vec<u8>> = match docs {
        Some(column) => row.get(column)?,
        None => None,
    };
    let docs = match listed {
        None => vec![uuid_at(row, index + 1)?],
        Some(bytes) => {
            if bytes.len() % 16 != 0 {
                return Err(rusqlite::Error::FromSqlConversionFailure(
                    docs.unwrap_or(0),
                    Type::Blob,
                    "a list of documents is not a whole number of ids".into(),
                ));
            }
            bytes
                .chunks_exact(16)
                .map(|id| Uuid::from_slice(id).unwrap_or_default())
                .collect()
        }
    };
    Ok(SealedEntry {
        header: EntryHeader {
            team: uuid_at(row, index)?,
            docs,
            author: uuid_at(row, index + 2)?,
            epoch: row.get(index + 3)?,
            entry_id: uuid_at(row, index + 4)?,
        },
        nonce: row.get(index + 5)?,
        ciphertext: row.get(index + 6)?,
        signature: row.get(index + 7)?,
    })
}

const DEVICE_COLUMNS: &str = "device, sign_key, agree_key, role, revoked_epoch IS NOT NULL, invite_id";

fn device_at(row: &Row<'_>) -> rusqlite::Result<DeviceRecord> {
    Ok(DeviceRecord {
        device: uuid_at(row, 0)?,
        keys: DevicePublicKeys {
            sign: row.get(1)?,
            agree: row.get(2)?,
        },
        role: role_at(row, 3)?,
        revoked: row.get(4)?,
        invite_id: uuid_at(row, 5)?,
    })
}

fn read_device(conn: &Connection, team: Uuid, device: Uuid) -> Res<Option<DeviceRecord>> {
    Ok(conn
        .query_row(
            &format!("SELECT {DEVICE_COLUMNS} FROM devices WHERE team = ?1 AND device = ?2"),
            params![team.to_string(), device.to_string()],
            device_at,
        )
        .optional()?)
}

fn last_seq(tx: &Transaction<'_>, team: Uuid) -> Res<i64> {
    tx.query_row(
        "SELECT last_seq FROM teams WHERE team = ?1",
        [team.to_string()],
        |r| r.get(0),
    )
    .optional()?
    .ok_or(HubError::BadRequest("there is no such team on this hub"))
}

impl HubStorage for SqliteStorage {
    fn create_team(&self, team: Uuid, lead: Uuid, keys: &DevicePublicKeys, now_ms: i64) -> Res<()> {
        self.write(|tx| {
            let team_text = team.to_string();
            let exists = tx
                .query_row("SELECT 1 FROM teams WHERE team = ?1", [&team_text], |_| Ok(()))
                .optional()?
                .is_some();
            if exists {
                return Err(HubError::TeamExists);
            }
            tx.execute(
                "INSERT INTO teams (team, epoch, last_seq, created_ms) VALUES (?1, 1, 0, ?2)",
                params![team_text, now_ms],
            )?;
            tx.execute(
                "INSERT INTO devices (team, device, sign_key, agree_key, role, invite_id, enrolled_ms)
                 VALUES (?1, ?2, ?3, ?4, 'lead', ?5, ?6)",
                params![
                    team_text,
                    lead.to_string(),
                    keys.sign,
                    keys.agree,
                    Uuid::nil().to_string(),
                    now_ms
                ],
            )?;
            Ok(())
        })
    }

    fn put_invite(&self, team: Uuid, created_by: Uuid, invite: &Invite, now_ms: i64) -> Res<()> {
        self.write(|tx| {
            let existing = tx
                .query_row(
                    "SELECT team, created_by, role, expires_ms, wrapped_ephemeral, wrapped_nonce,
                            wrapped_ciphertext, used_by IS NOT NULL
                     FROM invites WHERE invite_id = ?1",
                    [invite.invite_id.to_string()],
                    |r| {
                        Ok((
                            uuid_at(r, 0)?,
                            uuid_at(r, 1)?,
                            role_at(r, 2)?,
                            r.get::<_, i64>(3)?,
                            wrapped_at(r, 4)?,
                            r.get::<_, bool>(7)?,
                        ))
                    },
                )
                .optional()?;
            if let Some((old_team, old_creator, role, expires_ms, wrapped, used)) = existing {
                // The same invite sent again after a lost answer is stored already.
                let retry = old_team == team
                    && old_creator == created_by
                    && role == invite.role
                    && expires_ms == invite.expires_ms
                    && wrapped == invite.wrapped
                    && !used;
                return if retry {
                    Ok(())
                } else {
                    Err(HubError::BadRequest(
                        "an invite with this code exists already; make a new invite with another code",
                    ))
                };
            }
            tx.execute(
                "INSERT INTO invites (invite_id, team, created_by, role, expires_ms, wrapped_ephemeral,
                                      wrapped_nonce, wrapped_ciphertext, created_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    invite.invite_id.to_string(),
                    team.to_string(),
                    created_by.to_string(),
                    role_text(invite.role),
                    invite.expires_ms,
                    invite.wrapped.ephemeral,
                    invite.wrapped.nonce,
                    invite.wrapped.ciphertext,
                    now_ms
                ],
            )?;
            Ok(())
        })
    }

    fn take_invite(
        &self,
        invite_id: Uuid,
        device: Uuid,
        keys: &DevicePublicKeys,
        now_ms: i64,
    ) -> Res<Enrolment> {
        self.write(|tx| {
            let invite = tx
                .query_row(
                    "SELECT team, role, expires_ms, wrapped_ephemeral, wrapped_nonce, wrapped_ciphertext,
                            used_by
                     FROM invites WHERE invite_id = ?1",
                    [invite_id.to_string()],
                    |r| {
                        let used_by = match r.get_ref(6)?.as_str_or_null()? {
                            Some(_) => Some(uuid_at(r, 6)?),
                            None => None,
                        };
                        Ok((
                            uuid_at(r, 0)?,
                            role_at(r, 1)?,
                            r.get::<_, i64>(2)?,
                            wrapped_at(r, 3)?,
                            used_by,
                        ))
                    },
                )
                .optional()?;
            let Some((team, role, expires_ms, wrapped, used_by)) = invite else {
                return Err(HubError::InviteNotFound);
            };
            let enrolment = Enrolment { team, role, wrapped };
            if let Some(used_by) = used_by {
                // The same device joining again with the same keys lost the
                // first answer: give it again.
                if used_by == device
                    && let Some(record) = read_device(tx, team, device)?
                    && record.keys == *keys
                {
                    return if record.revoked {
                        Err(HubError::Revoked)
                    } else {
                        Ok(enrolment)
                    };
                }
                return Err(HubError::InviteUsed);
            }
            if now_ms > expires_ms {
                return Err(HubError::InviteExpired);
            }
            if read_device(tx, team, device)?.is_some() {
                return Err(HubError::BadRequest(
                    "this device is in the team already; use it as it is, or reset it to join again",
                ));
            }
            tx.execute(
                "INSERT INTO devices (team, device, sign_key, agree_key, role, invite_id, enrolled_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    team.to_string(),
                    device.to_string(),
                    keys.sign,
                    keys.agree,
                    role_text(role),
                    invite_id.to_string(),
                    now_ms
                ],
            )?;
            tx.execute(
                "UPDATE invites SET used_by = ?2, used_ms = ?3 WHERE invite_id = ?1",
                params![invite_id.to_string(), device.to_string(), now_ms],
            )?;
            Ok(enrolment)
        })
    }

    fn device(&self, team: Uuid, device: Uuid) -> Res<Option<DeviceRecord>> {
        read_device(&self.conn(), team, device)
    }

    fn devices(&self, team: Uuid) -> Res<Vec<DeviceRecord>> {
        let conn = self.conn();
        let mut statement = conn.prepare_cached(&format!(
            "SELECT {DEVICE_COLUMNS} FROM devices WHERE team = ?1 ORDER BY rowid"
        ))?;
        let devices = statement
            .query_map([team.to_string()], device_at)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(devices)
    }

    fn devices_version(&self, team: Uuid) -> Res<u64> {
        // One per enrolment, one more per revocation: as `devices_version`.
        let version: i64 = self
            .conn()
            .prepare_cached(
                "SELECT COALESCE(SUM(CASE WHEN revoked_epoch IS NULL THEN 1 ELSE 2 END), 0) \
                 FROM devices WHERE team = ?1",
            )?
            .query_row([team.to_string()], |r| r.get(0))?;
        Ok(u64::try_from(version).unwrap_or(0))
    }

    fn revoke(&self, team: Uuid, revocation: &Revocation, now_ms: i64) -> Res<()> {
        self.write(|tx| {
            let team_text = team.to_string();
            let current: u32 = tx
                .query_row("SELECT epoch FROM teams WHERE team = ?1", [&team_text], |r| {
                    r.get(0)
                })
                .optional()?
                .ok_or(HubError::BadRequest("there is no such team on this hub"))?;
            let revoked_epoch: Option<Option<u32>> = tx
                .query_row(
                    "SELECT revoked_epoch FROM devices WHERE team = ?1 AND device = ?2",
                    params![team_text, revocation.device.to_string()],
                    |r| r.get(0),
                )
                .optional()?;
            match revoked_epoch {
                None => {
                    return Err(HubError::BadRequest(
                        "there is no such device in the team; refresh the device list",
                    ));
                }
                // The same revocation sent again after a lost answer.
                Some(Some(epoch)) if epoch == revocation.epoch => return Ok(()),
                Some(Some(_)) => return Err(HubError::BadRequest("this device is revoked already")),
                Some(None) => {}
            }
            if Some(revocation.epoch) != current.checked_add(1) {
                return Err(HubError::BadRequest(
                    "the new key epoch must follow the current one; refresh the device list and try again",
                ));
            }
            let remaining: HashSet<Uuid> = {
                let mut statement = tx.prepare_cached(
                    "SELECT device FROM devices WHERE team = ?1 AND revoked_epoch IS NULL AND device != ?2",
                )?;
                statement
                    .query_map(params![team_text, revocation.device.to_string()], |r| {
                        uuid_at(r, 0)
                    })?
                    .collect::<Result<_, _>>()?
            };
            let mut wrapped_for = HashSet::new();
            for key in &revocation.keys {
                if key.epoch != revocation.epoch {
                    return Err(HubError::BadRequest(
                        "a wrapped key is for another epoch than the new one",
                    ));
                }
                if !remaining.contains(&key.device) {
                    return Err(HubError::BadRequest(
                        "a wrapped key is for a revoked device or one not in the team; \
                         refresh the device list",
                    ));
                }
                if !wrapped_for.insert(key.device) {
                    return Err(HubError::BadRequest("two wrapped keys are for the same device"));
                }
            }
            tx.execute(
                "UPDATE devices SET revoked_epoch = ?3, revoked_ms = ?4 WHERE team = ?1 AND device = ?2",
                params![team_text, revocation.device.to_string(), revocation.epoch, now_ms],
            )?;
            // Invites a revoked lead made and nobody used die with its access.
            tx.execute(
                "DELETE FROM invites WHERE team = ?1 AND created_by = ?2 AND used_by IS NULL",
                params![team_text, revocation.device.to_string()],
            )?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO device_keys (team, device, epoch, wrapped_ephemeral, wrapped_nonce,
                                          wrapped_ciphertext)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for key in &revocation.keys {
                insert.execute(params![
                    team_text,
                    key.device.to_string(),
                    key.epoch,
                    key.wrapped.ephemeral,
                    key.wrapped.nonce,
                    key.wrapped.ciphertext
                ])?;
            }
            tx.execute(
                "UPDATE teams SET epoch = ?2 WHERE team = ?1",
                params![team_text, revocation.epoch],
            )?;
            Ok(())
        })
    }

    fn device_keys(&self, team: Uuid, device: Uuid) -> Res<Vec<DeviceKey>> {
        let conn = self.conn();
        let mut statement = conn.prepare_cached(
            "SELECT device, epoch, wrapped_ephemeral, wrapped_nonce, wrapped_ciphertext
             FROM device_keys WHERE team = ?1 AND device = ?2 ORDER BY epoch",
        )?;
        let keys = statement
            .query_map(params![team.to_string(), device.to_string()], |r| {
                Ok(DeviceKey {
                    device: uuid_at(r, 0)?,
                    epoch: r.get(1)?,
                    wrapped: wrapped_at(r, 2)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(keys)
    }

    fn epoch(&self, team: Uuid) -> Res<Option<u32>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT epoch FROM teams WHERE team = ?1",
                [team.to_string()],
                |r| r.get(0),
            )
            .optional()?)
    }

    fn append(&self, team: Uuid, entries: &[SealedEntry], now_ms: i64) -> Res<Vec<Ack>> {
        if entries.is_empty() {
            return Ok(Vec::new());
        }
        self.write(|tx| {
            let team_text = team.to_string();
            let mut last = last_seq(tx, team)?;
            let first_new = last + 1;
            let mut find = tx.prepare_cached("SELECT seq FROM entries WHERE team = ?1 AND entry_id = ?2")?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO entries (team, seq, entry_id, doc, author, epoch, nonce, ciphertext, signature,
                                      received_ms, docs)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?;
            let mut insert_doc =
                tx.prepare_cached("INSERT INTO entry_docs (team, seq, doc) VALUES (?1, ?2, ?3)")?;
            let mut acks = Vec::with_capacity(entries.len());
            for entry in entries {
                let header = &entry.header;
                let entry_id = header.entry_id.to_string();
                let seq = match find
                    .query_row(params![team_text, entry_id], |r| r.get::<_, i64>(0))
                    .optional()?
                {
                    Some(seq) => seq,
                    None => {
                        last += 1;
                        let listed: Option<Vec<u8>> = (header.docs.len() > 1)
                            .then(|| header.docs.iter().flat_map(|d| *d.as_bytes()).collect());
                        let first = header.docs.first().copied().unwrap_or_default();
                        insert.execute(params![
                            team_text,
                            last,
                            entry_id,
                            first.to_string(),
                            header.author.to_string(),
                            header.epoch,
                            entry.nonce,
                            entry.ciphertext,
                            entry.signature,
                            now_ms,
                            listed
                        ])?;
                        for doc in &header.docs {
                            insert_doc.execute(params![team_text, last, doc.to_string()])?;
                        }
                        last
                    }
                };
                acks.push(Ack {
                    entry_id: header.entry_id,
                    seq: seq_value(seq, 0)?,
                });
            }
            if last >= first_new {
                tx.execute(
                    "UPDATE teams SET last_seq = ?2 WHERE team = ?1",
                    params![team_text, last],
                )?;
            }
            Ok(acks)
        })
    }

    fn entries_after(
        &self,
        team: Uuid,
        cursor: u64,
        limit: u32,
        max_bytes: usize,
        skip_snapshots: Option<u64>,
    ) -> Res<LogPage> {
        let conn = self.conn();
        // With snapshots to skip, an entry is sent when one of its documents
        // has no snapshot of at most that version covering its place.
        let mut statement = conn.prepare_cached(if skip_snapshots.is_some() {
            "SELECT seq, team, doc, author, epoch, entry_id, nonce, ciphertext, signature, docs
             FROM entries e WHERE team = ?1 AND seq > ?2
             AND EXISTS (SELECT 1 FROM entry_docs d WHERE d.team = e.team AND d.seq = e.seq
                         AND NOT EXISTS (SELECT 1 FROM snapshots s WHERE s.team = d.team AND s.doc = d.doc
                                         AND s.version <= ?4 AND s.covers_seq >= d.seq))
             ORDER BY seq LIMIT ?3"
        } else {
            "SELECT seq, team, doc, author, epoch, entry_id, nonce, ciphertext, signature, docs
             FROM entries e WHERE team = ?1 AND seq > ?2
             ORDER BY seq LIMIT ?3"
        })?;
        // One row past the limit tells whether more remain.
        let cursor = i64::try_from(cursor).unwrap_or(i64::MAX);
        let (team_text, past_limit) = (team.to_string(), i64::from(limit) + 1);
        let mut rows = match skip_snapshots {
            Some(version) => {
                let version = i64::try_from(version).unwrap_or(i64::MAX);
                statement.query(params![team_text, cursor, past_limit, version])?
            }
            None => statement.query(params![team_text, cursor, past_limit])?,
        };
        let mut entries = Vec::new();
        let mut bytes = 0usize;
        let mut more = false;
        while let Some(row) = rows.next()? {
            let entry = entry_at(row, 1, Some(9))?;
            let size = entry.ciphertext.len()
                + entry.signature.len()
                + ENTRY_OVERHEAD
                + 16 * entry.header.docs.len();
            let full = entries.len() >= limit as usize || (!entries.is_empty() && bytes + size > max_bytes);
            if full {
                more = true;
                break;
            }
            bytes += size;
            entries.push(LogEntry {
                seq: seq_value(row.get(0)?, 0)?,
                entry,
            });
        }
        drop(rows);
        let mut until = entries
            .last()
            .map_or(u64::try_from(cursor).unwrap_or(0), |e| e.seq);
        if !more && skip_snapshots.is_some() {
            // Entries left out after the last one sent are accounted for too.
            let last: Option<i64> = conn
                .query_row(
                    "SELECT last_seq FROM teams WHERE team = ?1",
                    [team.to_string()],
                    |r| r.get(0),
                )
                .optional()?;
            until = until.max(seq_value(last.unwrap_or(0), 0)?);
        }
        Ok(LogPage { entries, more, until })
    }

    fn put_snapshot(&self, team: Uuid, snapshot: &Snapshot, now_ms: i64) -> Res<()> {
        self.write(|tx| {
            let last = last_seq(tx, team)?;
            let covers = i64::try_from(snapshot.covers_seq).unwrap_or(i64::MAX);
            if covers > last {
                return Err(HubError::BadRequest(
                    "the snapshot covers entries the hub does not have; sync, then send it again",
                ));
            }
            let header = &snapshot.entry.header;
            let doc = header.single_doc().ok_or(HubError::BadRequest(
                "a snapshot holds one document; update carnet",
            ))?;
            let stored: Option<i64> = tx
                .query_row(
                    "SELECT covers_seq FROM snapshots WHERE team = ?1 AND doc = ?2",
                    params![team.to_string(), doc.to_string()],
                    |r| r.get(0),
                )
                .optional()?;
            if stored.is_some_and(|stored| stored > covers) {
                return Ok(());
            }
            let version: i64 = tx.query_row(
                "UPDATE teams SET snapshot_version = snapshot_version + 1 WHERE team = ?1
                 RETURNING snapshot_version",
                [team.to_string()],
                |r| r.get(0),
            )?;
            tx.execute(
                "INSERT INTO snapshots (team, doc, covers_seq, entry_id, author, epoch, nonce, ciphertext,
                                        signature, received_ms, version)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                 ON CONFLICT (team, doc) DO UPDATE SET
                     covers_seq = excluded.covers_seq, entry_id = excluded.entry_id,
                     author = excluded.author, epoch = excluded.epoch, nonce = excluded.nonce,
                     ciphertext = excluded.ciphertext, signature = excluded.signature,
                     received_ms = excluded.received_ms, version = excluded.version",
                params![
                    team.to_string(),
                    doc.to_string(),
                    covers,
                    header.entry_id.to_string(),
                    header.author.to_string(),
                    header.epoch,
                    snapshot.entry.nonce,
                    snapshot.entry.ciphertext,
                    snapshot.entry.signature,
                    now_ms,
                    version
                ],
            )?;
            Ok(())
        })
    }

    fn snapshots(&self, team: Uuid, after: Option<Uuid>, max_bytes: usize) -> Res<SnapshotPage> {
        let conn = self.conn();
        let team = team.to_string();
        let version: i64 = conn
            .query_row(
                "SELECT snapshot_version FROM teams WHERE team = ?1",
                [&team],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(0);
        let mut statement = conn.prepare_cached(
            "SELECT covers_seq, team, doc, author, epoch, entry_id, nonce, ciphertext, signature
             FROM snapshots WHERE team = ?1 AND doc > ?2 ORDER BY doc",
        )?;
        let after = after.map(|d| d.to_string()).unwrap_or_default();
        let mut rows = statement.query(params![team, after])?;
        let mut snapshots = Vec::new();
        let mut bytes = 0usize;
        let mut more = false;
        while let Some(row) = rows.next()? {
            let entry = entry_at(row, 1, None)?;
            let size = entry.ciphertext.len() + entry.signature.len() + ENTRY_OVERHEAD;
            if !snapshots.is_empty() && bytes + size > max_bytes {
                more = true;
                break;
            }
            bytes += size;
            snapshots.push(Snapshot {
                covers_seq: seq_value(row.get(0)?, 0)?,
                entry,
            });
        }
        Ok(SnapshotPage {
            snapshots,
            version: seq_value(version, 0)?,
            more,
        })
    }
}

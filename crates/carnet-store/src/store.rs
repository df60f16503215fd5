//! The device database: one SQLCipher file holding every case file as a
//! snapshot plus the changes made since, and the index derived from them.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use carnet_core::{
    AppliedChange, CaseFile, CaseFileView, CaseId, ChangeHash, Day, DeviceId, Edit, ProcedureId, TaskId,
    VisitId, Writer,
};
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use zeroize::Zeroizing;

use crate::StoreError;
use crate::fold::fold;
use crate::index;
use crate::key::{KdfParams, KeyFile, key_path};
use crate::migrations;
use crate::parallel;
use crate::snapshot;

type Res<T> = Result<T, StoreError>;

/// Compaction policy: a document's incremental changes are folded into a new
/// snapshot, in the same transaction as the save that crosses either bound.
/// Loading stays fast (few chunks to parse) and a write costs one small
/// insert, not a rewrite of the document, most of the time.
pub const COMPACT_AFTER_CHANGES: i64 = 64;
/// ... or once the changes weigh more than the snapshot (and at least this).
pub const COMPACT_AFTER_BYTES: i64 = 64 * 1024;

/// Who this device is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceIdentity {
    /// The device (and Automerge actor).
    pub device_id: DeviceId,
    /// The worker using it.
    pub worker: String,
    /// A name for the device ("tablette Anne").
    pub device_name: String,
}

/// One line of the caseload list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CaseSummary {
    /// The case file.
    pub id: CaseId,
    /// The person's name.
    pub name: String,
    /// Their commune.
    pub commune: String,
    /// The last visit that is not archived.
    #[ts(as = "Option<carnet_core::LocalDateTime>")]
    pub last_visit: Option<String>,
    /// How many visits that are not archived.
    pub visits: i64,
    /// Procedures not granted or refused.
    pub open_procedures: i64,
    /// The earliest due date of a task not done.
    #[ts(as = "Option<Day>")]
    pub next_task_due: Option<String>,
    /// Fields holding concurrent values.
    pub conflicts: i64,
    /// Whether a newer Carnet wrote it.
    pub read_only: bool,
    /// Whether the case file is archived (left out of the caseload list
    /// unless asked for; always found by search).
    pub archived: bool,
}

/// Filters for the caseload list.
#[derive(Clone, Debug, Default)]
pub struct CaseloadFilter {
    /// Only this commune (accents and case ignored).
    pub commune: Option<String>,
    /// Only people with a task due on or before this day.
    pub task_due_by: Option<Day>,
    /// Only people with an open procedure.
    pub open_procedures: bool,
    /// Only case files with conflicts.
    pub conflicts: bool,
    /// Archived case files too (left out by default).
    pub include_archived: bool,
    /// At most this many (all when `None`).
    pub limit: Option<u32>,
    /// Skip this many.
    pub offset: u32,
}

/// A task that is due.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DueTask {
    /// The case file.
    pub case_id: CaseId,
    /// The person's name.
    pub name: String,
    /// The task.
    pub task_id: TaskId,
    /// What to do.
    pub title: String,
    /// When.
    #[ts(as = "Day")]
    pub due: String,
    /// Who.
    pub assignee: String,
}

/// A field with concurrent values, from the index.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConflictSummary {
    /// The case file.
    pub case_id: CaseId,
    /// The person's name.
    pub name: String,
    /// The field.
    pub field: String,
    /// The value shown until it is resolved.
    pub shown: String,
    /// How many concurrent values.
    pub values: i64,
}

/// A case file that could not be read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrokenCase {
    /// The case file.
    pub id: String,
    /// Why.
    pub error: String,
}

/// What a rebuild of the index did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReindexReport {
    /// Case files indexed.
    pub indexed: usize,
    /// Case files that could not be read.
    pub broken: Vec<BrokenCase>,
}

/// What a check of index rows taken from snapshots did ([`Store::check_received`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckReport {
    /// Case files checked (their rows now those projected here).
    pub checked: usize,
    /// Of those, case files whose rows differed and were written again.
    pub rewritten: usize,
    /// Case files whose document could not be read.
    pub broken: Vec<BrokenCase>,
    /// Case files left to check.
    pub left: u64,
}

/// Content received for a case file: changes or a saved document, and the
/// index rows a snapshot carried with it.
struct Incoming<'a> {
    id: CaseId,
    bytes: &'a [u8],
    rows: Option<snapshot::Rows<'a>>,
}

/// How a document is stored right now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StoredParts {
    /// Size of the snapshot in bytes.
    pub snapshot_bytes: i64,
    /// Incremental changes since the snapshot.
    pub changes: i64,
}

/// What a checkpoint of the write-ahead log did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    /// Pages (frames) the log held.
    pub log_frames: i64,
    /// Of those, how many are now in the database file. Fewer when another
    /// connection was reading them; the next checkpoint moves the rest.
    pub moved_frames: i64,
}

/// What [`Store::tidy`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tidied {
    /// Steps of merging the full-text index's segments that found work.
    pub merge_steps: u32,
    /// The checkpoint of the log that followed.
    pub checkpoint: Checkpoint,
}

/// Where a change comes from: made or imported here (queued for the hub
/// when the device is in a team), or received from the hub.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Origin {
    Here,
    Hub,
}

/// What became of content received from the hub ([`Store::receive`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Received {
    /// Applied: the case file holds it.
    Applied,
    /// Kept until what it needs arrives (its creation, or a change it
    /// depends on); the part that could be applied is.
    Held,
    /// Not changes of that case file; nothing was written for it.
    Refused(String),
}

/// A case file read from the store, remembering which write of the document
/// it reflects so a later save can tell if another process wrote in between.
#[derive(Debug)]
pub struct StoredCase {
    /// The document.
    pub file: CaseFile,
    generation: i64,
    /// What the index rows were last written from by this value, so the
    /// next edit can write only what it changed.
    indexed: Option<Indexed>,
}

/// The view the index rows of a case file were written from, at which heads,
/// and how many conflicts they hold.
#[derive(Debug)]
struct Indexed {
    view: CaseFileView,
    heads: Vec<ChangeHash>,
    conflicts: usize,
}

impl StoredCase {
    fn new(file: CaseFile, generation: i64) -> Self {
        Self {
            file,
            generation,
            indexed: None,
        }
    }

    /// Which write of the stored document this reflects: a value whose
    /// generation differs from [`Store::generation`] is out of date.
    #[must_use]
    pub fn generation(&self) -> i64 {
        self.generation
    }

    /// The view the index rows were written from, when this value knows it
    /// ([`Store::load_to_edit`] reads it with the document): the case
    /// file's view, without building it again.
    #[must_use]
    pub fn indexed_view(&self) -> Option<&CaseFileView> {
        self.indexed.as_ref().map(|i| &i.view)
    }

    /// Writes the index rows of the case file in full and remembers the view.
    fn project(&mut self, tx: &Connection) -> Res<CaseFileView> {
        let (view, conflicts) = index::project(tx, &mut self.file)?;
        self.indexed = Some(Indexed {
            view: view.clone(),
            heads: self.file.heads(),
            conflicts,
        });
        Ok(view)
    }
}

/// The open device database.
#[derive(Debug)]
pub struct Store {
    pub(crate) conn: Connection,
    dir: PathBuf,
    pub(crate) identity: DeviceIdentity,
    writer: Writer,
    /// Whether the device belongs to a team: then every change made or
    /// imported here is also queued for the hub, in the same transaction.
    pub(crate) in_team: bool,
    /// Documents read by [`Store::load`] since the store was opened.
    documents_read: std::cell::Cell<u64>,
}

pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

fn new_writer(device: DeviceId) -> Writer {
    Writer {
        device,
        session: rand::random(),
    }
}

/// The write-ahead log's length, in pages, past which a commit checkpoints it.
pub(crate) const WAL_AUTOCHECKPOINT_PAGES: i64 = 4_000;

/// Pages of full-text merging per step of [`Store::tidy`]: each step is one
/// short write transaction.
const MERGE_PAGES: i64 = 64;
/// Steps of [`Store::tidy`] at most per call.
const MERGE_STEPS: u32 = 32;

fn db_path(dir: &Path) -> PathBuf {
    dir.join("carnet.db")
}

fn open_connection(dir: &Path, key: &[u8; 32], create: bool) -> Res<Connection> {
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let conn = Connection::open_with_flags(db_path(dir), flags)?;
    let pragma = Zeroizing::new(format!("PRAGMA key = \"x'{}'\";", hex::encode(key)));
    conn.execute_batch(&pragma)?;
    // A wrong key is reported as an error below; SQLCipher's own log would
    // print it again on stderr. (Set after the key: keying resets the level.)
    conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
    // The first read is where SQLCipher finds out whether the key is right.
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0))?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // FULL: a commit that returned survives a power cut, not only a crash.
    conn.pragma_update(None, "synchronous", "FULL")?;
    // A save should not also copy the write-ahead log into the database:
    // the app's background loop does that between saves ([`Store::tidy`]).
    // SQLite still does it in a commit once the log passes this many pages
    // (16 MB), should that loop not run.
    conn.pragma_update(None, "wal_autocheckpoint", WAL_AUTOCHECKPOINT_PAGES)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // A save and a received page use a few dozen statements; the default
    // cache (16) would prepare some of them again every time.
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

/// Builds the full-text rows again from the documents when a migration
/// asked for it (migration 7 changed what a row holds), in one transaction
/// that also takes the request away. A document that cannot be read keeps
/// no rows (it is reported as broken when it is opened).
fn rebuild_search_if_asked(conn: &mut Connection, writer: Writer) -> Res<()> {
    let asked: bool = conn.query_row("SELECT EXISTS (SELECT 1 FROM search_rebuild)", [], |r| r.get(0))?;
    if !asked {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Another process may have done it while this one waited for the lock.
    if !tx.query_row("SELECT EXISTS (SELECT 1 FROM search_rebuild)", [], |r| {
        r.get::<_, bool>(0)
    })? {
        return Ok(());
    }
    index::clear_search(&tx)?;
    let cases: Vec<(String, i64)> = tx
        .prepare("SELECT case_id, row FROM caseload ORDER BY row")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    // A few hundred documents in memory at a time.
    for chunk in cases.chunks(256) {
        let mut parts = Vec::with_capacity(chunk.len());
        for (key, row) in chunk {
            parts.push((*row, read_parts(&tx, key)?));
        }
        parallel::map_in_order(
            &parts,
            |(_, (snapshot, changes))| {
                CaseFile::load_parts(snapshot, changes.iter().map(Vec::as_slice), writer)
                    .ok()
                    .map(|file| file.view())
            },
            |i, view| match view {
                Some(view) => index::write_search_rows(&tx, parts[i].0, &view),
                None => Ok(()),
            },
        )?;
    }
    tx.execute("DELETE FROM search_rebuild", [])?;
    tx.commit()?;
    Ok(())
}

impl Store {
    /// Whether a notebook exists in `dir`.
    #[must_use]
    pub fn exists(dir: &Path) -> bool {
        db_path(dir).exists()
    }

    /// Creates a new notebook in `dir` (created if missing).
    ///
    /// # Errors
    /// [`StoreError::AlreadyInitialised`] when one is there; I/O and database errors.
    pub fn create(dir: &Path, passphrase: &str, params: KdfParams, identity: DeviceIdentity) -> Res<Self> {
        if Self::exists(dir) {
            return Err(StoreError::AlreadyInitialised { dir: dir.to_owned() });
        }
        fs::create_dir_all(dir)?;
        let key_file = KeyFile::generate(params);
        key_file.write(dir)?;
        let key = key_file.derive(passphrase)?;
        let mut conn = open_connection(dir, &key, true)?;
        migrations::migrate(&mut conn)?;
        conn.execute(
            "INSERT INTO device (singleton, device_id, worker, device_name, created_ms) VALUES (1, ?1, ?2, ?3, ?4)",
            params![identity.device_id.to_string(), identity.worker, identity.device_name, now_ms()],
        )?;
        let writer = new_writer(identity.device_id);
        Ok(Self {
            conn,
            dir: dir.to_owned(),
            identity,
            writer,
            in_team: false,
            documents_read: std::cell::Cell::new(0),
        })
    }

    /// Opens the notebook in `dir`.
    ///
    /// # Errors
    /// [`StoreError::NotInitialised`], [`StoreError::WrongPassphrase`] (nothing
    /// is changed), [`StoreError::NewerDatabase`], key-file and database errors.
    pub fn open(dir: &Path, passphrase: &str) -> Res<Self> {
        if !Self::exists(dir) {
            return Err(StoreError::NotInitialised { dir: dir.to_owned() });
        }
        if !key_path(dir).exists() {
            return Err(StoreError::KeyFile {
                path: key_path(dir),
                reason: "it is missing".into(),
            });
        }
        let key = KeyFile::read(dir)?.derive(passphrase)?;
        let mut conn = open_connection(dir, &key, false)?;
        migrations::migrate(&mut conn)?;
        let identity = conn.query_row("SELECT device_id, worker, device_name FROM device", [], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let identity = DeviceIdentity {
            device_id: identity.0.parse()?,
            worker: identity.1,
            device_name: identity.2,
        };
        let writer = new_writer(identity.device_id);
        rebuild_search_if_asked(&mut conn, writer)?;
        let in_team = conn.query_row("SELECT count(*) FROM team", [], |r| r.get::<_, i64>(0))? > 0;
        Ok(Self {
            conn,
            dir: dir.to_owned(),
            identity,
            writer,
            in_team,
            documents_read: std::cell::Cell::new(0),
        })
    }

    /// Who this device is.
    #[must_use]
    pub fn identity(&self) -> &DeviceIdentity {
        &self.identity
    }

    /// How many documents [`Store::load`] read since the store was opened
    /// (a document is the costly part of a read: tests and benchmarks count them).
    #[must_use]
    pub fn documents_read(&self) -> u64 {
        self.documents_read.get()
    }

    /// The writer this store's changes are made by: this device, in this run.
    #[must_use]
    pub fn writer(&self) -> Writer {
        self.writer
    }

    /// The notebook's directory.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Runs SQLite's integrity check; `Ok(())` when the database is sound.
    ///
    /// # Errors
    /// [`StoreError::Sqlite`] carrying the first problem found.
    pub fn integrity_check(&self) -> Res<()> {
        let result: String = self.conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if result == "ok" {
            Ok(())
        } else {
            Err(StoreError::Sqlite(rusqlite::Error::InvalidParameterName(result)))
        }
    }

    /// Does the work the app leaves out of saves: merges the full-text
    /// index's segments (a few steps of bounded work, each its own short
    /// transaction), then checkpoints the write-ahead log. Changes no data.
    ///
    /// `pause` is slept between two steps. Another connection waiting to
    /// save retries at least every 100 ms (SQLite's busy handler), so with a
    /// pause of 100 ms it gets in after one step instead of waiting for the
    /// whole run.
    ///
    /// # Errors
    /// [`StoreError::Sqlite`], for example when the disk is full.
    pub fn tidy(&self, pause: std::time::Duration) -> Res<Tidied> {
        let mut merge_steps = 0;
        while merge_steps < MERGE_STEPS {
            if merge_steps > 0 && !pause.is_zero() {
                std::thread::sleep(pause);
            }
            let before = self.conn.total_changes();
            self.conn.execute(
                "INSERT INTO search (search, rank) VALUES ('merge', ?1)",
                [MERGE_PAGES],
            )?;
            // FTS5 counts one change for the command itself; more means it merged.
            if self.conn.total_changes() - before < 2 {
                break;
            }
            merge_steps += 1;
        }
        Ok(Tidied {
            merge_steps,
            checkpoint: self.checkpoint()?,
        })
    }

    /// Copies what the write-ahead log holds into the database file. It
    /// waits for no other connection (a passive checkpoint) and changes no
    /// data.
    ///
    /// # Errors
    /// [`StoreError::Sqlite`], for example when the disk is full.
    pub fn checkpoint(&self) -> Res<Checkpoint> {
        let (log_frames, moved_frames) = self.conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
            Ok((r.get(1)?, r.get(2)?))
        })?;
        Ok(Checkpoint {
            log_frames,
            moved_frames,
        })
    }

    /// Stores a case file that is new on this device and indexes it.
    ///
    /// # Errors
    /// Database errors; nothing is written on error.
    pub fn insert_case(&mut self, file: CaseFile) -> Res<StoredCase> {
        let mut cases = self.insert_cases(vec![file])?;
        cases
            .pop()
            .ok_or_else(|| StoreError::CaseNotFound { id: String::new() })
    }

    /// Stores several new case files in one transaction (used by imports and
    /// the demo data).
    ///
    /// # Errors
    /// Database errors; nothing is written on error.
    pub fn insert_cases(&mut self, files: Vec<CaseFile>) -> Res<Vec<StoredCase>> {
        self.insert_cases_from(files, Origin::Here)
    }

    /// Stores a case file received from the team's hub (not queued back to it).
    ///
    /// # Errors
    /// Database errors; nothing is written on error.
    pub fn insert_received(&mut self, file: CaseFile) -> Res<StoredCase> {
        let mut cases = self.insert_cases_from(vec![file], Origin::Hub)?;
        cases
            .pop()
            .ok_or_else(|| StoreError::CaseNotFound { id: String::new() })
    }

    fn insert_cases_from(&mut self, files: Vec<CaseFile>, origin: Origin) -> Res<Vec<StoredCase>> {
        let queue = self.in_team && origin == Origin::Here;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut stored = Vec::with_capacity(files.len());
        for mut file in files {
            let snapshot = file.save();
            tx.execute(
                "INSERT INTO documents (case_id, snapshot, generation, updated_ms) VALUES (?1, ?2, 1, ?3)",
                params![file.id().to_string(), snapshot, now_ms()],
            )?;
            if queue {
                tx.execute(
                    "INSERT INTO outgoing (case_id, bytes) VALUES (?1, ?2)",
                    params![file.id().to_string(), snapshot],
                )?;
            }
            let mut case = StoredCase::new(file, 1);
            case.project(&tx)?;
            stored.push(case);
        }
        tx.commit()?;
        Ok(stored)
    }

    /// Saves the changes an edit or a merge made to a stored case file, in
    /// one transaction, updates its index, and returns the case file's view. When the call returns the
    /// changes are on disk. If another process wrote the document since it was
    /// read, `case` is brought up to date first, so nothing of theirs is lost.
    ///
    /// # Errors
    /// [`StoreError::DiskFull`] and other database errors; nothing is written on error.
    pub fn save_changes(&mut self, case: &mut StoredCase, changes: &[AppliedChange]) -> Res<CaseFileView> {
        self.save_changes_from(case, changes, Origin::Here)
    }

    /// As [`Store::save_changes`], for changes received from the team's hub:
    /// they are not queued back to it.
    ///
    /// # Errors
    /// As [`Store::save_changes`].
    pub fn save_received(&mut self, case: &mut StoredCase, changes: &[AppliedChange]) -> Res<CaseFileView> {
        self.save_changes_from(case, changes, Origin::Hub)
    }

    fn save_changes_from(
        &mut self,
        case: &mut StoredCase,
        changes: &[AppliedChange],
        origin: Origin,
    ) -> Res<CaseFileView> {
        let queue = self.in_team && origin == Origin::Here;
        if changes.is_empty() {
            return Ok(case.file.view());
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let generation = write_changes(&tx, self.writer, queue, case, changes)?;
        let view = case.project(&tx);
        finish(tx, case, generation, view)
    }

    /// Saves the change an edit made to a stored case file, as
    /// [`Store::save_changes`] does, and returns the case file's view. When
    /// the index rows were written from `case` and nothing else changed the
    /// document since (no other process, no conflict to settle), only the
    /// rows the edit touched are written, and the view is brought up to date
    /// from the last one rather than read again: the cost follows the edit,
    /// not the size of the case file. Otherwise the case file is projected
    /// in full.
    ///
    /// # Errors
    /// As [`Store::save_changes`]; nothing is written on error.
    pub fn save_edit(
        &mut self,
        case: &mut StoredCase,
        change: AppliedChange,
        edit: &Edit,
    ) -> Res<CaseFileView> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let read_at = case.generation;
        let hash = change.hash;
        let generation = write_changes(&tx, self.writer, self.in_team, case, &[change])?;
        let indexed = case.indexed.take();
        let view = match indexed {
            // Written from this very value and generation, free of conflicts,
            // and the document is that one plus this change alone.
            Some(indexed)
                if generation == read_at + 1
                    && indexed.conflicts == 0
                    && case.file.heads() == [hash]
                    && case.file.change_deps(hash) == Some(indexed.heads.clone()) =>
            {
                let view = case.file.view_after(indexed.view.clone(), edit);
                match index::update(&tx, &indexed.view, &view) {
                    Ok(()) => {
                        case.indexed = Some(Indexed {
                            view: view.clone(),
                            heads: vec![hash],
                            conflicts: 0,
                        });
                        Ok(view)
                    }
                    Err(e) => Err(e),
                }
            }
            _ => case.project(&tx),
        };
        finish(tx, case, generation, view)
    }

    /// Applies content received from the team's hub, for many case files at
    /// once, in one transaction: each item is changes of a case file, a
    /// whole saved case file (a snapshot), or both. A case file new here
    /// whose content loads complete is stored as received, not saved again.
    /// Content a case file cannot take yet (its creation, or a change it
    /// depends on, has not arrived) is held and tried again with the next
    /// content of that case file, so nothing received is lost. Nothing is
    /// queued back to the hub.
    ///
    /// # Errors
    /// Database errors, and a stored case file that cannot be read: then
    /// nothing is written. Content that is not of the case file it names is
    /// not an error: its item is [`Received::Refused`] and the others are applied.
    pub fn receive(&mut self, items: &[(CaseId, &[u8])]) -> Res<Vec<Received>> {
        let incoming: Vec<Incoming<'_>> = items
            .iter()
            .map(|(id, bytes)| Incoming {
                id: *id,
                bytes,
                rows: None,
            })
            .collect();
        self.receive_incoming(&incoming)
    }

    /// Applies snapshots received from the team's hub ([`Store::snapshot`]
    /// made them), as [`Store::receive`] applies content. A case file new
    /// here whose snapshot carries index rows of this version's format is
    /// stored with those rows, without loading its document: it is then
    /// unchecked until [`Store::check_received`] loads it. Any other
    /// snapshot (one saved before snapshots carried rows, rows of another
    /// format, a case file already here) is applied as content.
    ///
    /// # Errors
    /// As [`Store::receive`]. A snapshot cut short is refused.
    pub fn receive_snapshots(&mut self, items: &[(CaseId, &[u8])]) -> Res<Vec<Received>> {
        let mut refused = Vec::new();
        let mut incoming = Vec::with_capacity(items.len());
        for (i, (id, content)) in items.iter().enumerate() {
            match snapshot::parts(content) {
                Ok(parts) => incoming.push(Incoming {
                    id: *id,
                    bytes: parts.document,
                    rows: parts.rows,
                }),
                Err(reason) => refused.push((i, Received::Refused(reason))),
            }
        }
        let mut outcomes = self.receive_incoming(&incoming)?;
        for (i, outcome) in refused {
            outcomes.insert(i, outcome);
        }
        Ok(outcomes)
    }

    fn receive_incoming(&mut self, items: &[Incoming<'_>]) -> Res<Vec<Received>> {
        let writer = self.writer;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        // The first content of a case file new here, with nothing held for
        // it, is opened and projected on worker threads (most of the cost of
        // a joining device), or its carried rows unpacked; everything else,
        // and any content that does not open complete, goes through
        // `receive_one` in order.
        let mut seen = std::collections::HashSet::with_capacity(items.len());
        let mut new_here = Vec::with_capacity(items.len());
        for item in items {
            new_here.push(seen.insert(item.id) && !has_document(&tx, item.id)? && !has_held(&tx, item.id)?);
        }
        let inputs: Vec<(&Incoming<'_>, bool)> = items.iter().zip(new_here).collect();
        let mut outcomes = Vec::with_capacity(items.len());
        parallel::map_in_order(
            &inputs,
            |(item, new)| {
                if !new {
                    return None;
                }
                match item.rows.as_ref().and_then(|rows| rows.projection(item.id)) {
                    Some((carried, hash)) => Some((carried, Some(hash))),
                    None => open_complete(item.id, item.bytes, writer).map(|p| (p, None)),
                }
            },
            |i, opened| {
                let item = inputs[i].0;
                outcomes.push(match opened {
                    Some((projection, carried)) => {
                        insert_projected(&tx, &projection, item.bytes)?;
                        if let Some(hash) = carried {
                            tx.prepare_cached("INSERT INTO unchecked (case_id, rows_hash) VALUES (?1, ?2)")?
                                .execute(params![item.id.to_string(), hash])?;
                        }
                        Received::Applied
                    }
                    None => receive_one(&tx, writer, item.id, item.bytes)?,
                });
                Ok::<(), StoreError>(())
            },
        )?;
        tx.commit()?;
        Ok(outcomes)
    }

    /// A snapshot of a case file to send to the team's hub: the saved
    /// document, with the index rows projected from it so a device joining
    /// the team need not load it ([`Store::receive_snapshots`]).
    ///
    /// # Errors
    /// As [`Store::load`].
    pub fn snapshot(&self, id: CaseId) -> Res<Vec<u8>> {
        let mut file = self.load(id)?.file;
        let document = file.save();
        let projection = index::Projection::of(&mut file);
        Ok(snapshot::encode(&document, &projection).unwrap_or(document))
    }

    /// How many case files have index rows taken from a snapshot, not
    /// checked against their document yet.
    ///
    /// # Errors
    /// Database errors.
    pub fn unchecked_count(&self) -> Res<u64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM unchecked", [], |r| r.get(0))?)
    }

    /// Checks up to `limit` case files whose index rows were taken from a
    /// snapshot: loads each document (on worker threads) and projects it,
    /// in one transaction. Rows that differ from those projected here are
    /// written again; the same rows are left as they are. A document that
    /// cannot be read is recorded as broken, its rows are taken out, and
    /// its bytes are held as content received for that case file.
    ///
    /// # Errors
    /// Database errors; then nothing is written.
    pub fn check_received(&mut self, limit: u32) -> Res<CheckReport> {
        let writer = self.writer;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let ids: Vec<(String, Vec<u8>)> = tx
            .prepare_cached("SELECT case_id, rows_hash FROM unchecked ORDER BY case_id LIMIT ?1")?
            .query_map([limit], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let mut stored = Vec::with_capacity(ids.len());
        for (key, carried) in ids {
            let (snapshot, changes) = read_parts(&tx, &key)?;
            stored.push((key.parse::<CaseId>()?, snapshot, changes, carried));
        }
        let mut report = CheckReport::default();
        parallel::map_in_order(
            &stored,
            |(id, snapshot, changes, _)| {
                open_stored(*id, snapshot, changes, writer).map(|mut file| {
                    let projection = index::Projection::of(&mut file);
                    let hash = snapshot::rows_hash(&projection);
                    (projection, hash)
                })
            },
            |i, projected| {
                let (id, carried) = (stored[i].0, &stored[i].3);
                match projected {
                    Ok((_, Some(hash))) if hash.as_slice() == carried.as_slice() => {
                        tx.prepare_cached("DELETE FROM unchecked WHERE case_id = ?1")?
                            .execute([id.to_string()])?;
                    }
                    Ok((projection, _)) => {
                        index::write_projection(&tx, &projection)?;
                        report.rewritten += 1;
                    }
                    Err(source) => {
                        set_aside(&tx, id, &stored[i].1, &stored[i].2, &source)?;
                        report.broken.push(BrokenCase {
                            id: id.to_string(),
                            error: source.to_string(),
                        });
                    }
                }
                report.checked += 1;
                Ok::<(), StoreError>(())
            },
        )?;
        report.left = tx.query_row("SELECT count(*) FROM unchecked", [], |r| r.get(0))?;
        tx.commit()?;
        Ok(report)
    }

    /// Folds a document's changes into a new snapshot now.
    ///
    /// # Errors
    /// [`StoreError::Corrupt`] when it cannot be read; database errors.
    pub fn compact(&mut self, id: CaseId) -> Res<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut file = read_case(&tx, id, self.writer)?;
        if !file.missing_deps().is_empty() {
            return Ok(());
        }
        let key = id.to_string();
        tx.execute("DELETE FROM changes WHERE case_id = ?1", [&key])?;
        tx.execute(
            "UPDATE documents SET snapshot = ?2, pending_changes = 0, pending_bytes = 0,
                    generation = generation + 1 WHERE case_id = ?1",
            params![key, file.save()],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// How a document is stored.
    ///
    /// # Errors
    /// [`StoreError::CaseNotFound`]; database errors.
    pub fn stored_parts(&self, id: CaseId) -> Res<StoredParts> {
        self.conn
            .query_row(
                "SELECT length(snapshot), (SELECT count(*) FROM changes WHERE case_id = ?1)
                 FROM documents WHERE case_id = ?1",
                [id.to_string()],
                |r| {
                    Ok(StoredParts {
                        snapshot_bytes: r.get(0)?,
                        changes: r.get(1)?,
                    })
                },
            )
            .optional()?
            .ok_or_else(|| StoreError::CaseNotFound { id: id.to_string() })
    }

    /// Which write of a stored case file is the latest (see
    /// [`StoredCase::generation`]); `None` when it is not on this device.
    ///
    /// # Errors
    /// Database errors.
    pub fn generation(&self, id: CaseId) -> Res<Option<i64>> {
        Ok(self
            .conn
            .prepare_cached("SELECT generation FROM documents WHERE case_id = ?1")?
            .query_row([id.to_string()], |r| r.get(0))
            .optional()?)
    }

    /// Whether the case file is on this device.
    ///
    /// # Errors
    /// Database errors.
    pub fn contains(&self, id: CaseId) -> Res<bool> {
        has_document(&self.conn, id)
    }

    /// Reads a case file. One that cannot be read is recorded as broken and
    /// reported, and the others are not affected.
    ///
    /// # Errors
    /// [`StoreError::CaseNotFound`], [`StoreError::Corrupt`]; database errors.
    pub fn load(&self, id: CaseId) -> Res<StoredCase> {
        self.read(id, false)
    }

    /// Reads a case file to edit it, as [`Store::load`] does, with its view
    /// and the number of conflicts its index rows hold (read in the same
    /// read transaction as the document: the rows are the projection of
    /// that very document, written with it). [`Store::save_edit`] then
    /// writes only the rows the edit changes rather than every row of the
    /// case file again.
    ///
    /// # Errors
    /// As [`Store::load`].
    pub fn load_to_edit(&self, id: CaseId) -> Res<StoredCase> {
        self.read(id, true)
    }

    fn read(&self, id: CaseId, to_edit: bool) -> Res<StoredCase> {
        // One read transaction: a compaction by another process between
        // reading the snapshot and reading the changes would otherwise hand
        // back a snapshot without the changes folded into the new one.
        let read = self.conn.unchecked_transaction()?;
        let key = id.to_string();
        let generation: i64 = read
            .prepare_cached("SELECT generation FROM documents WHERE case_id = ?1")?
            .query_row([&key], |r| r.get(0))
            .optional()?
            .ok_or_else(|| StoreError::CaseNotFound { id: key.clone() })?;
        // Rows taken from a snapshot and not checked yet may not be this
        // document's projection: the first save then writes them in full.
        let conflicts: Option<i64> = if to_edit {
            read.prepare_cached(
                "SELECT conflicts FROM caseload WHERE case_id = ?1
                   AND NOT EXISTS (SELECT 1 FROM unchecked WHERE case_id = ?1)",
            )?
            .query_row([&key], |r| r.get(0))
            .optional()?
        } else {
            None
        };
        let result = read_case(&read, id, self.writer);
        read.finish()?;
        self.documents_read.set(self.documents_read.get() + 1);
        match result {
            Ok(file) => {
                let mut case = StoredCase::new(file, generation);
                if let Some(conflicts) = conflicts {
                    case.indexed = Some(Indexed {
                        view: case.file.view(),
                        heads: case.file.heads(),
                        conflicts: usize::try_from(conflicts).unwrap_or(usize::MAX),
                    });
                }
                Ok(case)
            }
            Err(e) => {
                if let StoreError::Corrupt { source, .. } = &e {
                    self.conn.execute(
                        "INSERT OR REPLACE INTO broken (case_id, error, seen_ms) VALUES (?1, ?2, ?3)",
                        params![key, source.to_string(), now_ms()],
                    )?;
                }
                Err(e)
            }
        }
    }

    /// The raw document bytes of a case file (snapshot and changes merged and saved).
    ///
    /// # Errors
    /// As [`Store::load`].
    pub fn document_bytes(&self, id: CaseId) -> Res<Vec<u8>> {
        Ok(self.load(id)?.file.save())
    }

    /// Every case file id on the device.
    ///
    /// # Errors
    /// Database errors.
    pub fn case_ids(&self) -> Res<Vec<CaseId>> {
        let mut stmt = self
            .conn
            .prepare("SELECT case_id FROM documents ORDER BY case_id")?;
        let ids = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        ids.iter()
            .map(|s| s.parse::<CaseId>().map_err(StoreError::from))
            .collect()
    }

    /// The caseload, most recently visited first, then by name.
    ///
    /// # Errors
    /// Database errors.
    pub fn caseload(&self, filter: &CaseloadFilter) -> Res<Vec<CaseSummary>> {
        let (filtered, args) = caseload_filter(filter);
        let mut sql = String::from(
            "SELECT case_id, name, commune, last_visit, visits, open_procedures, next_task_due, conflicts, read_only,
                    archived
             FROM caseload WHERE 1 = 1",
        );
        sql.push_str(&filtered);
        sql.push_str(" ORDER BY last_visit DESC NULLS LAST, sort_key, case_id");
        sql.push_str(&format!(
            " LIMIT {} OFFSET {}",
            filter.limit.map_or(-1, i64::from),
            filter.offset
        ));
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), summary_row)?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// How many case files the filter keeps (its limit and offset ignored).
    ///
    /// # Errors
    /// Database errors.
    pub fn caseload_count(&self, filter: &CaseloadFilter) -> Res<u64> {
        let (filtered, args) = caseload_filter(filter);
        let sql = format!("SELECT count(*) FROM caseload WHERE 1 = 1{filtered}");
        let count: i64 = self
            .conn
            .query_row(&sql, rusqlite::params_from_iter(args.iter()), |r| r.get(0))?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    /// The communes of the caseload, in alphabetical order (accents ignored).
    ///
    /// # Errors
    /// Database errors.
    pub fn communes(&self) -> Res<Vec<String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT min(commune) FROM caseload WHERE commune <> '' GROUP BY commune_key ORDER BY commune_key",
        )?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }
}

/// The `AND …` clauses of a caseload filter and their arguments.
fn caseload_filter(filter: &CaseloadFilter) -> (String, Vec<String>) {
    let mut sql = String::new();
    let mut args: Vec<String> = Vec::new();
    if let Some(commune) = &filter.commune {
        args.push(fold(commune));
        sql.push_str(&format!(" AND commune_key = ?{}", args.len()));
    }
    if let Some(day) = &filter.task_due_by {
        args.push(day.as_str().to_owned());
        sql.push_str(&format!(" AND next_task_due <= ?{}", args.len()));
    }
    if filter.open_procedures {
        sql.push_str(" AND open_procedures > 0");
    }
    if filter.conflicts {
        sql.push_str(" AND conflicts > 0");
    }
    if !filter.include_archived {
        sql.push_str(" AND archived = 0");
    }
    (sql, args)
}

impl Store {
    /// Case files whose name, commune or notes contain every word of `query`
    /// as a word prefix, ignoring accents and case, best matches first.
    ///
    /// # Errors
    /// Database errors.
    pub fn search(&self, query: &str, limit: u32) -> Res<Vec<CaseSummary>> {
        let words = index::match_words(query);
        if words.is_empty() {
            return Ok(Vec::new());
        }
        let mut stmt = self.conn.prepare_cached(&index::search_sql(words.len()))?;
        let args: Vec<&dyn rusqlite::ToSql> = words
            .iter()
            .map(|w| w as &dyn rusqlite::ToSql)
            .chain(std::iter::once(&limit as &dyn rusqlite::ToSql))
            .collect();
        let rows = stmt.query_map(args.as_slice(), summary_row)?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Tasks not done that are due on or before `by` (overdue ones included),
    /// earliest first.
    ///
    /// # Errors
    /// Database errors.
    pub fn tasks_due(&self, by: &Day) -> Res<Vec<DueTask>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT t.case_id, c.name, t.task_id, t.title, t.due, t.assignee
             FROM task_index t JOIN caseload c ON c.case_id = t.case_id
             WHERE t.done = 0 AND t.due IS NOT NULL AND t.due <= ?1
             ORDER BY t.due, c.sort_key",
        )?;
        let rows = stmt.query_map([by.as_str()], |r| {
            Ok(DueTask {
                case_id: parsed(r, 0)?,
                name: r.get(1)?,
                task_id: parsed(r, 2)?,
                title: r.get(3)?,
                due: r.get(4)?,
                assignee: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Every field holding concurrent values, across the caseload.
    ///
    /// # Errors
    /// Database errors.
    pub fn conflicts(&self) -> Res<Vec<ConflictSummary>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT k.case_id, c.name, k.field, k.shown, k.values_count
             FROM conflict_index k JOIN caseload c ON c.case_id = k.case_id
             ORDER BY c.sort_key, k.case_id, k.field",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(ConflictSummary {
                case_id: parsed(r, 0)?,
                name: r.get(1)?,
                field: r.get(2)?,
                shown: r.get(3)?,
                values: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Case files that could not be read, with the reason.
    ///
    /// # Errors
    /// Database errors.
    pub fn broken(&self) -> Res<Vec<BrokenCase>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT case_id, error FROM broken ORDER BY case_id")?;
        let rows = stmt.query_map([], |r| {
            Ok(BrokenCase {
                id: r.get(0)?,
                error: r.get(1)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Rebuilds the whole index from the documents, in one transaction. A case
    /// file that cannot be read is reported and the others are indexed.
    ///
    /// # Errors
    /// Database errors.
    pub fn reindex(&mut self) -> Res<ReindexReport> {
        let writer = self.writer;
        let ids = self.case_ids()?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        index::clear_search(&tx)?;
        for table in [
            "caseload",
            "visit_index",
            "procedure_index",
            "task_index",
            "conflict_index",
            "broken",
            "unchecked",
        ] {
            tx.execute(&format!("DELETE FROM {table}"), [])?;
        }
        let mut report = ReindexReport {
            indexed: 0,
            broken: Vec::new(),
        };
        for id in ids {
            match read_case(&tx, id, writer) {
                Ok(mut file) => {
                    index::project(&tx, &mut file)?;
                    report.indexed += 1;
                }
                Err(StoreError::Corrupt { id, source }) => {
                    tx.execute(
                        "INSERT INTO broken (case_id, error, seen_ms) VALUES (?1, ?2, ?3)",
                        params![id, source.to_string(), now_ms()],
                    )?;
                    report.broken.push(BrokenCase {
                        id,
                        error: source.to_string(),
                    });
                }
                Err(e) => return Err(e),
            }
        }
        tx.commit()?;
        Ok(report)
    }

    /// Finds a case file by its id or the start of it (at least 4 characters).
    ///
    /// # Errors
    /// [`StoreError::CaseNotFound`], [`StoreError::Ambiguous`]; database errors.
    pub fn find_case(&self, prefix: &str) -> Res<CaseId> {
        let id = self.find_by_prefix("documents", "case_id", "case file", prefix)?;
        Ok(id.parse()?)
    }

    /// Finds a visit by its id or the start of it, with its case file.
    ///
    /// # Errors
    /// As [`Store::find_case`].
    pub fn find_visit(&self, prefix: &str) -> Res<(CaseId, VisitId)> {
        let id = self.find_by_prefix("visit_index", "visit_id", "visit", prefix)?;
        Ok((self.case_of("visit_index", "visit_id", &id)?, id.parse()?))
    }

    /// Finds a procedure by its id or the start of it, with its case file.
    ///
    /// # Errors
    /// As [`Store::find_case`].
    pub fn find_procedure(&self, prefix: &str) -> Res<(CaseId, ProcedureId)> {
        let id = self.find_by_prefix("procedure_index", "procedure_id", "procedure", prefix)?;
        Ok((self.case_of("procedure_index", "procedure_id", &id)?, id.parse()?))
    }

    /// Finds a task by its id or the start of it, with its case file.
    ///
    /// # Errors
    /// As [`Store::find_case`].
    pub fn find_task(&self, prefix: &str) -> Res<(CaseId, TaskId)> {
        let id = self.find_by_prefix("task_index", "task_id", "task", prefix)?;
        Ok((self.case_of("task_index", "task_id", &id)?, id.parse()?))
    }

    fn case_of(&self, table: &str, column: &str, id: &str) -> Res<CaseId> {
        let case: String = self.conn.query_row(
            &format!("SELECT case_id FROM {table} WHERE {column} = ?1"),
            [id],
            |r| r.get(0),
        )?;
        Ok(case.parse()?)
    }

    fn find_by_prefix(&self, table: &str, column: &str, what: &'static str, prefix: &str) -> Res<String> {
        let prefix = prefix.trim().to_lowercase();
        let not_found = || {
            if what == "case file" {
                StoreError::CaseNotFound { id: prefix.clone() }
            } else {
                StoreError::ItemNotFound {
                    what,
                    id: prefix.clone(),
                }
            }
        };
        if prefix.len() < 4 || !prefix.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            return Err(not_found());
        }
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {column} FROM {table} WHERE {column} >= ?1 AND {column} < ?1 || 'g' ORDER BY {column} LIMIT 2"
        ))?;
        let found = stmt
            .query_map([&prefix], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        match found.as_slice() {
            [one] => Ok(one.clone()),
            [] => Err(not_found()),
            _ => Err(StoreError::Ambiguous { what, prefix }),
        }
    }
}

/// A stored document as it is stored: its snapshot and the changes since.
fn read_parts(conn: &Connection, key: &str) -> Res<(Vec<u8>, Vec<Vec<u8>>)> {
    let snapshot: Vec<u8> = conn
        .prepare_cached("SELECT snapshot FROM documents WHERE case_id = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?
        .ok_or_else(|| StoreError::CaseNotFound { id: key.to_owned() })?;
    let mut stmt = conn.prepare_cached("SELECT bytes FROM changes WHERE case_id = ?1 ORDER BY seq")?;
    let changes = stmt
        .query_map([key], |r| r.get::<_, Vec<u8>>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok((snapshot, changes))
}

fn read_case(conn: &Connection, id: CaseId, writer: Writer) -> Res<CaseFile> {
    let key = id.to_string();
    let (snapshot, changes) = read_parts(conn, &key)?;
    open_stored(id, &snapshot, &changes, writer).map_err(|source| StoreError::Corrupt { id: key, source })
}

/// Opens a case file stored as `snapshot` and `changes` under `id` (needs
/// no connection: also runs on worker threads).
fn open_stored(
    id: CaseId,
    snapshot: &[u8],
    changes: &[Vec<u8>],
    writer: Writer,
) -> Result<CaseFile, carnet_core::CoreError> {
    let file = CaseFile::load_parts(snapshot, changes.iter().map(Vec::as_slice), writer)?;
    if file.id() != id {
        return Err(carnet_core::CoreError::NotACaseFile {
            reason: "it is stored under another id".into(),
        });
    }
    Ok(file)
}

/// Commits a save whose projection gave `view`, or rolls it back (dropping
/// what `case` remembers of the index, which the rollback undid).
fn finish(
    tx: rusqlite::Transaction<'_>,
    case: &mut StoredCase,
    generation: i64,
    view: Res<CaseFileView>,
) -> Res<CaseFileView> {
    let committed = view.and_then(|view| {
        tx.commit()?;
        Ok(view)
    });
    match committed {
        Ok(view) => {
            case.generation = generation;
            Ok(view)
        }
        Err(e) => {
            case.indexed = None;
            Err(e)
        }
    }
}

/// Appends changes to a stored case file (compacting when the policy says
/// so) inside the caller's transaction, and returns the document's new
/// generation. If another process wrote the document since `case` was read,
/// `case` is brought up to date first and only what it lacked is written.
/// The index is the caller's to update.
fn write_changes(
    tx: &Connection,
    writer: Writer,
    queue: bool,
    case: &mut StoredCase,
    changes: &[AppliedChange],
) -> Res<i64> {
    let key = case.file.id().to_string();
    let (generation, pending_changes, pending_bytes, snapshot_bytes): (i64, i64, i64, i64) = tx
        .query_row(
            "SELECT generation, pending_changes, pending_bytes, length(snapshot) FROM documents WHERE case_id = ?1",
            [&key],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?
        .ok_or_else(|| StoreError::CaseNotFound { id: key.clone() })?;
    // Another process wrote this document since it was read: start from
    // what is stored and keep only the changes it does not already hold.
    let mut fresh_changes = Vec::new();
    let changes = if generation == case.generation {
        changes
    } else {
        let mut fresh = read_case(tx, case.file.id(), writer)?;
        for change in changes {
            fresh_changes.extend(fresh.receive_changes(&change.bytes)?);
        }
        case.file = fresh;
        fresh_changes.as_slice()
    };
    if queue {
        let mut insert = tx.prepare_cached("INSERT INTO outgoing (case_id, bytes) VALUES (?1, ?2)")?;
        for change in changes {
            insert.execute(params![key, change.bytes])?;
        }
    }
    let added_bytes: i64 = changes.iter().map(|c| c.bytes.len() as i64).sum();
    let (pending_changes, pending_bytes) = (
        pending_changes + changes.len() as i64,
        pending_bytes + added_bytes,
    );
    // A snapshot holds applied changes only: while some change waits for
    // its dependencies, keep the change log as it is.
    let due =
        pending_changes >= COMPACT_AFTER_CHANGES || pending_bytes > snapshot_bytes.max(COMPACT_AFTER_BYTES);
    if due && case.file.missing_deps().is_empty() {
        let snapshot = case.file.save();
        tx.execute("DELETE FROM changes WHERE case_id = ?1", [&key])?;
        tx.execute(
            "UPDATE documents SET snapshot = ?2, pending_changes = 0, pending_bytes = 0,
                    generation = generation + 1, updated_ms = ?3 WHERE case_id = ?1",
            params![key, snapshot, now_ms()],
        )?;
    } else {
        let mut insert = tx.prepare_cached("INSERT INTO changes (case_id, bytes) VALUES (?1, ?2)")?;
        for change in changes {
            insert.execute(params![key, change.bytes])?;
        }
        drop(insert);
        tx.execute(
            "UPDATE documents SET pending_changes = ?2, pending_bytes = ?3,
                    generation = generation + 1, updated_ms = ?4 WHERE case_id = ?1",
            params![key, pending_changes, pending_bytes, now_ms()],
        )?;
    }
    Ok(generation + 1)
}

/// Stores a case file new on this device, as `snapshot`, and indexes it.
fn insert_document(tx: &Connection, file: &mut CaseFile, snapshot: &[u8]) -> Res<()> {
    insert_projected(tx, &index::Projection::of(file), snapshot)
}

/// Stores a case file new on this device, as `snapshot`, with the index
/// rows of `projection` (made from that very snapshot).
fn insert_projected(tx: &Connection, projection: &index::Projection, snapshot: &[u8]) -> Res<()> {
    tx.prepare_cached(
        "INSERT INTO documents (case_id, snapshot, generation, updated_ms) VALUES (?1, ?2, 1, ?3)",
    )?
    .execute(params![projection.view.id.to_string(), snapshot, now_ms()])?;
    index::write_projection(tx, projection)?;
    Ok(())
}

/// The projection of received content that opens as a complete case file
/// of that id (a snapshot, or a case file sent whole), which is then stored
/// as received; `None` for anything else (`receive_one` decides what
/// becomes of it). Needs no connection: runs on worker threads.
fn open_complete(id: CaseId, bytes: &[u8], writer: Writer) -> Option<index::Projection> {
    let mut file = CaseFile::load(bytes, writer).ok()?;
    (file.id() == id && file.missing_deps().is_empty()).then(|| index::Projection::of(&mut file))
}

/// Whether `table` has a row for case file `id`.
fn has_row(tx: &Connection, table: &str, id: CaseId) -> Res<bool> {
    Ok(tx
        .prepare_cached(&format!("SELECT 1 FROM {table} WHERE case_id = ?1 LIMIT 1"))?
        .query_row([id.to_string()], |_| Ok(()))
        .optional()?
        .is_some())
}

fn has_document(tx: &Connection, id: CaseId) -> Res<bool> {
    has_row(tx, "documents", id)
}

fn has_held(tx: &Connection, id: CaseId) -> Res<bool> {
    has_row(tx, "held_changes", id)
}

fn hold(tx: &Connection, key: &str, bytes: &[u8]) -> Res<()> {
    tx.prepare_cached("INSERT INTO held_changes (case_id, bytes) VALUES (?1, ?2)")?
        .execute(params![key, bytes])?;
    Ok(())
}

/// A case file whose document, stored from a snapshot with the rows it
/// carried, does not load: the snapshot did not hold a document of this
/// case file. Its bytes are kept as received content that cannot be applied
/// yet (as they would have been without rows), so what arrives later for the
/// case file is held with them rather than failing on them; it is listed as
/// broken and its rows are taken out.
fn set_aside(
    tx: &Connection,
    id: CaseId,
    snapshot: &[u8],
    changes: &[Vec<u8>],
    error: &carnet_core::CoreError,
) -> Res<()> {
    index::remove(tx, id)?;
    let key = id.to_string();
    for bytes in std::iter::once(snapshot).chain(changes.iter().map(Vec::as_slice)) {
        hold(tx, &key, bytes)?;
    }
    tx.execute("DELETE FROM changes WHERE case_id = ?1", [&key])?;
    tx.execute("DELETE FROM documents WHERE case_id = ?1", [&key])?;
    tx.execute(
        "INSERT OR REPLACE INTO broken (case_id, error, seen_ms) VALUES (?1, ?2, ?3)",
        params![key, error.to_string(), now_ms()],
    )?;
    Ok(())
}

fn is_unchecked(tx: &Connection, id: CaseId) -> Res<bool> {
    has_row(tx, "unchecked", id)
}

/// One item of [`Store::receive`], inside its transaction.
fn receive_one(tx: &Connection, writer: Writer, id: CaseId, bytes: &[u8]) -> Res<Received> {
    let key = id.to_string();
    let held: Vec<Vec<u8>> = tx
        .prepare_cached("SELECT bytes FROM held_changes WHERE case_id = ?1 ORDER BY seq")?
        .query_map([&key], |r| r.get::<_, Vec<u8>>(0))?
        .collect::<Result<_, _>>()?;
    let stored: Option<i64> = tx
        .prepare_cached("SELECT generation FROM documents WHERE case_id = ?1")?
        .query_row([&key], |r| r.get(0))
        .optional()?;
    let mut file = if let Some(generation) = stored {
        let file = match read_case(tx, id, writer) {
            Ok(file) => file,
            // Stored from a snapshot not checked yet, and not a document:
            // set aside now rather than failing every sync until the check
            // comes to it.
            Err(StoreError::Corrupt { source, .. }) if is_unchecked(tx, id)? => {
                let (snapshot, changes) = read_parts(tx, &key)?;
                set_aside(tx, id, &snapshot, &changes, &source)?;
                hold(tx, &key, bytes)?;
                return Ok(Received::Held);
            }
            Err(e) => return Err(e),
        };
        let mut case = StoredCase::new(file, generation);
        let mut new = Vec::new();
        for content in std::iter::once(bytes).chain(held.iter().map(Vec::as_slice)) {
            match case.file.receive_changes(content) {
                Ok(changes) => new.extend(changes),
                Err(e) => return Ok(Received::Refused(e.to_string())),
            }
        }
        // Content already here (this device's own entries coming back) writes nothing.
        if !new.is_empty() {
            write_changes(tx, writer, false, &mut case, &new)?;
            index::project(tx, &mut case.file)?;
        }
        case.file
    } else {
        let candidates: Vec<&[u8]> = std::iter::once(bytes)
            .chain(held.iter().map(Vec::as_slice))
            .collect();
        let Some((base, mut file)) = candidates
            .iter()
            .enumerate()
            .find_map(|(i, c)| CaseFile::load(c, writer).ok().map(|f| (i, f)))
        else {
            hold(tx, &key, bytes)?;
            return Ok(Received::Held);
        };
        if file.id() != id {
            return Ok(Received::Refused(
                "a received case file names another id; it was ignored".into(),
            ));
        }
        if candidates.len() == 1 && file.missing_deps().is_empty() {
            // Complete as received (a snapshot, or a case file sent whole):
            // stored as it is, not saved again.
            insert_document(tx, &mut file, bytes)?;
        } else {
            for (i, content) in candidates.iter().enumerate() {
                if i != base
                    && let Err(e) = file.receive_changes(content)
                {
                    return Ok(Received::Refused(e.to_string()));
                }
            }
            let snapshot = file.save();
            insert_document(tx, &mut file, &snapshot)?;
        }
        file
    };
    if !file.missing_deps().is_empty() {
        hold(tx, &key, bytes)?;
        return Ok(Received::Held);
    }
    if !held.is_empty() {
        tx.execute("DELETE FROM held_changes WHERE case_id = ?1", [&key])?;
    }
    Ok(Received::Applied)
}

/// A column holding an id, parsed; a malformed one is a conversion error.
fn parsed<T: std::str::FromStr>(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<T>
where
    T::Err: std::error::Error + Send + Sync + 'static,
{
    let text: String = r.get(i)?;
    text.parse()
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e)))
}

fn summary_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<CaseSummary> {
    Ok(CaseSummary {
        id: parsed(r, 0)?,
        name: r.get(1)?,
        commune: r.get(2)?,
        last_visit: r.get(3)?,
        visits: r.get(4)?,
        open_procedures: r.get(5)?,
        next_task_due: r.get(6)?,
        conflicts: r.get(7)?,
        read_only: r.get(8)?,
        archived: r.get(9)?,
    })
}

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;

//! A case file: one Automerge document per person or household.
//!
//! Document layout, schema version 1 (format: do not change without a schema
//! version bump and a migration):
//!
//! ```text
//! { schema: 1, id: "<uuid>",
//!   person:  { name, birth_year|null, commune, phone, situation: Text },
//!   consent: { given, date|null, scope, recorded_by },
//!   visits:  { "<uuid>": { at, worker, place, kind, present: [..], topics: [..],
//!                          duration_min|null, note: Text, archived,
//!                          reviewed_by|null, reviewed_at|null,
//!                          note_settled } },  // a count, absent until a lead
//!                                             // settles a concurrently edited note
//!   procedures: { "<uuid>": { agency, what, status, next_step, due|null } },
//!   tasks:    { "<uuid>": { title, due|null, done, assignee } },
//!   comments: { "<uuid>": { author, at, text } },
//!   archived }          // absent until first archived: read as false
//! ```
//!
//! Growing collections are maps keyed by UUID so concurrent additions never
//! collide; nothing is ever removed from them (archiving sets a flag), so a
//! colleague's concurrent edit inside an archived visit is kept.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{AutoCommit, ChangeHash, ObjId, ObjType, ROOT, ReadDoc, ScalarValue, Value};
use uuid::Uuid;

use crate::CoreError;
use crate::date::{Day, LocalDateTime};
use crate::edit::{Edit, EditContext, NewPerson};
use crate::field::{FieldKind, FieldPath, Section};
use crate::history::{CaseFileAsOf, ChangeNote, Conflict, ConflictValue, DatedChange, HistoryEntry, cut_at};
use crate::ids::{CaseId, CommentId, DeviceId, ProcedureId, TaskId, VisitId, Writer};
use crate::merged::{NOTE_SETTLED, field_changes, merged_notes, touched_paths};
use crate::model::{
    Agency, CaseFileView, Comment, Consent, Person, Procedure, ProcedureStatus, Review, Task, Visit,
    VisitKind,
};

/// The newest schema version this code reads and writes.
pub const SCHEMA_VERSION: i64 = 1;

/// One change made by an edit, as stored and exchanged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppliedChange {
    /// The change's hash.
    pub hash: ChangeHash,
    /// The change's encoded bytes (an Automerge change chunk).
    pub bytes: Vec<u8>,
}

/// A case file document, opened by one writer (a device in one session).
#[derive(Debug)]
pub struct CaseFile {
    doc: AutoCommit,
    id: CaseId,
    schema: i64,
}

type Res<T> = Result<T, CoreError>;

impl CaseFile {
    /// Creates a new case file on `device`, as one change.
    ///
    /// # Errors
    /// [`CoreError::InvalidValue`] when the person has no name.
    pub fn create(
        id: CaseId,
        writer: impl Into<Writer>,
        person: NewPerson,
        ctx: &EditContext,
    ) -> Res<(Self, AppliedChange)> {
        let name = person.name.trim();
        if name.is_empty() {
            return Err(CoreError::InvalidValue {
                field: "name".into(),
                reason: "a case file needs a name".into(),
            });
        }
        let mut doc = AutoCommit::new().with_actor(writer.into().actor());
        doc.put(ROOT, "schema", SCHEMA_VERSION)?;
        doc.put(ROOT, "id", id.to_string())?;
        let p = doc.put_object(ROOT, "person", ObjType::Map)?;
        doc.put(&p, "name", name)?;
        put_opt_int(&mut doc, &p, "birth_year", person.birth_year)?;
        doc.put(&p, "commune", person.commune.trim())?;
        doc.put(&p, "phone", person.phone.trim())?;
        let situation = doc.put_object(&p, "situation", ObjType::Text)?;
        doc.splice_text(&situation, 0, 0, &person.situation)?;
        let c = doc.put_object(ROOT, "consent", ObjType::Map)?;
        doc.put(&c, "given", false)?;
        doc.put(&c, "date", ScalarValue::Null)?;
        doc.put(&c, "scope", "")?;
        doc.put(&c, "recorded_by", "")?;
        for section in ["visits", "procedures", "tasks", "comments"] {
            doc.put_object(ROOT, section, ObjType::Map)?;
        }
        let mut case = Self {
            doc,
            id,
            schema: SCHEMA_VERSION,
        };
        let change = case.commit("case.create", ctx)?;
        Ok((case, change))
    }

    /// Opens a case file from bytes (a saved document, or changes). The
    /// changes written on this device will carry `device` as their actor.
    ///
    /// # Errors
    /// [`CoreError::InvalidDocument`] for bytes that are not an Automerge
    /// document and [`CoreError::NotACaseFile`] for a document without a
    /// schema version or id. A newer schema opens read-only (see
    /// [`CaseFile::read_only_reason`]).
    pub fn load(bytes: &[u8], writer: impl Into<Writer>) -> Res<Self> {
        let doc = load_doc(bytes)?;
        Self::from_doc(doc.with_actor(writer.into().actor()))
    }

    /// Opens a case file stored as a snapshot followed by incremental changes.
    ///
    /// # Errors
    /// As [`CaseFile::load`], for the snapshot or any of the changes.
    pub fn load_parts<'a>(
        snapshot: &[u8],
        changes: impl IntoIterator<Item = &'a [u8]>,
        writer: impl Into<Writer>,
    ) -> Res<Self> {
        let mut doc = load_doc(snapshot)?;
        for change in changes {
            doc.load_incremental(change)
                .map_err(|e| CoreError::InvalidDocument {
                    reason: e.to_string(),
                })?;
        }
        Self::from_doc(doc.with_actor(writer.into().actor()))
    }

    fn from_doc(doc: AutoCommit) -> Res<Self> {
        let not = |reason: &str| CoreError::NotACaseFile {
            reason: reason.to_owned(),
        };
        let schema = match doc.get(ROOT, "schema")? {
            Some((Value::Scalar(s), _)) => s
                .as_i64()
                .ok_or_else(|| not("its schema version is not a number"))?,
            _ => return Err(not("it has no schema version")),
        };
        if schema < 1 {
            return Err(not("its schema version is not valid"));
        }
        let id = match doc.get(ROOT, "id")? {
            Some((Value::Scalar(s), _)) => s
                .as_str()
                .and_then(|s| s.parse::<CaseId>().ok())
                .ok_or_else(|| not("its id is not valid"))?,
            _ => return Err(not("it has no id")),
        };
        Ok(Self { doc, id, schema })
    }

    /// The case file's id.
    #[must_use]
    pub fn id(&self) -> CaseId {
        self.id
    }

    /// The document's schema version.
    #[must_use]
    pub fn schema(&self) -> i64 {
        self.schema
    }

    /// Why the document cannot be edited here, if it cannot.
    #[must_use]
    pub fn read_only_reason(&self) -> Option<String> {
        (self.schema > SCHEMA_VERSION).then(|| {
            CoreError::SchemaTooNew {
                found: self.schema,
                known: SCHEMA_VERSION,
            }
            .to_string()
        })
    }

    /// The whole document, compacted.
    pub fn save(&mut self) -> Vec<u8> {
        self.doc.save()
    }

    /// The current heads.
    pub fn heads(&mut self) -> Vec<ChangeHash> {
        let mut heads = self.doc.get_heads();
        heads.sort();
        heads
    }

    /// The hashes of every change in the document.
    pub fn change_hashes(&mut self) -> BTreeSet<ChangeHash> {
        self.doc
            .get_changes_meta(&[])
            .into_iter()
            .map(|m| m.hash)
            .collect()
    }

    /// The dependencies of a change of the document (the heads it was made
    /// on), sorted; `None` when the document does not hold it.
    pub fn change_deps(&mut self, hash: ChangeHash) -> Option<Vec<ChangeHash>> {
        let mut deps = self.doc.get_change_meta_by_hash(&hash)?.deps.clone();
        deps.sort();
        Some(deps)
    }

    /// The hashes of changes received whose dependencies have not arrived.
    pub fn missing_deps(&mut self) -> Vec<ChangeHash> {
        self.doc.get_missing_deps(&[])
    }

    /// Merges another copy of this case file (a saved document or changes) and
    /// returns the changes that were new here, ready to be stored.
    ///
    /// # Errors
    /// [`CoreError::InvalidDocument`] for unreadable bytes and
    /// [`CoreError::DifferentCaseFiles`] when they are another case file.
    /// Nothing is changed on error.
    pub fn merge_bytes(&mut self, bytes: &[u8]) -> Res<Vec<AppliedChange>> {
        let mut other = load_doc(bytes)?;
        if let Some(theirs) = doc_id(&other)
            && theirs != self.id
        {
            return Err(CoreError::DifferentCaseFiles {
                ours: self.id.to_string(),
                theirs: theirs.to_string(),
            });
        }
        let before = self.doc.get_heads();
        self.doc.merge(&mut other)?;
        Ok(self.changes_since(&before))
    }

    /// The changes that are not ancestors of `heads`, sorted by hash.
    fn changes_since(&mut self, heads: &[ChangeHash]) -> Vec<AppliedChange> {
        let mut changes: Vec<AppliedChange> = self
            .doc
            .get_changes(heads)
            .into_iter()
            .map(|mut c| AppliedChange {
                hash: c.hash(),
                bytes: c.bytes().into_owned(),
            })
            .collect();
        changes.sort_by_key(|c| c.hash);
        changes
    }

    /// Receives raw changes (one or more Automerge change chunks, in any
    /// order) and returns those that were new and applied. Changes whose
    /// dependencies have not arrived are held until they do (see
    /// [`CaseFile::missing_deps`]).
    ///
    /// # Errors
    /// [`CoreError::InvalidDocument`] for unreadable bytes; nothing is changed.
    pub fn receive_changes(&mut self, bytes: &[u8]) -> Res<Vec<AppliedChange>> {
        let before = self.doc.get_heads();
        // Parse everything before applying anything, so bad bytes change nothing.
        let mut probe = AutoCommit::new();
        if let Err(e) = probe.load_incremental(bytes) {
            return Err(CoreError::InvalidDocument {
                reason: e.to_string(),
            });
        }
        self.doc
            .load_incremental(bytes)
            .map_err(|e| CoreError::InvalidDocument {
                reason: e.to_string(),
            })?;
        Ok(self.changes_since(&before))
    }

    /// Applies one edit as one change.
    ///
    /// # Errors
    /// [`CoreError::SchemaTooNew`] for a read-only document,
    /// [`CoreError::NotFound`] for an item that is not there and
    /// [`CoreError::InvalidValue`] for a value that is not acceptable. Nothing
    /// is changed on error.
    pub fn apply(&mut self, edit: &Edit, ctx: &EditContext) -> Res<AppliedChange> {
        let hash = self.apply_in_memory(edit, ctx)?;
        self.encode_change(hash)
    }

    /// Applies one edit as one change without encoding the change, for
    /// documents that are built in memory and saved whole (demo data, tests):
    /// encoding a change costs a pass over the document.
    ///
    /// # Errors
    /// As [`CaseFile::apply`].
    pub fn apply_in_memory(&mut self, edit: &Edit, ctx: &EditContext) -> Res<ChangeHash> {
        if self.schema > SCHEMA_VERSION {
            return Err(CoreError::SchemaTooNew {
                found: self.schema,
                known: SCHEMA_VERSION,
            });
        }
        match self.write(edit, ctx) {
            Ok(()) => Ok(self.commit_hash(edit.label(), ctx)),
            Err(e) => {
                self.doc.rollback();
                Err(e)
            }
        }
    }

    fn commit(&mut self, label: &str, ctx: &EditContext) -> Res<AppliedChange> {
        let hash = self.commit_hash(label, ctx);
        self.encode_change(hash)
    }

    fn commit_hash(&mut self, label: &str, ctx: &EditContext) -> ChangeHash {
        let message = ChangeNote::encode(label, &ctx.worker);
        let options = || {
            CommitOptions::default()
                .with_message(message.clone())
                .with_time(ctx.time_ms)
        };
        // An edit always writes at least one op, but an empty change keeps the
        // worker's action in the history if one ever does not.
        match self.doc.commit_with(options()) {
            Some(hash) => hash,
            None => self.doc.empty_change(options()),
        }
    }

    fn encode_change(&mut self, hash: ChangeHash) -> Res<AppliedChange> {
        let mut change = self
            .doc
            .get_change_by_hash(&hash)
            .ok_or_else(|| CoreError::InvalidDocument {
                reason: "a change just made cannot be found".into(),
            })?;
        Ok(AppliedChange {
            hash,
            bytes: change.bytes().into_owned(),
        })
    }

    fn write(&mut self, edit: &Edit, ctx: &EditContext) -> Res<()> {
        let doc = &mut self.doc;
        match edit {
            Edit::UpdatePerson(patch) => {
                let p = section(doc, "person")?;
                if let Some(name) = &patch.name {
                    let name = name.trim();
                    if name.is_empty() {
                        return Err(CoreError::InvalidValue {
                            field: "name".into(),
                            reason: "a case file needs a name".into(),
                        });
                    }
                    doc.put(&p, "name", name)?;
                }
                if let Some(year) = patch.birth_year {
                    check_birth_year(year)?;
                    put_opt_int(doc, &p, "birth_year", year)?;
                }
                if let Some(commune) = &patch.commune {
                    doc.put(&p, "commune", commune.trim())?;
                }
                if let Some(phone) = &patch.phone {
                    doc.put(&p, "phone", phone.trim())?;
                }
                if let Some(situation) = &patch.situation {
                    let text = text_obj(doc, &p, "situation")?;
                    doc.update_text(&text, situation)?;
                }
            }
            Edit::RecordConsent(consent) => {
                let c = section(doc, "consent")?;
                doc.put(&c, "given", consent.given)?;
                doc.put(&c, "date", consent.date.as_str())?;
                doc.put(&c, "scope", consent.scope.trim())?;
                doc.put(&c, "recorded_by", ctx.worker.as_str())?;
            }
            Edit::AddVisit(v) => {
                check_duration(v.duration_min)?;
                let visits = section(doc, "visits")?;
                let key = v.id.to_string();
                if doc.get(&visits, key.as_str())?.is_some() {
                    return Err(CoreError::InvalidValue {
                        field: "visit".into(),
                        reason: "this visit already exists".into(),
                    });
                }
                let o = doc.put_object(&visits, key.as_str(), ObjType::Map)?;
                doc.put(&o, "at", v.at.as_str())?;
                doc.put(&o, "worker", ctx.worker.as_str())?;
                doc.put(&o, "place", v.place.trim())?;
                doc.put(&o, "kind", v.kind.code())?;
                put_list(doc, &o, "present", &v.present)?;
                put_list(doc, &o, "topics", &v.topics)?;
                put_opt_int(doc, &o, "duration_min", v.duration_min)?;
                let note = doc.put_object(&o, "note", ObjType::Text)?;
                doc.splice_text(&note, 0, 0, &v.note)?;
                doc.put(&o, "archived", false)?;
                doc.put(&o, "reviewed_by", ScalarValue::Null)?;
                doc.put(&o, "reviewed_at", ScalarValue::Null)?;
            }
            Edit::EditVisit { id, patch } => {
                let o = item(doc, "visits", "visit", id.as_uuid())?;
                if let Some(at) = &patch.at {
                    doc.put(&o, "at", at.as_str())?;
                }
                if let Some(place) = &patch.place {
                    doc.put(&o, "place", place.trim())?;
                }
                if let Some(kind) = patch.kind {
                    doc.put(&o, "kind", kind.code())?;
                }
                if let Some(present) = &patch.present {
                    put_list(doc, &o, "present", present)?;
                }
                if let Some(topics) = &patch.topics {
                    put_list(doc, &o, "topics", topics)?;
                }
                if let Some(duration) = patch.duration_min {
                    check_duration(duration)?;
                    put_opt_int(doc, &o, "duration_min", duration)?;
                }
                if let Some(note) = &patch.note {
                    let text = text_obj(doc, &o, "note")?;
                    doc.update_text(&text, note)?;
                }
            }
            Edit::ArchiveCase { archived } => {
                doc.put(ROOT, "archived", *archived)?;
            }
            Edit::ArchiveVisit { id, archived } => {
                let o = item(doc, "visits", "visit", id.as_uuid())?;
                doc.put(&o, "archived", *archived)?;
            }
            Edit::ReviewVisit { id } => {
                let o = item(doc, "visits", "visit", id.as_uuid())?;
                doc.put(&o, "reviewed_by", ctx.worker.as_str())?;
                doc.put(&o, "reviewed_at", ctx.local_time.as_str())?;
            }
            Edit::AddProcedure(p) => {
                let procedures = section(doc, "procedures")?;
                let o = doc.put_object(&procedures, p.id.to_string(), ObjType::Map)?;
                doc.put(&o, "agency", p.agency.code())?;
                doc.put(&o, "what", p.what.trim())?;
                doc.put(&o, "status", p.status.code())?;
                doc.put(&o, "next_step", p.next_step.trim())?;
                put_opt_day(doc, &o, "due", p.due.as_ref())?;
            }
            Edit::EditProcedure { id, patch } => {
                let o = item(doc, "procedures", "procedure", id.as_uuid())?;
                if let Some(what) = &patch.what {
                    doc.put(&o, "what", what.trim())?;
                }
                if let Some(status) = patch.status {
                    doc.put(&o, "status", status.code())?;
                }
                if let Some(next) = &patch.next_step {
                    doc.put(&o, "next_step", next.trim())?;
                }
                if let Some(due) = &patch.due {
                    put_opt_day(doc, &o, "due", due.as_ref())?;
                }
            }
            Edit::AddTask(t) => {
                let title = task_title(&t.title)?;
                let tasks = section(doc, "tasks")?;
                let o = doc.put_object(&tasks, t.id.to_string(), ObjType::Map)?;
                doc.put(&o, "title", title)?;
                put_opt_day(doc, &o, "due", t.due.as_ref())?;
                doc.put(&o, "done", false)?;
                doc.put(&o, "assignee", t.assignee.trim())?;
            }
            Edit::SetTaskDone { id, done } => {
                let o = item(doc, "tasks", "task", id.as_uuid())?;
                doc.put(&o, "done", *done)?;
            }
            Edit::EditTask { id, patch } => {
                let o = item(doc, "tasks", "task", id.as_uuid())?;
                if let Some(title) = &patch.title {
                    doc.put(&o, "title", task_title(title)?)?;
                }
                if let Some(due) = &patch.due {
                    put_opt_day(doc, &o, "due", due.as_ref())?;
                }
                if let Some(assignee) = &patch.assignee {
                    doc.put(&o, "assignee", assignee.trim())?;
                }
            }
            Edit::AddComment { id, text } => {
                if text.trim().is_empty() {
                    return Err(CoreError::InvalidValue {
                        field: "comment".into(),
                        reason: "the comment is empty".into(),
                    });
                }
                let comments = section(doc, "comments")?;
                let o = doc.put_object(&comments, id.to_string(), ObjType::Map)?;
                doc.put(&o, "author", ctx.worker.as_str())?;
                doc.put(&o, "at", ctx.local_time.as_str())?;
                doc.put(&o, "text", text.trim())?;
            }
            Edit::Resolve { field, value } => {
                let obj = field_parent(doc, field)?;
                put_field(doc, &obj, field.field(), field.kind(), value)?;
            }
        }
        Ok(())
    }

    /// The typed read view (the winning value of each field).
    #[must_use]
    pub fn view(&self) -> CaseFileView {
        let doc = &self.doc;
        let mut visits: Vec<Visit> = items(doc, "visits")
            .map(|(id, o)| read_visit(doc, id, &o))
            .collect();
        sort_visits(&mut visits);
        let mut procedures: Vec<Procedure> = items(doc, "procedures")
            .map(|(id, o)| read_procedure(doc, id, &o))
            .collect();
        sort_procedures(&mut procedures);
        let mut tasks: Vec<Task> = items(doc, "tasks")
            .map(|(id, o)| read_task(doc, id, &o))
            .collect();
        sort_tasks(&mut tasks);
        let mut comments: Vec<Comment> = items(doc, "comments")
            .map(|(id, o)| read_comment(doc, id, &o))
            .collect();
        sort_comments(&mut comments);
        CaseFileView {
            id: self.id,
            schema: self.schema,
            read_only: self.read_only_reason(),
            person: read_person(doc),
            consent: read_consent(doc),
            visits,
            procedures,
            tasks,
            comments,
            archived: get_bool(doc, &ROOT, "archived"),
        }
    }

    /// The view after `edit`, from `before`, the view just before it: only
    /// what the edit can touch is read again (the visit it adds or changes,
    /// the person…), so a case file of hundreds of visits does not read all
    /// of them again for one. `before` must be this document's view as it was
    /// right before `edit` was applied here, with nothing received in between;
    /// then the result equals [`CaseFile::view`].
    #[must_use]
    pub fn view_after(&self, mut before: CaseFileView, edit: &Edit) -> CaseFileView {
        let doc = &self.doc;
        match edit {
            Edit::UpdatePerson(_) => before.person = read_person(doc),
            Edit::RecordConsent(_) => before.consent = read_consent(doc),
            Edit::AddVisit(visit) => {
                refresh_item(
                    doc,
                    "visits",
                    *visit.id.as_uuid(),
                    &mut before.visits,
                    read_visit,
                    sort_visits,
                );
            }
            Edit::EditVisit { id, .. } | Edit::ArchiveVisit { id, .. } | Edit::ReviewVisit { id } => {
                refresh_item(
                    doc,
                    "visits",
                    *id.as_uuid(),
                    &mut before.visits,
                    read_visit,
                    sort_visits,
                );
            }
            Edit::AddProcedure(procedure) => refresh_item(
                doc,
                "procedures",
                *procedure.id.as_uuid(),
                &mut before.procedures,
                read_procedure,
                sort_procedures,
            ),
            Edit::EditProcedure { id, .. } => refresh_item(
                doc,
                "procedures",
                *id.as_uuid(),
                &mut before.procedures,
                read_procedure,
                sort_procedures,
            ),
            Edit::AddTask(task) => {
                refresh_item(
                    doc,
                    "tasks",
                    *task.id.as_uuid(),
                    &mut before.tasks,
                    read_task,
                    sort_tasks,
                );
            }
            Edit::SetTaskDone { id, .. } | Edit::EditTask { id, .. } => {
                refresh_item(
                    doc,
                    "tasks",
                    *id.as_uuid(),
                    &mut before.tasks,
                    read_task,
                    sort_tasks,
                );
            }
            Edit::AddComment { id, .. } => refresh_item(
                doc,
                "comments",
                *id.as_uuid(),
                &mut before.comments,
                read_comment,
                sort_comments,
            ),
            Edit::ArchiveCase { .. } => before.archived = get_bool(doc, &ROOT, "archived"),
            // A resolution may touch any field: read everything.
            Edit::Resolve { .. } => return self.view(),
        }
        before
    }

    /// When the case file was created: the timestamp (milliseconds since the
    /// Unix epoch, the creating device's clock) of its first change, the one
    /// without dependencies; `None` for a document without changes.
    #[must_use]
    pub fn created_ms(&mut self) -> Option<i64> {
        self.doc
            .get_changes_meta(&[])
            .into_iter()
            .filter(|m| m.deps.is_empty())
            .map(|m| m.timestamp)
            .min()
    }

    /// Every change with who, when, which device and what it touched, oldest first.
    pub fn history(&mut self) -> Vec<HistoryEntry> {
        self.history_since(&[])
    }

    /// The changes made since the document stood at `heads` (those that are
    /// not among their ancestors), oldest first; every change when `heads`
    /// is empty. Heads this document does not hold are left aside.
    pub fn history_since(&mut self, heads: &[ChangeHash]) -> Vec<HistoryEntry> {
        let known: Vec<ChangeHash> = heads
            .iter()
            .copied()
            .filter(|h| self.doc.get_change_meta_by_hash(h).is_some())
            .collect();
        let metas: Vec<_> = self
            .doc
            .get_changes_meta(&known)
            .into_iter()
            .map(|m| {
                (
                    m.hash,
                    m.deps.clone(),
                    m.actor.into_owned(),
                    m.timestamp,
                    m.message.map(|s| s.into_owned()),
                )
            })
            .collect();
        metas
            .into_iter()
            .map(|(hash, deps, actor, time_ms, message)| {
                let note = message.as_deref().and_then(ChangeNote::decode);
                let touched = touched_paths(&mut self.doc, &deps, hash);
                let fields = field_changes(&self.doc, &deps, hash, &touched);
                HistoryEntry {
                    hash: hash.to_string(),
                    device: DeviceId::from_actor(&actor),
                    worker: note.as_ref().map(|n| n.worker.clone()),
                    time_ms,
                    label: note.map_or_else(|| "unknown".to_owned(), |n| n.label),
                    touched: touched.into_iter().collect(),
                    fields,
                }
            })
            .collect()
    }

    /// The case file as it stood at `time_ms` (milliseconds since the Unix
    /// epoch), or `None` when none of its changes, not even its creation, had
    /// been made by then.
    ///
    /// The view is read from the document at the heads of the changes stamped
    /// at or before `time_ms` whose dependencies are all stamped at or before
    /// it too. Stamps come from each writer's clock: a change stamped before
    /// the instant that builds on a change stamped after it (its device's clock
    /// was behind) is left out and counted in [`CaseFileAsOf::held_back`], so
    /// nothing stamped after the instant ever shows. An instant in the future
    /// gives the current view.
    ///
    /// # Errors
    /// [`CoreError::NotACaseFile`] when the document at that point has no
    /// schema version or id (a foreign tool wrote its first changes), and
    /// [`CoreError::Automerge`] if the document cannot be rebuilt at those heads.
    pub fn as_of(&mut self, time_ms: i64) -> Res<Option<CaseFileAsOf>> {
        let changes: Vec<DatedChange> = self
            .doc
            .get_changes_meta(&[])
            .into_iter()
            .map(|m| DatedChange {
                hash: m.hash,
                deps: m.deps.clone(),
                time_ms: m.timestamp,
            })
            .collect();
        let cut = cut_at(&changes, time_ms);
        if cut.heads.is_empty() {
            return Ok(None);
        }
        let past = Self::from_doc(self.doc.fork_at(&cut.heads)?)?;
        Ok(Some(CaseFileAsOf {
            as_of_ms: time_ms,
            case: past.view(),
            heads: cut.heads.iter().map(ToString::to_string).collect(),
            changes: cut.taken,
            held_back: cut.held_back,
        }))
    }

    /// Every field holding concurrent values, with each value and its
    /// author, then every note two people edited concurrently that nobody
    /// has settled since (see [`Conflict::parts`]).
    pub fn conflicts(&mut self) -> Vec<Conflict> {
        let mut found = Vec::new();
        let mut authors = AuthorCache::new();
        for section in Section::ALL {
            let parents: Vec<(Option<Uuid>, ObjId)> = if section.has_items() {
                items(&self.doc, section.key())
                    .map(|(id, o)| (Some(id), o))
                    .collect()
            } else {
                obj(&self.doc, &ROOT, section.key())
                    .map(|o| (None, o))
                    .into_iter()
                    .collect()
            };
            for (item, parent) in parents {
                for (field, kind) in section.fields() {
                    let Ok(values) = self.doc.get_all(&parent, *field) else {
                        continue;
                    };
                    if values.len() < 2 {
                        continue;
                    }
                    let Ok(path) = FieldPath::new(section, item, field) else {
                        continue;
                    };
                    let shown = self
                        .doc
                        .get(&parent, *field)
                        .ok()
                        .flatten()
                        .map(|(v, id)| display_value(&self.doc, &v, &id, *kind))
                        .unwrap_or_default();
                    let shown_values: Vec<(String, ObjId)> = values
                        .iter()
                        .map(|(v, id)| (display_value(&self.doc, v, id, *kind), id.clone()))
                        .collect();
                    let values = shown_values
                        .into_iter()
                        .map(|(value, id)| {
                            let (device, worker, time_ms) = self
                                .doc
                                .hash_for_opid(&id)
                                .map(|hash| author_of(&mut self.doc, &mut authors, hash))
                                .unwrap_or((None, None, 0));
                            ConflictValue {
                                value,
                                device,
                                worker,
                                time_ms,
                            }
                        })
                        .collect();
                    found.push(Conflict {
                        field: path.to_string(),
                        shown,
                        values,
                        parts: Vec::new(),
                    });
                }
            }
        }
        found.extend(merged_notes(&mut self.doc, &mut authors));
        found
    }
}

fn doc_id(doc: &AutoCommit) -> Option<CaseId> {
    match doc.get(ROOT, "id") {
        Ok(Some((Value::Scalar(s), _))) => s.as_str().and_then(|s| s.parse().ok()),
        _ => None,
    }
}

fn load_doc(bytes: &[u8]) -> Res<AutoCommit> {
    if bytes.is_empty() {
        return Err(CoreError::InvalidDocument {
            reason: "the file is empty".into(),
        });
    }
    AutoCommit::load(bytes).map_err(|e| CoreError::InvalidDocument {
        reason: e.to_string(),
    })
}

/// Who wrote each change already looked up: device, worker, time.
pub(crate) type AuthorCache = HashMap<ChangeHash, (Option<DeviceId>, Option<String>, i64)>;

pub(crate) fn author_of(
    doc: &mut AutoCommit,
    cache: &mut AuthorCache,
    hash: ChangeHash,
) -> (Option<DeviceId>, Option<String>, i64) {
    cache
        .entry(hash)
        .or_insert_with(|| match doc.get_change_meta_by_hash(&hash) {
            Some(meta) => (
                DeviceId::from_actor(&meta.actor),
                meta.message
                    .as_deref()
                    .and_then(ChangeNote::decode)
                    .map(|n| n.worker),
                meta.timestamp,
            ),
            None => (None, None, 0),
        })
        .clone()
}

fn display_value(doc: &AutoCommit, value: &Value<'_>, id: &ObjId, kind: FieldKind) -> String {
    match value {
        Value::Object(ObjType::List) if kind == FieldKind::StrList => list_strings(doc, id).join(", "),
        Value::Object(ObjType::Text) if kind == FieldKind::Text => doc.text(id).unwrap_or_default(),
        Value::Object(_) => String::new(),
        Value::Scalar(s) => scalar_text(s),
    }
}

pub(crate) fn scalar_text(s: &ScalarValue) -> String {
    match s {
        ScalarValue::Str(s) => s.to_string(),
        ScalarValue::Int(i) => i.to_string(),
        ScalarValue::Uint(u) => u.to_string(),
        ScalarValue::Boolean(b) => b.to_string(),
        ScalarValue::F64(f) => f.to_string(),
        ScalarValue::Null => String::new(),
        other => other.to_string(),
    }
}

fn section(doc: &AutoCommit, key: &str) -> Res<ObjId> {
    obj(doc, &ROOT, key).ok_or_else(|| CoreError::NotACaseFile {
        reason: format!("it has no {key}"),
    })
}

fn item(doc: &AutoCommit, section_key: &str, what: &'static str, id: &Uuid) -> Res<ObjId> {
    let parent = section(doc, section_key)?;
    obj(doc, &parent, &id.to_string()).ok_or_else(|| CoreError::NotFound {
        what,
        id: id.to_string(),
    })
}

fn field_parent(doc: &AutoCommit, field: &FieldPath) -> Res<ObjId> {
    match field.item() {
        None => section(doc, field.section().key()),
        Some(id) => {
            let what = match field.section() {
                Section::Visits => "visit",
                Section::Procedures => "procedure",
                _ => "task",
            };
            item(doc, field.section().key(), what, &id)
        }
    }
}

fn text_obj(doc: &mut AutoCommit, parent: &ObjId, key: &str) -> Res<ObjId> {
    match doc.get(parent, key)? {
        Some((Value::Object(ObjType::Text), id)) => Ok(id),
        _ => Ok(doc.put_object(parent, key, ObjType::Text)?),
    }
}

fn read_person(doc: &AutoCommit) -> Person {
    obj(doc, &ROOT, "person")
        .map(|p| Person {
            name: get_str(doc, &p, "name"),
            birth_year: get_int(doc, &p, "birth_year"),
            commune: get_str(doc, &p, "commune"),
            phone: get_str(doc, &p, "phone"),
            situation: get_text(doc, &p, "situation"),
        })
        .unwrap_or_default()
}

fn read_consent(doc: &AutoCommit) -> Consent {
    obj(doc, &ROOT, "consent")
        .map(|c| Consent {
            given: get_bool(doc, &c, "given"),
            date: Day::parse(&get_str(doc, &c, "date")).ok(),
            scope: get_str(doc, &c, "scope"),
            recorded_by: get_str(doc, &c, "recorded_by"),
        })
        .unwrap_or_default()
}

fn read_visit(doc: &AutoCommit, id: Uuid, o: &ObjId) -> Visit {
    Visit {
        id: VisitId::from_uuid(id),
        at: LocalDateTime::parse(&get_str(doc, o, "at")).ok(),
        worker: get_str(doc, o, "worker"),
        place: get_str(doc, o, "place"),
        kind: VisitKind::parse(&get_str(doc, o, "kind")).unwrap_or(VisitKind::Other),
        present: get_list(doc, o, "present"),
        topics: get_list(doc, o, "topics"),
        duration_min: get_int(doc, o, "duration_min"),
        note: get_text(doc, o, "note"),
        archived: get_bool(doc, o, "archived"),
        reviewed: opt(get_str(doc, o, "reviewed_by")).map(|by| Review {
            by,
            at: get_str(doc, o, "reviewed_at"),
        }),
    }
}

fn sort_visits(visits: &mut [Visit]) {
    visits.sort_by(|a, b| (&a.at, a.id).cmp(&(&b.at, b.id)));
}

fn read_procedure(doc: &AutoCommit, id: Uuid, o: &ObjId) -> Procedure {
    Procedure {
        id: ProcedureId::from_uuid(id),
        agency: Agency::parse(&get_str(doc, o, "agency")).unwrap_or(Agency::Other),
        what: get_str(doc, o, "what"),
        status: ProcedureStatus::parse(&get_str(doc, o, "status")).unwrap_or(ProcedureStatus::ToDo),
        next_step: get_str(doc, o, "next_step"),
        due: Day::parse(&get_str(doc, o, "due")).ok(),
    }
}

fn sort_procedures(procedures: &mut [Procedure]) {
    procedures.sort_by(|a, b| (a.agency, &a.what, a.id).cmp(&(b.agency, &b.what, b.id)));
}

fn read_task(doc: &AutoCommit, id: Uuid, o: &ObjId) -> Task {
    Task {
        id: TaskId::from_uuid(id),
        title: get_str(doc, o, "title"),
        due: Day::parse(&get_str(doc, o, "due")).ok(),
        done: get_bool(doc, o, "done"),
        assignee: get_str(doc, o, "assignee"),
    }
}

fn sort_tasks(tasks: &mut [Task]) {
    // Undated tasks last.
    tasks.sort_by(|a, b| (a.due.is_none(), &a.due, a.id).cmp(&(b.due.is_none(), &b.due, b.id)));
}

fn read_comment(doc: &AutoCommit, id: Uuid, o: &ObjId) -> Comment {
    Comment {
        id: CommentId::from_uuid(id),
        author: get_str(doc, o, "author"),
        at: get_str(doc, o, "at"),
        text: get_str(doc, o, "text"),
    }
}

fn sort_comments(comments: &mut [Comment]) {
    comments.sort_by(|a, b| (&a.at, a.id).cmp(&(&b.at, b.id)));
}

/// Something of the view with an id.
trait Item {
    fn uuid(&self) -> Uuid;
}

impl Item for Visit {
    fn uuid(&self) -> Uuid {
        *self.id.as_uuid()
    }
}

impl Item for Procedure {
    fn uuid(&self) -> Uuid {
        *self.id.as_uuid()
    }
}

impl Item for Task {
    fn uuid(&self) -> Uuid {
        *self.id.as_uuid()
    }
}

impl Item for Comment {
    fn uuid(&self) -> Uuid {
        *self.id.as_uuid()
    }
}

/// Reads one item of a section again into `list` (adding it when new) and
/// sorts the list as the view does.
fn refresh_item<T: Item>(
    doc: &AutoCommit,
    section: &str,
    id: Uuid,
    list: &mut Vec<T>,
    read: fn(&AutoCommit, Uuid, &ObjId) -> T,
    sort: fn(&mut [T]),
) {
    let found = obj(doc, &ROOT, section).and_then(|parent| obj(doc, &parent, &id.to_string()));
    let at = list.iter().position(|item| item.uuid() == id);
    match (found, at) {
        (Some(o), Some(i)) => list[i] = read(doc, id, &o),
        (Some(o), None) => list.push(read(doc, id, &o)),
        (None, Some(i)) => {
            list.remove(i);
        }
        (None, None) => {}
    }
    sort(list);
}

fn obj(doc: &AutoCommit, parent: &ObjId, key: &str) -> Option<ObjId> {
    match doc.get(parent, key) {
        Ok(Some((Value::Object(ObjType::Map), id))) => Some(id),
        _ => None,
    }
}

/// The items of a section whose keys are UUIDs and values maps; anything else
/// (written by a foreign tool) is skipped rather than trusted.
fn items<'a>(doc: &'a AutoCommit, section_key: &str) -> impl Iterator<Item = (Uuid, ObjId)> + 'a {
    let parent = obj(doc, &ROOT, section_key);
    let keys: Vec<String> = parent.as_ref().map(|p| doc.keys(p).collect()).unwrap_or_default();
    keys.into_iter().filter_map(move |key| {
        let id = Uuid::parse_str(&key).ok()?;
        obj(doc, parent.as_ref()?, &key).map(|o| (id, o))
    })
}

fn scalar(doc: &AutoCommit, parent: &ObjId, key: &str) -> Option<ScalarValue> {
    match doc.get(parent, key) {
        Ok(Some((Value::Scalar(s), _))) => Some(s.into_owned()),
        _ => None,
    }
}

pub(crate) fn get_str(doc: &AutoCommit, parent: &ObjId, key: &str) -> String {
    match scalar(doc, parent, key) {
        Some(ScalarValue::Str(s)) => s.to_string(),
        _ => String::new(),
    }
}

fn opt(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

pub(crate) fn get_int(doc: &AutoCommit, parent: &ObjId, key: &str) -> Option<i64> {
    scalar(doc, parent, key).and_then(|s| s.as_i64())
}

fn get_bool(doc: &AutoCommit, parent: &ObjId, key: &str) -> bool {
    matches!(scalar(doc, parent, key), Some(ScalarValue::Boolean(true)))
}

fn get_text(doc: &AutoCommit, parent: &ObjId, key: &str) -> String {
    match doc.get(parent, key) {
        Ok(Some((Value::Object(ObjType::Text), id))) => doc.text(&id).unwrap_or_default(),
        Ok(Some((Value::Scalar(s), _))) => scalar_text(&s),
        _ => String::new(),
    }
}

fn get_list(doc: &AutoCommit, parent: &ObjId, key: &str) -> Vec<String> {
    match doc.get(parent, key) {
        Ok(Some((Value::Object(ObjType::List), id))) => list_strings(doc, &id),
        _ => Vec::new(),
    }
}

fn list_strings(doc: &AutoCommit, list: &ObjId) -> Vec<String> {
    doc.values(list)
        .filter_map(|(v, _)| match v {
            Value::Scalar(s) => match s.as_ref() {
                ScalarValue::Str(s) => Some(s.to_string()),
                _ => None,
            },
            Value::Object(_) => None,
        })
        .collect()
}

fn put_opt_int(doc: &mut AutoCommit, parent: &ObjId, key: &str, value: Option<i64>) -> Res<()> {
    match value {
        Some(v) => doc.put(parent, key, v)?,
        None => doc.put(parent, key, ScalarValue::Null)?,
    }
    Ok(())
}

fn put_opt_day(doc: &mut AutoCommit, parent: &ObjId, key: &str, value: Option<&Day>) -> Res<()> {
    match value {
        Some(day) => doc.put(parent, key, day.as_str())?,
        None => doc.put(parent, key, ScalarValue::Null)?,
    }
    Ok(())
}

/// Lists are replaced whole: a concurrent replacement is then a conflict on
/// the key, shown and resolved like any other field, rather than an
/// interleaving of two lists.
fn put_list(doc: &mut AutoCommit, parent: &ObjId, key: &str, values: &[String]) -> Res<()> {
    let list = doc.put_object(parent, key, ObjType::List)?;
    for (i, value) in values
        .iter()
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .enumerate()
    {
        doc.insert(&list, i, value)?;
    }
    Ok(())
}

fn check_duration(minutes: Option<i64>) -> Res<()> {
    match minutes {
        Some(m) if !(0..=24 * 60).contains(&m) => Err(CoreError::InvalidValue {
            field: "duration".into(),
            reason: format!("{m} minutes is not a visit length; give a number between 0 and 1440"),
        }),
        _ => Ok(()),
    }
}

/// A task's title as written: trimmed, and never blank.
fn task_title(title: &str) -> Res<&str> {
    let title = title.trim();
    if title.is_empty() {
        return Err(CoreError::InvalidValue {
            field: "title".into(),
            reason: "a task needs a title; say what needs doing".into(),
        });
    }
    Ok(title)
}

fn check_birth_year(year: Option<i64>) -> Res<()> {
    match year {
        Some(y) if !(1900..=2100).contains(&y) => Err(CoreError::InvalidValue {
            field: "birth year".into(),
            reason: format!("{y} is not a birth year"),
        }),
        _ => Ok(()),
    }
}

fn put_field(doc: &mut AutoCommit, parent: &ObjId, key: &str, kind: FieldKind, value: &str) -> Res<()> {
    let raw = value;
    let value = value.trim();
    let invalid = |reason: String| CoreError::InvalidValue {
        field: key.to_owned(),
        reason,
    };
    match kind {
        FieldKind::Str => {
            if key == "name" && value.is_empty() {
                return Err(invalid("a case file needs a name".into()));
            }
            doc.put(parent, key, value)?;
        }
        FieldKind::OptStr => {
            if value.is_empty() {
                doc.put(parent, key, ScalarValue::Null)?;
            } else {
                doc.put(parent, key, value)?;
            }
        }
        FieldKind::OptInt => {
            let n = if value.is_empty() {
                None
            } else {
                Some(
                    value
                        .parse::<i64>()
                        .map_err(|_| invalid(format!("{value:?} is not a whole number")))?,
                )
            };
            if key == "duration_min" {
                check_duration(n)?;
            } else {
                check_birth_year(n)?;
            }
            put_opt_int(doc, parent, key, n)?;
        }
        FieldKind::Bool => {
            let b = match value.to_lowercase().as_str() {
                "true" | "yes" | "oui" | "1" => true,
                "false" | "no" | "non" | "0" => false,
                _ => return Err(invalid(format!("{value:?} is not yes or no"))),
            };
            doc.put(parent, key, b)?;
        }
        FieldKind::OptDay => {
            let day = if value.is_empty() {
                None
            } else {
                Some(Day::parse(value)?)
            };
            put_opt_day(doc, parent, key, day.as_ref())?;
        }
        FieldKind::DateTime => doc.put(parent, key, LocalDateTime::parse(value)?.as_str())?,
        FieldKind::StrList => {
            let values: Vec<String> = value.split(',').map(str::to_owned).collect();
            put_list(doc, parent, key, &values)?;
        }
        FieldKind::Agency => doc.put(parent, key, Agency::parse(value)?.code())?,
        FieldKind::Status => doc.put(parent, key, ProcedureStatus::parse(value)?.code())?,
        FieldKind::VisitKind => doc.put(parent, key, VisitKind::parse(value)?.code())?,
        FieldKind::Text => {
            // The settled text replaces the merged one by the smallest edit,
            // as typed; the mark makes this change touch the note even when
            // the merged text is kept as it is.
            let text = text_obj(doc, parent, key)?;
            doc.update_text(&text, raw)?;
            // A count, so that every settling changes the value: a change
            // that writes the value already there shows in no diff.
            let settled = match scalar(doc, parent, NOTE_SETTLED) {
                Some(ScalarValue::Int(n)) => n,
                _ => 0,
            };
            doc.put(parent, NOTE_SETTLED, settled.saturating_add(1))?;
        }
    }
    Ok(())
}

/// Counts of items in a view, for tests and summaries.
#[must_use]
pub fn item_counts(view: &CaseFileView) -> BTreeMap<&'static str, usize> {
    BTreeMap::from([
        ("visits", view.visits.len()),
        ("procedures", view.procedures.len()),
        ("tasks", view.tasks.len()),
        ("comments", view.comments.len()),
    ])
}

#[cfg(test)]
#[path = "case_file_tests.rs"]
mod tests;

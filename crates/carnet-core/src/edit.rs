//! Typed edit operations. Each one becomes exactly one Automerge change.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::date::{Day, LocalDateTime};
use crate::field::FieldPath;
use crate::ids::{CommentId, ProcedureId, TaskId, VisitId};
use crate::model::{Agency, ProcedureStatus, VisitKind};

/// Who makes an edit and when: recorded in the change (the device is the
/// change's actor, the worker and a summary go in its message, the time in its
/// timestamp). The clock is passed in so the domain stays deterministic.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditContext {
    /// The worker's name, as the team knows them.
    pub worker: String,
    /// Wall-clock time in milliseconds since the Unix epoch.
    pub time_ms: i64,
    /// The same moment in local time, for fields people read (sign-off, comments).
    pub local_time: LocalDateTime,
}

/// A new case file's person.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct NewPerson {
    /// Display name (required).
    pub name: String,
    /// Birth year.
    pub birth_year: Option<i64>,
    /// Commune.
    pub commune: String,
    /// Phone.
    pub phone: String,
    /// Situation.
    pub situation: String,
}

/// Fields of the person to change; `None` leaves a field as it is.
///
/// In JSON a field left out changes nothing, and `null` clears one that may
/// be empty (an `Option<Option<T>>`, read as `Some(None)`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(optional_fields)]
pub struct PersonPatch {
    /// New name.
    pub name: Option<String>,
    /// New birth year (`Some(None)` clears it).
    #[serde(deserialize_with = "present")]
    pub birth_year: Option<Option<i64>>,
    /// New commune.
    pub commune: Option<String>,
    /// New phone.
    pub phone: Option<String>,
    /// New situation text (merged as text).
    pub situation: Option<String>,
}

/// Consent as recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ConsentRecord {
    /// Given or withdrawn.
    pub given: bool,
    /// When.
    pub date: Day,
    /// What it covers.
    pub scope: String,
}

/// A new visit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewVisit {
    /// Its id (chosen by the caller so it can be referred to at once).
    pub id: VisitId,
    /// When.
    pub at: LocalDateTime,
    /// Where.
    pub place: String,
    /// How.
    pub kind: VisitKind,
    /// Who was present.
    pub present: Vec<String>,
    /// Topics.
    pub topics: Vec<String>,
    /// Minutes spent.
    pub duration_min: Option<i64>,
    /// The note.
    pub note: String,
}

/// Fields of a visit to change; `None` leaves a field as it is.
///
/// In JSON a field left out changes nothing, and `null` clears one that may
/// be empty (an `Option<Option<T>>`, read as `Some(None)`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(optional_fields)]
pub struct VisitPatch {
    /// When.
    pub at: Option<LocalDateTime>,
    /// Where.
    pub place: Option<String>,
    /// How.
    pub kind: Option<VisitKind>,
    /// Who was present.
    pub present: Option<Vec<String>>,
    /// Topics.
    pub topics: Option<Vec<String>>,
    /// Minutes spent.
    #[serde(deserialize_with = "present")]
    pub duration_min: Option<Option<i64>>,
    /// The whole new note; only the characters that differ are changed, so a
    /// colleague's concurrent edit elsewhere in the note is kept.
    pub note: Option<String>,
}

/// A new procedure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewProcedure {
    /// Its id.
    pub id: ProcedureId,
    /// The agency.
    pub agency: Agency,
    /// What it is.
    pub what: String,
    /// Where it stands.
    pub status: ProcedureStatus,
    /// Next step.
    pub next_step: String,
    /// When the next step is due.
    pub due: Option<Day>,
}

/// Fields of a procedure to change; `None` leaves a field as it is.
///
/// In JSON a field left out changes nothing, and `null` clears one that may
/// be empty (an `Option<Option<T>>`, read as `Some(None)`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(optional_fields)]
pub struct ProcedurePatch {
    /// What it is.
    pub what: Option<String>,
    /// Where it stands.
    pub status: Option<ProcedureStatus>,
    /// Next step.
    pub next_step: Option<String>,
    /// Due date (`Some(None)` clears it).
    #[serde(deserialize_with = "present")]
    pub due: Option<Option<Day>>,
}

/// A new task.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTask {
    /// Its id.
    pub id: TaskId,
    /// What to do.
    pub title: String,
    /// When.
    pub due: Option<Day>,
    /// Who.
    pub assignee: String,
}

/// Fields of a task to change; `None` leaves a field as it is. Whether it is
/// done is set apart (`Edit::SetTaskDone`).
///
/// In JSON a field left out changes nothing, and `null` clears one that may
/// be empty (an `Option<Option<T>>`, read as `Some(None)`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(optional_fields)]
pub struct TaskPatch {
    /// What to do (it cannot be blank).
    pub title: Option<String>,
    /// When (`Some(None)` clears it).
    #[serde(deserialize_with = "present")]
    pub due: Option<Option<Day>>,
    /// Who.
    pub assignee: Option<String>,
}

/// One edit of a case file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Edit {
    /// Change the person's details.
    UpdatePerson(PersonPatch),
    /// Record consent.
    RecordConsent(ConsentRecord),
    /// Add a visit.
    AddVisit(NewVisit),
    /// Change a visit.
    EditVisit {
        /// Which.
        id: VisitId,
        /// What.
        patch: VisitPatch,
    },
    /// Archive (or bring back) a visit. Nothing is deleted.
    ArchiveVisit {
        /// Which.
        id: VisitId,
        /// Archived or not.
        archived: bool,
    },
    /// Sign off a visit as reviewed by the editing worker.
    ReviewVisit {
        /// Which.
        id: VisitId,
    },
    /// Add a procedure.
    AddProcedure(NewProcedure),
    /// Change a procedure.
    EditProcedure {
        /// Which.
        id: ProcedureId,
        /// What.
        patch: ProcedurePatch,
    },
    /// Add a task.
    AddTask(NewTask),
    /// Mark a task done or not done.
    SetTaskDone {
        /// Which.
        id: TaskId,
        /// Done or not.
        done: bool,
    },
    /// Change a task's title, due date or assignee.
    EditTask {
        /// Which.
        id: TaskId,
        /// What.
        patch: TaskPatch,
    },
    /// Add a comment by the editing worker.
    AddComment {
        /// Its id.
        id: CommentId,
        /// The text.
        text: String,
    },
    /// Archive (or bring back) the whole case file: it leaves the default
    /// caseload list but stays searchable. Nothing is deleted.
    ArchiveCase {
        /// Archived or not.
        archived: bool,
    },
    /// Settle a conflict: write one value that supersedes every concurrent one.
    Resolve {
        /// The field.
        field: FieldPath,
        /// The settled value, in the field's text form.
        value: String,
    },
}

impl Edit {
    /// A short stable label for history ("visit.add"…). Format: stored in
    /// change messages, do not change without a version bump.
    #[must_use]
    pub fn label(&self) -> &'static str {
        match self {
            Edit::UpdatePerson(_) => "person.update",
            Edit::RecordConsent(_) => "consent.record",
            Edit::AddVisit(_) => "visit.add",
            Edit::EditVisit { .. } => "visit.edit",
            Edit::ArchiveVisit { .. } => "visit.archive",
            Edit::ReviewVisit { .. } => "visit.review",
            Edit::AddProcedure(_) => "procedure.add",
            Edit::EditProcedure { .. } => "procedure.set",
            Edit::AddTask(_) => "task.add",
            Edit::SetTaskDone { .. } => "task.done",
            Edit::EditTask { .. } => "task.edit",
            Edit::AddComment { .. } => "comment.add",
            Edit::Resolve { .. } => "conflict.resolve",
            Edit::ArchiveCase { .. } => "case.archive",
        }
    }
}

/// For patch fields: a field that is absent stays `None` (unchanged, through
/// `#[serde(default)]`), while a field that is present, `null` included,
/// becomes `Some` (`Some(None)` clears it).
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_patch_tells_a_field_left_out_from_a_field_cleared() {
        let left_out: VisitPatch = serde_json::from_str(r#"{"note": "x"}"#).unwrap();
        assert_eq!(
            (left_out.duration_min, left_out.note.as_deref()),
            (None, Some("x"))
        );
        let cleared: VisitPatch = serde_json::from_str(r#"{"duration_min": null}"#).unwrap();
        assert_eq!(cleared.duration_min, Some(None));
        let set: ProcedurePatch = serde_json::from_str(r#"{"due": "2026-12-01"}"#).unwrap();
        assert_eq!(set.due, Some(Some(Day::parse("2026-12-01").unwrap())));
        let task: TaskPatch = serde_json::from_str(r#"{"due": null, "assignee": "Bruno"}"#).unwrap();
        assert_eq!(
            task,
            TaskPatch {
                title: None,
                due: Some(None),
                assignee: Some("Bruno".into()),
            }
        );
        let untouched: TaskPatch = serde_json::from_str("{}").unwrap();
        assert_eq!(untouched, TaskPatch::default());
    }
}

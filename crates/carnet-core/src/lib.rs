//! Carnet's domain: a case file as an Automerge document, with no I/O.
//!
//! Data flows one way through this crate: bytes from the store or another
//! device go into [`CaseFile::load`] / [`CaseFile::merge_bytes`]; a typed
//! [`Edit`] goes into [`CaseFile::apply`] and comes out as one Automerge change
//! ([`AppliedChange`]) for the store to persist; [`CaseFile::view`],
//! [`CaseFile::history`], [`CaseFile::as_of`] (the file as it stood at a
//! date) and [`CaseFile::conflicts`] read it back. The device (actor), the
//! worker and the time of every change are passed in, never read
//! from the environment, so everything here is deterministic and testable.

mod case_file;
mod chunks;
mod date;
mod edit;
mod error;
mod field;
mod history;
mod ids;
mod merged;
mod model;
mod roster;

pub use case_file::{AppliedChange, CaseFile, SCHEMA_VERSION, item_counts};
pub use chunks::uncompressed_changes;
pub use date::{Day, LocalDateTime};
pub use edit::{
    ConsentRecord, Edit, EditContext, NewPerson, NewProcedure, NewTask, NewVisit, PersonPatch,
    ProcedurePatch, TaskPatch, VisitPatch,
};
pub use error::CoreError;
pub use field::{FieldKind, FieldPath, Section};
pub use history::{CaseFileAsOf, Conflict, ConflictValue, DiffPart, FieldChange, HistoryEntry, TextPart};
pub use ids::{CaseId, CommentId, DeviceId, ProcedureId, TaskId, VisitId, Writer};
pub use model::{
    Agency, CaseFileView, Comment, Consent, Person, Procedure, ProcedureStatus, Review, Task, Visit,
    VisitKind,
};
pub use roster::{Roster, RosterMember};

/// Re-exported so callers can name change hashes without depending on automerge.
pub use automerge::ChangeHash;

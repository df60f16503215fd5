//! The arguments of each command, as the UI sends them: one type per command
//! that takes any, named after the command. The UI's TypeScript types are
//! generated from these (see `tests/bindings.rs`), so the JSON shape here is
//! the contract with the UI: change it only together with the UI.
//!
//! Ids arrive as text: the device API accepts a whole id or a unique prefix.

use carnet_core::{
    Agency, CaseId, ConsentRecord, Day, NewPerson, PersonPatch, ProcedureId, ProcedurePatch, ProcedureStatus,
    TaskId, TaskPatch, VisitId, VisitPatch,
};
use carnet_device::VisitInput;
use serde::Deserialize;
use ts_rs::TS;

/// `init`: creates the notebook and the device's identity.
#[derive(Clone, Debug, Deserialize, TS)]
pub struct InitArgs {
    /// The passphrase that will open the notebook.
    pub passphrase: String,
    /// The worker's name, as the team knows them.
    pub worker: String,
    /// A name for this device ("tablette Anne").
    pub device_name: String,
}

/// `unlock`: opens the notebook.
#[derive(Clone, Debug, Deserialize, TS)]
pub struct UnlockArgs {
    /// The notebook's passphrase.
    pub passphrase: String,
}

/// `caseload`: one page of the people matching a search or the filters.
#[derive(Clone, Debug, Deserialize, TS)]
pub struct CaseloadArgs {
    /// Search text; when it is not blank, results are ranked by match and the
    /// filter does not apply.
    #[serde(default)]
    pub query: String,
    /// The filters, when not searching.
    #[serde(default)]
    pub filter: CaseloadFilterInput,
    /// How many people to skip.
    #[serde(default)]
    pub offset: u32,
    /// How many people at most (1 to 500; 50 when left out).
    #[serde(default = "page")]
    pub limit: u32,
}

fn page() -> u32 {
    50
}

/// The caseload screen's filters.
#[derive(Clone, Debug, Default, Deserialize, TS)]
#[serde(default)]
pub struct CaseloadFilterInput {
    /// People with a task due within this many days (overdue included).
    #[ts(optional = nullable)]
    pub due_within_days: Option<u32>,
    /// People with an open procedure.
    pub open_procedures: bool,
    /// People of this commune (accents and case ignored).
    #[ts(optional = nullable)]
    pub commune: Option<String>,
}

/// `case_show`: one case file in full.
#[derive(Clone, Debug, Deserialize, TS)]
pub struct CaseShowArgs {
    /// The case file.
    #[ts(as = "CaseId")]
    pub case: String,
}

/// `person_add`: opens a new case file.
#[derive(Clone, Debug, Deserialize, TS)]
pub struct PersonAddArgs {
    /// Who the case file is about.
    pub person: NewPerson,
}

/// `person_update`: changes the person's details.
#[derive(Clone, Debug, Deserialize, TS)]
pub struct PersonUpdateArgs {
    /// The case file.
    #[ts(as = "CaseId")]
    pub case: String,
    /// What to change.
    pub patch: PersonPatch,
}

/// `consent_record`: records the person's consent or its withdrawal.
#[derive(Clone, Debug, Deserialize, TS)]
pub struct ConsentRecordArgs {
    /// The case file.
    #[ts(as = "CaseId")]
    pub case: String,
    /// The consent.
    pub consent: ConsentRecord,
}

/// `visit_add`: records a new visit.
#[derive(Clone, Debug, Deserialize, TS)]
pub struct VisitAddArgs {
    /// The case file.
    #[ts(as = "CaseId")]
    pub case: String,
    /// The visit.
    pub visit: VisitInput,
}

/// `visit_edit`: changes a visit.
#[derive(Clone, Debug, Deserialize, TS)]
pub struct VisitEditArgs {
    /// The visit.
    #[ts(as = "VisitId")]
    pub visit: String,
    /// What to change.
    pub patch: VisitPatch,
}

/// `visit_archive`: archives a visit or brings it back; nothing is deleted.
#[derive(Clone, Debug, Deserialize, TS)]
pub struct VisitArchiveArgs {
    /// The visit.
    #[ts(as = "VisitId")]
    pub visit: String,
    /// Archived or not.
    pub archived: bool,
}

/// `procedure_add`: adds a rights procedure.
#[derive(Clone, Debug, Deserialize, TS)]
pub struct ProcedureAddArgs {
    /// The case file.
    #[ts(as = "CaseId")]
    pub case: String,
    /// The procedure.
    pub procedure: ProcedureInput,
}

/// A new procedure as the UI sends it (the id is chosen by the backend).
#[derive(Clone, Debug, Deserialize, TS)]
pub struct ProcedureInput {
    /// The agency.
    pub agency: Agency,
    /// What it is ("RSA", "complémentaire santé solidaire"…).
    #[serde(default)]
    pub what: String,
    /// Where it stands.
    pub status: ProcedureStatus,
    /// The next thing to do.
    #[serde(default)]
    pub next_step: String,
    /// When the next step is due.
    #[serde(default)]
    pub due: Option<Day>,
}

/// `procedure_set`: changes a procedure.
#[derive(Clone, Debug, Deserialize, TS)]
pub struct ProcedureSetArgs {
    /// The procedure.
    #[ts(as = "ProcedureId")]
    pub procedure: String,
    /// What to change.
    pub patch: ProcedurePatch,
}

/// `task_add`: adds a follow-up task.
#[derive(Clone, Debug, Deserialize, TS)]
pub struct TaskAddArgs {
    /// The case file.
    #[ts(as = "CaseId")]
    pub case: String,
    /// The task.
    pub task: TaskInput,
}

/// A new task as the UI sends it (the id is chosen by the backend).
#[derive(Clone, Debug, Deserialize, TS)]
pub struct TaskInput {
    /// What to do.
    pub title: String,
    /// When.
    #[serde(default)]
    pub due: Option<Day>,
    /// Who should do it (this device's worker when blank).
    #[serde(default)]
    pub assignee: String,
}

/// `task_done`: marks a task done or not done.
#[derive(Clone, Debug, Deserialize, TS)]
pub struct TaskDoneArgs {
    /// The task.
    #[ts(as = "TaskId")]
    pub task: String,
    /// Done or not.
    pub done: bool,
}

/// `task_edit`: changes a task's title, due date or assignee.
#[derive(Clone, Debug, Deserialize, TS)]
pub struct TaskEditArgs {
    /// The task.
    #[ts(as = "TaskId")]
    pub task: String,
    /// What to change; a blank assignee means this device's worker, as in `task_add`.
    pub patch: TaskPatch,
}

/// `tasks_due`: tasks not done that are due soon, overdue included.
#[derive(Clone, Debug, Deserialize, TS)]
pub struct TasksDueArgs {
    /// Due within this many days from today.
    pub days: u32,
}

/// `team_join`: joins a team with an invite code from its lead.
#[derive(Clone, Debug, Deserialize, TS)]
pub struct TeamJoinArgs {
    /// The hub's address.
    pub hub: String,
    /// The invite code, e.g. `K7QD-MX2P-9FHT`.
    pub code: String,
}

/// `settings_set`: changes the device's settings; a field left out is kept.
#[derive(Clone, Debug, Deserialize, TS)]
pub struct SettingsSetArgs {
    /// The device's new name.
    #[ts(optional)]
    pub device_name: Option<String>,
}

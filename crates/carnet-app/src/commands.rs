//! The commands the UI calls, by name, with JSON arguments and results: the
//! one list that the tablet shell (Tauri `invoke`) and browser mode
//! (`POST /api/<command>`) both dispatch to. Each command calls the device
//! API; errors come back as `{kind, message}`.

use carnet_core::{
    Agency, ConsentRecord, Day, NewPerson, NewProcedure, NewTask, PersonPatch, ProcedureId, ProcedurePatch,
    ProcedureStatus, TaskId, VisitPatch,
};
use carnet_device::{ApiError, HttpTransport, VisitInput};
use carnet_store::{CaseSummary, CaseloadFilter};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::session::Session;
use crate::sync_loop::SyncLine;

type Res = Result<Value, ApiError>;

/// The caseload screen's filters.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Filter {
    /// People with a task due within this many days (overdue included).
    pub due_within_days: Option<u32>,
    /// People with an open procedure.
    pub open_procedures: bool,
    /// People of this commune.
    pub commune: Option<String>,
}

/// One page of the caseload.
#[derive(Clone, Debug, Serialize)]
pub struct CaseloadPage {
    /// How many people the filter or search keeps.
    pub total: u64,
    /// This page, sorted by last visit (or best match when searching).
    pub items: Vec<CaseSummary>,
}

/// A new procedure as the UI sends it (the id is chosen here).
#[derive(Clone, Debug, Deserialize)]
pub struct ProcedureInput {
    /// The agency.
    pub agency: Agency,
    /// What it is.
    #[serde(default)]
    pub what: String,
    /// Where it stands.
    pub status: ProcedureStatus,
    /// Next step.
    #[serde(default)]
    pub next_step: String,
    /// When the next step is due.
    #[serde(default)]
    pub due: Option<Day>,
}

/// A new task as the UI sends it (the id is chosen here).
#[derive(Clone, Debug, Deserialize)]
pub struct TaskInput {
    /// What to do.
    pub title: String,
    /// When.
    #[serde(default)]
    pub due: Option<Day>,
    /// Who (this worker if empty).
    #[serde(default)]
    pub assignee: String,
}

fn invalid(message: String) -> ApiError {
    ApiError {
        kind: "invalid_input".into(),
        message,
    }
}

fn args<T: DeserializeOwned>(value: Value) -> Result<T, ApiError> {
    serde_json::from_value(value).map_err(|e| invalid(format!("the request is not understood ({e})")))
}

fn to_json<T: Serialize>(value: &T) -> Res {
    serde_json::to_value(value).map_err(|e| ApiError {
        kind: "internal".into(),
        message: format!("the answer could not be written ({e})"),
    })
}

/// The status line: the loop's state, with pending changes counted now.
fn sync_line(session: &mut Session) -> Result<SyncLine, ApiError> {
    let mut line = session.sync_loop().line();
    if let Ok(device) = session.device() {
        let status = device.sync_status().map_err(|e| e.to_api())?;
        line.pending = status.pending;
        if status.team.is_none() {
            line.state = "no_team".into();
        }
        line.last_sync_ms = line.last_sync_ms.or(status.last_sync_ms);
    }
    Ok(line)
}

/// Runs one command.
///
/// # Errors
/// `{kind, message}`: `unknown_command`, `invalid_input`, `locked`, or the
/// device's error.
pub fn call(session: &mut Session, command: &str, input: Value) -> Res {
    #[derive(Deserialize)]
    struct Passphrase {
        passphrase: String,
    }
    #[derive(Deserialize)]
    struct Init {
        passphrase: String,
        worker: String,
        device_name: String,
    }
    #[derive(Deserialize)]
    struct Caseload {
        #[serde(default)]
        query: String,
        #[serde(default)]
        filter: Filter,
        #[serde(default)]
        offset: u32,
        #[serde(default = "page")]
        limit: u32,
    }
    fn page() -> u32 {
        50
    }
    #[derive(Deserialize)]
    struct Case {
        case: String,
    }
    #[derive(Deserialize)]
    struct AddPerson {
        person: NewPerson,
    }
    #[derive(Deserialize)]
    struct UpdatePerson {
        case: String,
        patch: PersonPatch,
    }
    #[derive(Deserialize)]
    struct Consent {
        case: String,
        consent: ConsentRecord,
    }
    #[derive(Deserialize)]
    struct AddVisit {
        case: String,
        visit: VisitInput,
    }
    #[derive(Deserialize)]
    struct EditVisit {
        visit: String,
        patch: VisitPatch,
    }
    #[derive(Deserialize)]
    struct ArchiveVisit {
        visit: String,
        archived: bool,
    }
    #[derive(Deserialize)]
    struct AddProcedure {
        case: String,
        procedure: ProcedureInput,
    }
    #[derive(Deserialize)]
    struct SetProcedure {
        procedure: String,
        patch: ProcedurePatch,
    }
    #[derive(Deserialize)]
    struct AddTask {
        case: String,
        task: TaskInput,
    }
    #[derive(Deserialize)]
    struct TaskDone {
        task: String,
        done: bool,
    }
    #[derive(Deserialize)]
    struct Days {
        days: u32,
    }
    #[derive(Deserialize)]
    struct Join {
        hub: String,
        code: String,
    }
    #[derive(Deserialize)]
    struct Settings {
        device_name: Option<String>,
    }

    let api = |e: carnet_device::DeviceError| e.to_api();
    match command {
        "session_state" => to_json(&session.state()?),
        "init" => {
            let a: Init = args(input)?;
            to_json(&session.init(&a.passphrase, &a.worker, &a.device_name)?)
        }
        "unlock" => {
            let a: Passphrase = args(input)?;
            to_json(&session.unlock(&a.passphrase)?)
        }
        "lock" => to_json(&session.lock()),
        "caseload" => {
            let a: Caseload = args(input)?;
            let device = session.device()?;
            let limit = a.limit.clamp(1, 500);
            if !a.query.trim().is_empty() {
                // Search ranks by match; the filter does not apply to it.
                let mut found = device.search(&a.query, 2_000).map_err(api)?;
                let total = found.len() as u64;
                let items: Vec<CaseSummary> = found
                    .drain(..)
                    .skip(a.offset as usize)
                    .take(limit as usize)
                    .collect();
                return to_json(&CaseloadPage { total, items });
            }
            let task_due_by = match a.filter.due_within_days {
                Some(days) => Some(device.days_from_today(days).map_err(api)?),
                None => None,
            };
            let filter = CaseloadFilter {
                commune: a.filter.commune.filter(|c| !c.trim().is_empty()),
                task_due_by,
                open_procedures: a.filter.open_procedures,
                conflicts: false,
                limit: Some(limit),
                offset: a.offset,
            };
            let total = device
                .store()
                .caseload_count(&filter)
                .map_err(|e| api(e.into()))?;
            let items = device.list(&filter).map_err(api)?;
            to_json(&CaseloadPage { total, items })
        }
        "communes" => {
            let device = session.device()?;
            to_json(&device.store().communes().map_err(|e| api(e.into()))?)
        }
        "case_show" => {
            let a: Case = args(input)?;
            to_json(&session.device()?.show(&a.case).map_err(api)?)
        }
        "person_add" => {
            let a: AddPerson = args(input)?;
            to_json(&session.device()?.add_person(a.person).map_err(api)?)
        }
        "person_update" => {
            let a: UpdatePerson = args(input)?;
            to_json(&session.device()?.update_person(&a.case, a.patch).map_err(api)?)
        }
        "consent_record" => {
            let a: Consent = args(input)?;
            to_json(
                &session
                    .device()?
                    .record_consent(&a.case, a.consent)
                    .map_err(api)?,
            )
        }
        "visit_add" => {
            let a: AddVisit = args(input)?;
            let (visit, view) = session.device()?.add_visit(&a.case, a.visit).map_err(api)?;
            to_json(&json!({ "visit": visit, "view": view }))
        }
        "visit_edit" => {
            let a: EditVisit = args(input)?;
            to_json(&session.device()?.edit_visit(&a.visit, a.patch).map_err(api)?)
        }
        "visit_archive" => {
            let a: ArchiveVisit = args(input)?;
            to_json(
                &session
                    .device()?
                    .archive_visit(&a.visit, a.archived)
                    .map_err(api)?,
            )
        }
        "procedure_add" => {
            let a: AddProcedure = args(input)?;
            let p = a.procedure;
            let new = NewProcedure {
                id: ProcedureId::random(),
                agency: p.agency,
                what: p.what,
                status: p.status,
                next_step: p.next_step,
                due: p.due,
            };
            let (procedure, view) = session.device()?.add_procedure(&a.case, new).map_err(api)?;
            to_json(&json!({ "procedure": procedure, "view": view }))
        }
        "procedure_set" => {
            let a: SetProcedure = args(input)?;
            to_json(
                &session
                    .device()?
                    .set_procedure(&a.procedure, a.patch)
                    .map_err(api)?,
            )
        }
        "task_add" => {
            let a: AddTask = args(input)?;
            let device = session.device()?;
            let assignee = if a.task.assignee.trim().is_empty() {
                device.identity().worker.clone()
            } else {
                a.task.assignee
            };
            let new = NewTask {
                id: TaskId::random(),
                title: a.task.title,
                due: a.task.due,
                assignee,
            };
            let (task, view) = device.add_task(&a.case, new).map_err(api)?;
            to_json(&json!({ "task": task, "view": view }))
        }
        "task_done" => {
            let a: TaskDone = args(input)?;
            to_json(&session.device()?.set_task_done(&a.task, a.done).map_err(api)?)
        }
        "tasks_due" => {
            let a: Days = args(input)?;
            to_json(&session.device()?.tasks_due(a.days).map_err(api)?)
        }
        "sync_status" => to_json(&sync_line(session)?),
        "sync_now" => {
            session.sync_loop().sync_now();
            to_json(&sync_line(session)?)
        }
        "team_join" => {
            let a: Join = args(input)?;
            let device = session.device()?;
            let mut transport = HttpTransport::new(&a.hub);
            device.join_team(&a.hub, &a.code, &mut transport).map_err(api)?;
            session.sync_loop().sync_now();
            to_json(&session.state()?)
        }
        "team_members" => to_json(&session.device()?.team_members().map_err(api)?),
        "settings_set" => {
            let a: Settings = args(input)?;
            if let Some(name) = a.device_name {
                session.device()?.rename_device(&name).map_err(api)?;
            }
            to_json(&session.state()?)
        }
        other => Err(ApiError {
            kind: "unknown_command".into(),
            message: format!("there is no command {other:?}"),
        }),
    }
}

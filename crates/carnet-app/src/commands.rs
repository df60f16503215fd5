//! The commands the UI calls, by name, with JSON arguments and results: the
//! one list that the tablet shell (Tauri `invoke`) and browser mode
//! (`POST /api/<command>`) both dispatch to. Each command calls the device
//! API; errors come back as `{kind, message}`.
//!
//! Every argument type ([`args`]) and result type derives `ts_rs::TS`;
//! [`visit_api_types`] lists them, and the UI's TypeScript types in
//! `ui/src/lib/api/bindings/` are generated from that list, so the JSON of a
//! command changes only together with the UI.

pub mod args;
pub mod lead;

use carnet_core::{CaseFileView, NewProcedure, NewTask, ProcedureId, TaskId, VisitId};
use carnet_device::{ApiError, CaseDetail, HttpTransport, TeamMember};
use carnet_store::{CaseSummary, CaseloadFilter, DueTask};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use ts_rs::{TS, TypeVisitor};

use crate::session::{Session, SessionState};
use crate::sync_loop::SyncLine;
use args::{
    CaseShowArgs, CaseloadArgs, ConsentRecordArgs, InitArgs, PersonAddArgs, PersonUpdateArgs,
    ProcedureAddArgs, ProcedureSetArgs, SettingsSetArgs, TaskAddArgs, TaskDoneArgs, TaskEditArgs,
    TasksDueArgs, TeamJoinArgs, UnlockArgs, VisitAddArgs, VisitArchiveArgs, VisitEditArgs,
};

type Res = Result<Value, ApiError>;

/// One page of the caseload (`caseload`).
#[derive(Clone, Debug, Serialize, TS)]
pub struct CaseloadPage {
    /// How many people the filter or search keeps, on every page.
    pub total: u64,
    /// This page, sorted by last visit (or best match when searching).
    pub items: Vec<CaseSummary>,
}

/// A visit just recorded (`visit_add`).
#[derive(Clone, Debug, Serialize, TS)]
pub struct VisitAdded {
    /// The new visit.
    pub visit: VisitId,
    /// The case file with it.
    pub view: CaseFileView,
}

/// A procedure just added (`procedure_add`).
#[derive(Clone, Debug, Serialize, TS)]
pub struct ProcedureAdded {
    /// The new procedure.
    pub procedure: ProcedureId,
    /// The case file with it.
    pub view: CaseFileView,
}

/// A task just added (`task_add`).
#[derive(Clone, Debug, Serialize, TS)]
pub struct TaskAdded {
    /// The new task.
    pub task: TaskId,
    /// The case file with it.
    pub view: CaseFileView,
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
    if let Some(device) = session.device_unattended() {
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
    let api = |e: carnet_device::DeviceError| e.to_api();
    match command {
        "session_state" => to_json(&session.state()?),
        "init" => {
            let a: InitArgs = args(input)?;
            to_json(&session.init(&a.passphrase, &a.worker, &a.device_name)?)
        }
        "unlock" => {
            let a: UnlockArgs = args(input)?;
            to_json(&session.unlock(&a.passphrase)?)
        }
        "lock" => to_json(&session.lock()),
        "caseload" => {
            let a: CaseloadArgs = args(input)?;
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
                include_archived: false,
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
            let a: CaseShowArgs = args(input)?;
            to_json(&session.device()?.show(&a.case).map_err(api)?)
        }
        "person_add" => {
            let a: PersonAddArgs = args(input)?;
            to_json(&session.device()?.add_person(a.person).map_err(api)?)
        }
        "person_update" => {
            let a: PersonUpdateArgs = args(input)?;
            to_json(&session.device()?.update_person(&a.case, a.patch).map_err(api)?)
        }
        "consent_record" => {
            let a: ConsentRecordArgs = args(input)?;
            to_json(
                &session
                    .device()?
                    .record_consent(&a.case, a.consent)
                    .map_err(api)?,
            )
        }
        "visit_add" => {
            let a: VisitAddArgs = args(input)?;
            let (visit, view) = session.device()?.add_visit(&a.case, a.visit).map_err(api)?;
            to_json(&VisitAdded { visit, view })
        }
        "visit_edit" => {
            let a: VisitEditArgs = args(input)?;
            to_json(&session.device()?.edit_visit(&a.visit, a.patch).map_err(api)?)
        }
        "visit_archive" => {
            let a: VisitArchiveArgs = args(input)?;
            to_json(
                &session
                    .device()?
                    .archive_visit(&a.visit, a.archived)
                    .map_err(api)?,
            )
        }
        "procedure_add" => {
            let a: ProcedureAddArgs = args(input)?;
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
            to_json(&ProcedureAdded { procedure, view })
        }
        "procedure_set" => {
            let a: ProcedureSetArgs = args(input)?;
            to_json(
                &session
                    .device()?
                    .set_procedure(&a.procedure, a.patch)
                    .map_err(api)?,
            )
        }
        "task_add" => {
            let a: TaskAddArgs = args(input)?;
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
            to_json(&TaskAdded { task, view })
        }
        "task_done" => {
            let a: TaskDoneArgs = args(input)?;
            to_json(&session.device()?.set_task_done(&a.task, a.done).map_err(api)?)
        }
        "task_edit" => {
            let mut a: TaskEditArgs = args(input)?;
            let device = session.device()?;
            if a.patch.assignee.as_ref().is_some_and(|who| who.trim().is_empty()) {
                a.patch.assignee = Some(device.identity().worker.clone());
            }
            to_json(&device.edit_task(&a.task, a.patch).map_err(api)?)
        }
        "tasks_due" => {
            let a: TasksDueArgs = args(input)?;
            to_json(&session.device()?.tasks_due(a.days).map_err(api)?)
        }
        "sync_status" => to_json(&sync_line(session)?),
        "sync_now" => {
            session.sync_loop().sync_now();
            to_json(&sync_line(session)?)
        }
        "team_join" => {
            let a: TeamJoinArgs = args(input)?;
            let device = session.device()?;
            let mut transport = HttpTransport::new(&a.hub);
            device.join_team(&a.hub, &a.code, &mut transport).map_err(api)?;
            session.sync_loop().sync_now();
            to_json(&session.state()?)
        }
        "team_members" => to_json(&session.device()?.team_members().map_err(api)?),
        "settings_set" => {
            let a: SettingsSetArgs = args(input)?;
            if let Some(name) = a.device_name {
                session.device()?.rename_device(&name).map_err(api)?;
            }
            to_json(&session.state()?)
        }
        other => lead::call(session, other, input).unwrap_or_else(|| {
            Err(ApiError {
                kind: "unknown_command".into(),
                message: format!("there is no command {other:?}"),
            })
        }),
    }
}

/// Visits every type that [`call`] reads or answers: each command's
/// arguments and result, and the error. The UI's TypeScript types are
/// generated from these and their dependencies (`tests/bindings.rs`), so a
/// new command must list its types here.
pub fn visit_api_types(visitor: &mut impl TypeVisitor) {
    // Arguments, in the order of `call` (the other commands take `{}`).
    visitor.visit::<InitArgs>();
    visitor.visit::<UnlockArgs>();
    visitor.visit::<CaseloadArgs>();
    visitor.visit::<CaseShowArgs>();
    visitor.visit::<PersonAddArgs>();
    visitor.visit::<PersonUpdateArgs>();
    visitor.visit::<ConsentRecordArgs>();
    visitor.visit::<VisitAddArgs>();
    visitor.visit::<VisitEditArgs>();
    visitor.visit::<VisitArchiveArgs>();
    visitor.visit::<ProcedureAddArgs>();
    visitor.visit::<ProcedureSetArgs>();
    visitor.visit::<TaskAddArgs>();
    visitor.visit::<TaskDoneArgs>();
    visitor.visit::<TaskEditArgs>();
    visitor.visit::<TasksDueArgs>();
    visitor.visit::<TeamJoinArgs>();
    visitor.visit::<SettingsSetArgs>();
    // Results (`communes` answers a list of strings).
    visitor.visit::<SessionState>();
    visitor.visit::<CaseloadPage>();
    visitor.visit::<CaseDetail>();
    visitor.visit::<CaseFileView>();
    visitor.visit::<VisitAdded>();
    visitor.visit::<ProcedureAdded>();
    visitor.visit::<TaskAdded>();
    visitor.visit::<DueTask>();
    visitor.visit::<SyncLine>();
    visitor.visit::<TeamMember>();
    // The lead's commands.
    lead::visit_types(visitor);
    // Every failure.
    visitor.visit::<ApiError>();
}

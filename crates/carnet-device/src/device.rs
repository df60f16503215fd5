//! The device API: one notebook opened with its passphrase, and every action
//! a worker can take on it. The command line calls this, and so will the app
//! shell and browser mode. Each edit is load → apply → save in one transaction.

use std::fmt;
use std::path::Path;

use carnet_core::{
    CaseFile, CaseFileAsOf, CaseFileView, CaseId, Conflict, ConsentRecord, Day, Edit, EditContext, FieldPath,
    HistoryEntry, LocalDateTime, NewPerson, NewProcedure, NewTask, NewVisit, PersonPatch, ProcedureId,
    ProcedurePatch, TaskId, TaskPatch, VisitId, VisitPatch,
};
use carnet_store::{
    CaseSummary, CaseloadFilter, DeviceIdentity, DueTask, KdfParams, ReindexReport, Store, StoredCase,
};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::DeviceError;
use crate::demo::{self, DemoSpec};

type Res<T> = Result<T, DeviceError>;

/// The current time, as edits record it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Now {
    /// Milliseconds since the Unix epoch.
    pub time_ms: i64,
    /// Local date and time.
    pub local: LocalDateTime,
}

/// Where the time comes from (the system, or a fixed time in tests).
pub trait Clock: fmt::Debug + Send + Sync {
    /// The current time.
    fn now(&self) -> Now;
}

/// The system clock in the local time zone.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Now {
        let now = chrono::Local::now();
        let local = LocalDateTime::parse(&now.format("%Y-%m-%dT%H:%M").to_string())
            .unwrap_or_else(|_| LocalDateTime::parse("1970-01-01T00:00").unwrap_or_else(|_| unreachable!()));
        Now {
            time_ms: now.timestamp_millis(),
            local,
        }
    }
}

/// The instant a date written in local time stands for, in milliseconds
/// since the Unix epoch: `YYYY-MM-DD` is the end of that day (its last
/// millisecond) and `YYYY-MM-DDTHH:MM` the end of that minute, so "as of the
/// 5th" or "as of 14:30" includes what was written during that day or minute,
/// as history shows it to the minute.
///
/// # Errors
/// [`DeviceError::Input`] for text in neither form.
pub fn local_instant_ms(text: &str) -> Res<i64> {
    end_of_local(text, &chrono::Local)
}

fn end_of_local<Tz: chrono::TimeZone>(text: &str, zone: &Tz) -> Res<i64> {
    use chrono::{Duration, NaiveDateTime, NaiveTime};
    let text = text.trim();
    let parse_day = |day: &Day| {
        chrono::NaiveDate::parse_from_str(day.as_str(), "%Y-%m-%d")
            .map_err(|e| DeviceError::Input(e.to_string()))
    };
    // The start of the next day or minute, less one millisecond.
    let next: NaiveDateTime = if text.len() == 10 {
        let day = parse_day(&Day::parse(text)?)?;
        day.and_time(NaiveTime::MIN) + Duration::days(1)
    } else {
        let at = LocalDateTime::parse(text).map_err(|_| {
            DeviceError::Input(format!(
                "{text:?} is not a date; write YYYY-MM-DD or YYYY-MM-DDTHH:MM, e.g. 2026-03-14 or 2026-03-14T09:30"
            ))
        })?;
        NaiveDateTime::parse_from_str(at.as_str(), "%Y-%m-%dT%H:%M")
            .map_err(|e| DeviceError::Input(e.to_string()))?
            + Duration::minutes(1)
    };
    // A local time skipped by a change to summer time does not exist: the
    // next hour's start is taken then. One repeated in autumn is the later one.
    let instant = (0..=2)
        .find_map(|hours| {
            zone.from_local_datetime(&(next + Duration::hours(hours)))
                .latest()
        })
        .ok_or_else(|| DeviceError::Input(format!("{text:?} is not a time in this time zone")))?;
    Ok(instant.timestamp_millis() - 1)
}

/// A case file with everything a screen needs to show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct CaseDetail {
    /// The case file.
    pub case: CaseFileView,
    /// Fields holding concurrent values.
    pub conflicts: Vec<Conflict>,
    /// The document's heads (hex), equal on two devices that hold the same changes.
    pub heads: Vec<String>,
}

/// The conflicts of one case file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CaseConflicts {
    /// The case file.
    pub case_id: CaseId,
    /// The person's name.
    pub name: String,
    /// Its conflicts.
    pub conflicts: Vec<Conflict>,
}

/// What importing one file did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportOutcome {
    /// The case file.
    pub case_id: CaseId,
    /// The person's name.
    pub name: String,
    /// Whether the case file was new on this device.
    pub created: bool,
    /// How many changes were new here.
    pub new_changes: usize,
}

/// What to record for a new visit; the id is chosen here.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct VisitInput {
    /// When (now if `None`).
    pub at: Option<LocalDateTime>,
    /// Where.
    pub place: String,
    /// How (home if `None`).
    pub kind: Option<carnet_core::VisitKind>,
    /// Who was present.
    pub present: Vec<String>,
    /// Topics.
    pub topics: Vec<String>,
    /// Minutes.
    pub duration_min: Option<i64>,
    /// The note.
    pub note: String,
}

/// An open notebook.
#[derive(Debug)]
pub struct Device {
    store: Store,
    clock: Box<dyn Clock>,
    /// The case file edited last, kept between edits so the next edit of it
    /// neither reads the document again nor projects it again in full; used
    /// only while the stored document is still the same write of it.
    /// Also the case file shown last: a visit is written from the case
    /// file's screen, so its save need not read the document again.
    last_edited: std::cell::RefCell<Option<StoredCase>>,
    /// How much an exchange with the hub carries, learnt from the last ones.
    pub(crate) pace: crate::pace::Pace,
}

impl Device {
    /// Creates the notebook and the device's identity in `dir`.
    ///
    /// # Errors
    /// [`DeviceError::Input`] for an empty worker name or passphrase; store errors.
    pub fn init(dir: &Path, passphrase: &str, worker: &str, device_name: &str) -> Res<Self> {
        Self::init_with(dir, passphrase, worker, device_name, KdfParams::DEVICE)
    }

    /// As [`Device::init`] with chosen key-derivation costs (tests use cheap ones).
    ///
    /// # Errors
    /// As [`Device::init`].
    pub fn init_with(
        dir: &Path,
        passphrase: &str,
        worker: &str,
        device_name: &str,
        kdf: KdfParams,
    ) -> Res<Self> {
        let (worker, device_name) = (worker.trim(), device_name.trim());
        if worker.is_empty() {
            return Err(DeviceError::Input("give the worker's name (--worker)".into()));
        }
        if passphrase.chars().count() < 4 {
            return Err(DeviceError::Input(
                "the passphrase must have at least 4 characters".into(),
            ));
        }
        let identity = DeviceIdentity {
            device_id: carnet_core::DeviceId::random(),
            worker: worker.to_owned(),
            device_name: if device_name.is_empty() {
                "tablette".to_owned()
            } else {
                device_name.to_owned()
            },
        };
        let store = Store::create(dir, passphrase, kdf, identity)?;
        Ok(Self {
            store,
            clock: Box::new(SystemClock),
            last_edited: std::cell::RefCell::new(None),
            pace: crate::pace::Pace::default(),
        })
    }

    /// Opens the notebook in `dir`.
    ///
    /// # Errors
    /// Store errors, among them a wrong passphrase.
    pub fn open(dir: &Path, passphrase: &str) -> Res<Self> {
        Ok(Self {
            store: Store::open(dir, passphrase)?,
            clock: Box::new(SystemClock),
            last_edited: std::cell::RefCell::new(None),
            pace: crate::pace::Pace::default(),
        })
    }

    /// Replaces the clock (tests and scripted histories).
    pub fn set_clock(&mut self, clock: Box<dyn Clock>) {
        self.clock = clock;
    }

    /// Who this device is.
    #[must_use]
    pub fn identity(&self) -> &DeviceIdentity {
        self.store.identity()
    }

    /// The clock edits are stamped with.
    #[must_use]
    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    pub(crate) fn store_mut(&mut self) -> &mut Store {
        &mut self.store
    }

    /// The store underneath (for tests and tools that need it).
    #[must_use]
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Today's date by the device clock.
    #[must_use]
    pub fn today(&self) -> Day {
        self.clock.now().local.day()
    }

    fn ctx(&self) -> EditContext {
        let now = self.clock.now();
        EditContext {
            worker: self.identity().worker.clone(),
            time_ms: now.time_ms,
            local_time: now.local,
        }
    }

    pub(crate) fn edit(&mut self, case: CaseId, edit: &Edit) -> Res<CaseFileView> {
        let kept = self
            .last_edited
            .get_mut()
            .take()
            .filter(|kept| kept.file.id() == case);
        let mut stored = match kept {
            // Another program (or a sync) wrote it since: read it again.
            Some(kept) if self.store.generation(case)? == Some(kept.generation()) => kept,
            _ => self.store.load_to_edit(case)?,
        };
        let ctx = self.ctx();
        let change = stored.file.apply(edit, &ctx)?;
        // On an error the document in memory holds a change that is not
        // stored: it is dropped, and the next edit reads the stored one.
        let view = self.store.save_edit(&mut stored, change, edit)?;
        *self.last_edited.get_mut() = Some(stored);
        Ok(view)
    }

    /// Opens a new case file.
    ///
    /// # Errors
    /// Invalid input; store errors.
    pub fn add_person(&mut self, person: NewPerson) -> Res<CaseFileView> {
        let ctx = self.ctx();
        let (file, _) = CaseFile::create(CaseId::random(), self.store.writer(), person, &ctx)?;
        Ok(self.store.insert_case(file)?.file.view())
    }

    /// Changes a person's details.
    ///
    /// # Errors
    /// Not found, invalid input; store errors.
    pub fn update_person(&mut self, case: &str, patch: PersonPatch) -> Res<CaseFileView> {
        let id = self.store.find_case(case)?;
        self.edit(id, &Edit::UpdatePerson(patch))
    }

    /// Records consent.
    ///
    /// # Errors
    /// Not found; store errors.
    pub fn record_consent(&mut self, case: &str, consent: ConsentRecord) -> Res<CaseFileView> {
        let id = self.store.find_case(case)?;
        self.edit(id, &Edit::RecordConsent(consent))
    }

    /// The caseload list.
    ///
    /// # Errors
    /// Store errors.
    pub fn list(&self, filter: &CaseloadFilter) -> Res<Vec<CaseSummary>> {
        Ok(self.store.caseload(filter)?)
    }

    /// Search by name, commune or note words, accents ignored.
    ///
    /// # Errors
    /// Store errors.
    pub fn search(&self, query: &str, limit: u32) -> Res<Vec<CaseSummary>> {
        Ok(self.store.search(query, limit)?)
    }

    /// One case file in full.
    ///
    /// # Errors
    /// Not found, corrupt; store errors.
    pub fn show(&self, case: &str) -> Res<CaseDetail> {
        let id = self.store.find_case(case)?;
        // One case file kept at a time: the last one goes before this one is read.
        drop(self.last_edited.borrow_mut().take());
        let mut stored = self.store.load_to_edit(id)?;
        let detail = CaseDetail {
            case: stored
                .indexed_view()
                .cloned()
                .unwrap_or_else(|| stored.file.view()),
            conflicts: stored.file.conflicts(),
            heads: stored.file.heads().iter().map(ToString::to_string).collect(),
        };
        // Kept for the edit that usually follows (checked against the
        // stored generation then, like any kept case file).
        *self.last_edited.borrow_mut() = Some(stored);
        Ok(detail)
    }

    /// Records a visit and returns its id.
    ///
    /// # Errors
    /// Not found, invalid input; store errors.
    pub fn add_visit(&mut self, case: &str, input: VisitInput) -> Res<(VisitId, CaseFileView)> {
        let id = self.store.find_case(case)?;
        let visit_id = VisitId::random();
        let visit = NewVisit {
            id: visit_id,
            at: input.at.unwrap_or_else(|| self.clock.now().local),
            place: input.place,
            kind: input.kind.unwrap_or(carnet_core::VisitKind::Home),
            present: input.present,
            topics: input.topics,
            duration_min: input.duration_min,
            note: input.note,
        };
        Ok((visit_id, self.edit(id, &Edit::AddVisit(visit))?))
    }

    /// Changes a visit.
    ///
    /// # Errors
    /// Not found, invalid input; store errors.
    pub fn edit_visit(&mut self, visit: &str, patch: VisitPatch) -> Res<CaseFileView> {
        let (case, id) = self.store.find_visit(visit)?;
        self.edit(case, &Edit::EditVisit { id, patch })
    }

    /// Archives a visit (or brings it back). Nothing is deleted.
    ///
    /// # Errors
    /// Not found; store errors.
    pub fn archive_visit(&mut self, visit: &str, archived: bool) -> Res<CaseFileView> {
        let (case, id) = self.store.find_visit(visit)?;
        self.edit(case, &Edit::ArchiveVisit { id, archived })
    }

    /// Archives a whole case file (or brings it back): it leaves the default
    /// caseload list but stays searchable. Nothing is deleted.
    ///
    /// # Errors
    /// Not found; store errors.
    pub fn archive_case(&mut self, case: &str, archived: bool) -> Res<CaseFileView> {
        let id = self.store.find_case(case)?;
        self.edit(id, &Edit::ArchiveCase { archived })
    }

    /// Signs off a visit as reviewed by this device's worker.
    ///
    /// # Errors
    /// Not found; store errors.
    pub fn review_visit(&mut self, visit: &str) -> Res<CaseFileView> {
        let (case, id) = self.store.find_visit(visit)?;
        self.edit(case, &Edit::ReviewVisit { id })
    }

    /// Adds a procedure; the id in `procedure` is replaced by a new one.
    ///
    /// # Errors
    /// Not found, invalid input; store errors.
    pub fn add_procedure(
        &mut self,
        case: &str,
        mut procedure: NewProcedure,
    ) -> Res<(ProcedureId, CaseFileView)> {
        let id = self.store.find_case(case)?;
        procedure.id = ProcedureId::random();
        let procedure_id = procedure.id;
        Ok((procedure_id, self.edit(id, &Edit::AddProcedure(procedure))?))
    }

    /// Changes a procedure.
    ///
    /// # Errors
    /// Not found, invalid input; store errors.
    pub fn set_procedure(&mut self, procedure: &str, patch: ProcedurePatch) -> Res<CaseFileView> {
        let (case, id) = self.store.find_procedure(procedure)?;
        self.edit(case, &Edit::EditProcedure { id, patch })
    }

    /// Adds a task; the id in `task` is replaced by a new one.
    ///
    /// # Errors
    /// Not found, invalid input; store errors.
    pub fn add_task(&mut self, case: &str, mut task: NewTask) -> Res<(TaskId, CaseFileView)> {
        let id = self.store.find_case(case)?;
        task.id = TaskId::random();
        let task_id = task.id;
        Ok((task_id, self.edit(id, &Edit::AddTask(task))?))
    }

    /// Marks a task done or not done.
    ///
    /// # Errors
    /// Not found; store errors.
    pub fn set_task_done(&mut self, task: &str, done: bool) -> Res<CaseFileView> {
        let (case, id) = self.store.find_task(task)?;
        self.edit(case, &Edit::SetTaskDone { id, done })
    }

    /// Changes a task's title, due date or assignee.
    ///
    /// # Errors
    /// Not found, invalid input (a blank title); store errors.
    pub fn edit_task(&mut self, task: &str, patch: TaskPatch) -> Res<CaseFileView> {
        let (case, id) = self.store.find_task(task)?;
        self.edit(case, &Edit::EditTask { id, patch })
    }

    /// Tasks not done that are due within `days` days from today (overdue included).
    ///
    /// # Errors
    /// Store errors.
    pub fn tasks_due(&self, days: u32) -> Res<Vec<DueTask>> {
        Ok(self.store.tasks_due(&self.days_from_today(days)?)?)
    }

    /// The day `days` days after today.
    ///
    /// # Errors
    /// [`DeviceError::Input`] past the calendar's end.
    pub fn days_from_today(&self, days: u32) -> Res<Day> {
        let today = chrono::NaiveDate::parse_from_str(self.today().as_str(), "%Y-%m-%d")
            .map_err(|e| DeviceError::Input(e.to_string()))?;
        let until = today
            .checked_add_days(chrono::Days::new(u64::from(days)))
            .ok_or_else(|| DeviceError::Input(format!("{days} days from today is past the calendar")))?;
        Ok(Day::parse(&until.format("%Y-%m-%d").to_string())?)
    }

    /// Every change of a case file, oldest first.
    ///
    /// # Errors
    /// Not found, corrupt; store errors.
    pub fn history(&self, case: &str) -> Res<Vec<HistoryEntry>> {
        let id = self.store.find_case(case)?;
        Ok(self.store.load(id)?.file.history())
    }

    /// The case file as it stood at `time_ms` (milliseconds since the Unix
    /// epoch; see [`local_instant_ms`] for a date people write): the changes
    /// stamped at or before it, leaving out any that build on a change stamped
    /// after it (see [`CaseFile::as_of`]). A time in the future gives the
    /// case file as it is now.
    ///
    /// # Errors
    /// Not found (also [`DeviceError::NotFoundAtDate`] when the case file
    /// did not exist yet at that time), corrupt; store errors.
    pub fn case_as_of(&self, case: &str, time_ms: i64) -> Res<CaseFileAsOf> {
        let id = self.store.find_case(case)?;
        self.store
            .load(id)?
            .file
            .as_of(time_ms)?
            .ok_or_else(|| DeviceError::NotFoundAtDate { id: id.to_string() })
    }

    /// The conflicts of one case file, or of every case file that has some.
    ///
    /// # Errors
    /// Not found, corrupt; store errors.
    pub fn conflicts(&self, case: Option<&str>) -> Res<Vec<CaseConflicts>> {
        let ids: Vec<CaseId> = match case {
            Some(case) => vec![self.store.find_case(case)?],
            None => {
                let mut ids: Vec<CaseId> = self.store.conflicts()?.into_iter().map(|c| c.case_id).collect();
                ids.dedup();
                ids
            }
        };
        let mut out = Vec::new();
        for id in ids {
            let mut stored = self.store.load(id)?;
            let conflicts = stored.file.conflicts();
            if !conflicts.is_empty() {
                out.push(CaseConflicts {
                    case_id: id,
                    name: stored.file.view().person.name,
                    conflicts,
                });
            }
        }
        Ok(out)
    }

    /// Settles a conflict with one value.
    ///
    /// # Errors
    /// Not found, invalid field or value; store errors.
    pub fn resolve(&mut self, case: &str, field: &str, value: &str) -> Res<CaseDetail> {
        let id = self.store.find_case(case)?;
        let field: FieldPath = field.parse()?;
        self.edit(
            id,
            &Edit::Resolve {
                field,
                value: value.to_owned(),
            },
        )?;
        self.show(&id.to_string())
    }

    /// The case file as an Automerge document any Automerge implementation can open.
    ///
    /// # Errors
    /// Not found, corrupt; store errors.
    pub fn export_automerge(&self, case: &str) -> Res<(CaseId, Vec<u8>)> {
        let id = self.store.find_case(case)?;
        Ok((id, self.store.document_bytes(id)?))
    }

    /// The case file as JSON.
    ///
    /// # Errors
    /// Not found, corrupt; store errors.
    pub fn export_json(&self, case: &str) -> Res<(CaseId, serde_json::Value)> {
        let detail = self.show(case)?;
        let json = serde_json::json!({ "format": "carnet-case-file", "version": 1, "case": detail.case,
                                       "conflicts": detail.conflicts });
        Ok((detail.case.id, json))
    }

    /// Every case file id on the device.
    ///
    /// # Errors
    /// Store errors.
    pub fn case_ids(&self) -> Res<Vec<CaseId>> {
        Ok(self.store.case_ids()?)
    }

    /// Merges a case file exported by another device (`.automerge` bytes).
    /// Bytes that are not a case file change nothing.
    ///
    /// # Errors
    /// Invalid document; store errors.
    pub fn import(&mut self, bytes: &[u8]) -> Res<ImportOutcome> {
        let theirs = CaseFile::load(bytes, self.store.writer())?;
        let id = theirs.id();
        if self.store.contains(id)? {
            let mut stored = self.store.load(id)?;
            let changes = stored.file.merge_bytes(bytes)?;
            let name = self.store.save_changes(&mut stored, &changes)?.person.name;
            Ok(ImportOutcome {
                case_id: id,
                name,
                created: false,
                new_changes: changes.len(),
            })
        } else {
            let mut file = theirs;
            let new_changes = file.change_hashes().len();
            let name = file.view().person.name;
            self.store.insert_case(file)?;
            Ok(ImportOutcome {
                case_id: id,
                name,
                created: true,
                new_changes,
            })
        }
    }

    /// Rebuilds the index from the documents.
    ///
    /// # Errors
    /// Store errors.
    pub fn reindex(&mut self) -> Res<ReindexReport> {
        Ok(self.store.reindex()?)
    }

    /// Fills the notebook with deterministic demo data; returns how many case files.
    ///
    /// # Errors
    /// Store errors.
    pub fn demo(&mut self, people: usize, seed: u64, today: Option<Day>) -> Res<usize> {
        let spec = DemoSpec {
            people,
            seed,
            today: today.unwrap_or_else(|| self.today()),
            workers: vec![self.identity().worker.clone()],
        };
        // Built and stored in slices, so memory stays flat for large caseloads.
        let mut start = 0;
        while start < people {
            let end = (start + 500).min(people);
            let files = demo::build_people(&spec, start..end, self.store.writer())?;
            self.store.insert_cases(files)?;
            start = end;
        }
        Ok(people)
    }
}

#[cfg(test)]
#[path = "device_tests.rs"]
mod tests;

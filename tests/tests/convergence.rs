//! Convergence: case files edited on 2 to 4 devices and exchanged as
//! `.automerge` exports in any order — late, twice, or not at all until the
//! end — end up identical everywhere, and no edit is lost on the way.
//!
//! Device 0 opens one or two case files and every device imports them. Then a
//! random schedule runs: edits on one device (each recorded with the one
//! change hash it produced and the unique marker words it wrote) and
//! transfers of one case file from one device to another (sometimes
//! delivered twice, sometimes an export kept and delivered later, after newer
//! edits). At the end every device sends every case file to every other until
//! nothing new arrives, and then all devices must show the same case file
//! (view, conflicts and heads), hold every recorded change, and show every
//! visit, task and procedure added and every marker word written in a note.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use anyhow::{Context, Result, bail, ensure};
use carnet_core::{
    Agency, CaseFile, CaseId, ChangeHash, Day, DeviceId, NewPerson, NewProcedure, NewTask, PersonPatch,
    ProcedureId, ProcedurePatch, ProcedureStatus, TaskId, VisitId, VisitPatch,
};
use carnet_device::{CaseDetail, Device, VisitInput};
use carnet_store::{COMPACT_AFTER_CHANGES, CaseloadFilter};
use carnet_tests::{PASSPHRASE, device};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{FileFailurePersistence, TestCaseError, TestRunner};
use tempfile::TempDir;

/// One kind of edit a worker makes on a device.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum EditKind {
    /// Record a visit whose note holds a new marker word.
    AddVisit,
    /// Insert a new marker word at a word boundary of a visit's note.
    EditNote,
    /// Set a procedure's status (adds a procedure when there is none).
    SetProcedure,
    /// Archive a visit or bring it back.
    ArchiveVisit,
    /// Add a task whose title holds a new marker word.
    AddTask,
    /// Mark a task done or not done.
    TaskDone,
    /// Change the person's commune.
    Commune,
    /// Settle a conflict with one of its values (changes the commune when
    /// there is no conflict).
    Resolve,
}

const EDIT_KINDS: [EditKind; 8] = [
    EditKind::AddVisit,
    EditKind::EditNote,
    EditKind::SetProcedure,
    EditKind::ArchiveVisit,
    EditKind::AddTask,
    EditKind::TaskDone,
    EditKind::Commune,
    EditKind::Resolve,
];

/// One step of a schedule. Device and case numbers are taken modulo the
/// number of devices and case files of the run.
#[derive(Clone, Debug)]
enum Step {
    /// An edit on `device` of case file `case`; `pick` chooses the item, the
    /// position in a note and the value.
    Edit {
        device: usize,
        case: usize,
        kind: EditKind,
        pick: u32,
    },
    /// `from` exports the case file and `to` imports it (`twice`: imports the
    /// same bytes a second time).
    Send {
        from: usize,
        to: usize,
        case: usize,
        twice: bool,
    },
    /// `from` exports the case file now; it is delivered by a later `Deliver`.
    Keep { from: usize, case: usize },
    /// A kept export (chosen by `kept`) is imported by `to`, however old it is.
    Deliver { kept: usize, to: usize },
}

/// Edits, weighted towards those that conflict (the commune) or interleave (notes).
fn edit_kind() -> impl Strategy<Value = EditKind> {
    prop_oneof![
        2 => Just(EditKind::AddVisit),
        3 => Just(EditKind::EditNote),
        2 => Just(EditKind::SetProcedure),
        1 => Just(EditKind::ArchiveVisit),
        1 => Just(EditKind::AddTask),
        1 => Just(EditKind::TaskDone),
        2 => Just(EditKind::Commune),
        2 => Just(EditKind::Resolve),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        6 => (0..4usize, 0..2usize, edit_kind(), any::<u32>())
            .prop_map(|(device, case, kind, pick)| Step::Edit { device, case, kind, pick }),
        3 => (0..4usize, 0..4usize, 0..2usize, prop::bool::weighted(0.3))
            .prop_map(|(from, to, case, twice)| Step::Send { from, to, case, twice }),
        1 => (0..4usize, 0..2usize).prop_map(|(from, case)| Step::Keep { from, case }),
        1 => (0..8usize, 0..4usize).prop_map(|(kept, to)| Step::Deliver { kept, to }),
    ]
}

/// An edit that was made, with the change it produced.
#[derive(Debug)]
struct Made {
    device: usize,
    case: usize,
    what: String,
    hash: ChangeHash,
}

/// An export taken earlier, to be delivered later.
#[derive(Debug)]
struct Kept {
    from: usize,
    case: usize,
    bytes: Vec<u8>,
    hashes: BTreeSet<ChangeHash>,
}

/// Devices, the case files they share and everything that was written.
struct World {
    devices: Vec<Device>,
    cases: Vec<CaseId>,
    made: Vec<Made>,
    /// Visit → (case file, every marker word written in its note).
    visits: BTreeMap<VisitId, (usize, Vec<String>)>,
    /// Task → (case file, the marker word of its title).
    tasks: BTreeMap<TaskId, (usize, String)>,
    /// Procedure → case file.
    procedures: BTreeMap<ProcedureId, usize>,
    kept: Vec<Kept>,
    markers: u32,
    /// What happened, step by step, for failure messages.
    log: Vec<String>,
    // The notebooks' directories, removed after the devices are closed.
    dirs: Vec<TempDir>,
}

fn hashes(device: &Device, id: CaseId) -> Result<BTreeSet<ChangeHash>> {
    Ok(device.store().load(id)?.file.change_hashes())
}

fn short(hash: &ChangeHash) -> String {
    hash.to_string()[..8].to_owned()
}

/// The byte positions where a word can go: the start, before each space, the end.
fn word_boundaries(text: &str) -> Vec<usize> {
    let mut at = vec![0];
    at.extend(text.char_indices().filter(|(_, c)| *c == ' ').map(|(i, _)| i));
    at.push(text.len());
    at.dedup();
    at
}

/// `text` with `word` inserted as a word at byte position `at` (a word boundary).
fn insert_word(text: &str, at: usize, word: &str) -> String {
    if text.is_empty() {
        word.to_owned()
    } else if at == 0 {
        format!("{word} {text}")
    } else {
        format!("{} {word}{}", &text[..at], &text[at..])
    }
}

impl World {
    fn new(count: usize, cases: usize) -> Result<Self> {
        let dirs: Vec<TempDir> = (0..count).map(|_| TempDir::new()).collect::<Result<_, _>>()?;
        let mut devices: Vec<Device> = dirs
            .iter()
            .enumerate()
            .map(|(i, dir)| device(dir.path(), &format!("worker{i}")))
            .collect();
        let mut ids = Vec::new();
        for c in 0..cases {
            let view = devices[0].add_person(NewPerson {
                name: format!("Personne {c}"),
                birth_year: Some(1970 + c as i64),
                commune: "Aurillac".into(),
                phone: String::new(),
                situation: "hébergée chez sa sœur".into(),
            })?;
            ids.push(view.id);
        }
        for (c, &id) in ids.iter().enumerate() {
            let (_, bytes) = devices[0].export_automerge(&id.to_string())?;
            let original = devices[0].show(&id.to_string())?;
            for (d, other) in devices.iter_mut().enumerate().skip(1) {
                let outcome = other.import(&bytes)?;
                ensure!(
                    outcome.created && outcome.case_id == id && outcome.new_changes == 1,
                    "device {d} importing new case file {c} from device 0 reported {outcome:?}"
                );
                let copy = other.show(&id.to_string())?;
                ensure!(
                    copy == original,
                    "device {d} shows case file {c} differently after importing it"
                );
            }
        }
        Ok(World {
            devices,
            cases: ids,
            made: Vec::new(),
            visits: BTreeMap::new(),
            tasks: BTreeMap::new(),
            procedures: BTreeMap::new(),
            kept: Vec::new(),
            markers: 0,
            log: vec![format!(
                "{count} devices, {cases} case file(s) created on device 0 and imported"
            )],
            dirs,
        })
    }

    fn marker(&mut self) -> String {
        self.markers += 1;
        format!("mk{}x", self.markers)
    }

    fn run(&mut self, step: &Step) -> Result<()> {
        let n = self.devices.len();
        let cases = self.cases.len();
        match *step {
            Step::Edit {
                device,
                case,
                kind,
                pick,
            } => self.edit(device % n, case % cases, kind, pick),
            Step::Send {
                from,
                to,
                case,
                twice,
            } => {
                let (from, mut to) = (from % n, to % n);
                if to == from {
                    to = (to + 1) % n;
                }
                let case = case % cases;
                let (bytes, sent) = self.export(from, case)?;
                self.log.push(format!(
                    "send case {case} from device {from} to device {to}{}",
                    if twice { " twice" } else { "" }
                ));
                self.deliver(to, case, &bytes, &sent)?;
                if twice {
                    let heads = self.devices[to].show(&self.cases[case].to_string())?.heads;
                    let again = self.devices[to].import(&bytes)?;
                    ensure!(
                        again.new_changes == 0,
                        "importing the same export twice on device {to} reported {} new changes the second \
                         time",
                        again.new_changes
                    );
                    let after = self.devices[to].show(&self.cases[case].to_string())?.heads;
                    ensure!(
                        after == heads,
                        "a duplicate import changed the heads on device {to}"
                    );
                }
                Ok(())
            }
            Step::Keep { from, case } => {
                let (from, case) = (from % n, case % cases);
                let (bytes, hashes) = self.export(from, case)?;
                self.log.push(format!(
                    "keep export #{} of case {case} from device {from} ({} changes)",
                    self.kept.len(),
                    hashes.len()
                ));
                self.kept.push(Kept {
                    from,
                    case,
                    bytes,
                    hashes,
                });
                Ok(())
            }
            Step::Deliver { kept, to } => {
                if self.kept.is_empty() {
                    self.log.push("deliver: nothing kept yet".into());
                    return Ok(());
                }
                let (index, to) = (kept % self.kept.len(), to % n);
                let kept = &self.kept[index];
                let (case, bytes, hashes) = (kept.case, kept.bytes.clone(), kept.hashes.clone());
                self.log.push(format!(
                    "deliver kept export #{index} (case {case} from device {}) to device {to}",
                    kept.from
                ));
                self.deliver(to, case, &bytes, &hashes)
            }
        }
    }

    /// Exports a case file from a device; checks the export holds every change the device has.
    fn export(&self, from: usize, case: usize) -> Result<(Vec<u8>, BTreeSet<ChangeHash>)> {
        let id = self.cases[case];
        let (exported, bytes) = self.devices[from].export_automerge(&id.to_string())?;
        ensure!(
            exported == id,
            "device {from} exported case file {exported} when asked for {id}"
        );
        let sent = CaseFile::load(&bytes, DeviceId::random())?.change_hashes();
        let held = hashes(&self.devices[from], id)?;
        ensure!(
            sent == held,
            "the export of case {case} from device {from} holds {} changes but the device holds {}",
            sent.len(),
            held.len()
        );
        Ok((bytes, sent))
    }

    /// Imports an export on a device; checks it then holds exactly what it held plus what was sent.
    fn deliver(&mut self, to: usize, case: usize, bytes: &[u8], sent: &BTreeSet<ChangeHash>) -> Result<()> {
        let id = self.cases[case];
        let before = hashes(&self.devices[to], id)?;
        let outcome = self.devices[to]
            .import(bytes)
            .with_context(|| format!("device {to} imports case {case}"))?;
        let after = hashes(&self.devices[to], id)?;
        let expected: BTreeSet<ChangeHash> = before.union(sent).copied().collect();
        ensure!(
            after == expected,
            "after importing case {case} on device {to}: {} changes held, expected {} ({} before, {} sent); \
             missing {:?}, unexpected {:?}",
            after.len(),
            expected.len(),
            before.len(),
            sent.len(),
            expected.difference(&after).map(short).collect::<Vec<_>>(),
            after.difference(&expected).map(short).collect::<Vec<_>>()
        );
        ensure!(
            outcome.case_id == id && !outcome.created && outcome.new_changes == after.len() - before.len(),
            "importing case {case} on device {to} reported {outcome:?}, but {} changes were new",
            after.len() - before.len()
        );
        Ok(())
    }

    fn edit(&mut self, d: usize, case: usize, kind: EditKind, pick: u32) -> Result<()> {
        let id = self.cases[case];
        let key = id.to_string();
        let before = hashes(&self.devices[d], id)?;
        let detail = self.devices[d].show(&key)?;
        let view = detail.case;
        let marker = self.marker();
        // A kind that needs an item falls back to adding one when there is none.
        let kind = match kind {
            EditKind::EditNote | EditKind::ArchiveVisit if view.visits.is_empty() => EditKind::AddVisit,
            EditKind::TaskDone if view.tasks.is_empty() => EditKind::AddTask,
            EditKind::Resolve if detail.conflicts.is_empty() => EditKind::Commune,
            other => other,
        };
        let pick = pick as usize;
        let device = &mut self.devices[d];
        let what = match kind {
            EditKind::AddVisit => {
                let note = format!("passage {marker} point logement");
                let input = VisitInput {
                    place: "domicile".into(),
                    note: note.clone(),
                    ..VisitInput::default()
                };
                let (visit, view) = device.add_visit(&key, input)?;
                let shown = view
                    .visits
                    .iter()
                    .find(|v| v.id == visit)
                    .map(|v| v.note.as_str());
                ensure!(
                    shown == Some(note.as_str()),
                    "device {d} added visit {visit} but shows it as {shown:?}"
                );
                self.visits.insert(visit, (case, vec![marker.clone()]));
                format!("add visit {} with {marker}", &visit.to_string()[..8])
            }
            EditKind::EditNote => {
                let visit = &view.visits[pick % view.visits.len()];
                let boundaries = word_boundaries(&visit.note);
                let at = boundaries[(pick >> 8) % boundaries.len()];
                let note = insert_word(&visit.note, at, &marker);
                let patch = VisitPatch {
                    note: Some(note.clone()),
                    ..VisitPatch::default()
                };
                let after = device.edit_visit(&visit.id.to_string(), patch)?;
                let shown = after
                    .visits
                    .iter()
                    .find(|v| v.id == visit.id)
                    .map(|v| v.note.as_str());
                ensure!(
                    shown == Some(note.as_str()),
                    "device {d} edited the note of visit {} to {note:?} but shows {shown:?}",
                    visit.id
                );
                self.visits
                    .entry(visit.id)
                    .or_insert_with(|| (case, Vec::new()))
                    .1
                    .push(marker.clone());
                format!(
                    "insert {marker} in note of visit {} at byte {at}",
                    &visit.id.to_string()[..8]
                )
            }
            EditKind::SetProcedure => {
                if view.procedures.is_empty() {
                    let procedure = NewProcedure {
                        id: ProcedureId::random(),
                        agency: Agency::Caf,
                        what: format!("RSA {marker}"),
                        status: ProcedureStatus::ToDo,
                        next_step: "réunir les justificatifs".into(),
                        due: None,
                    };
                    let (procedure, _) = device.add_procedure(&key, procedure)?;
                    self.procedures.insert(procedure, case);
                    format!("add procedure {}", &procedure.to_string()[..8])
                } else {
                    let procedure = &view.procedures[pick % view.procedures.len()];
                    let status = ProcedureStatus::ALL[(pick >> 8) % ProcedureStatus::ALL.len()];
                    let patch = ProcedurePatch {
                        status: Some(status),
                        ..ProcedurePatch::default()
                    };
                    device.set_procedure(&procedure.id.to_string(), patch)?;
                    format!("set procedure {} to {status}", &procedure.id.to_string()[..8])
                }
            }
            EditKind::ArchiveVisit => {
                let visit = &view.visits[pick % view.visits.len()];
                let archived = !(pick >> 8).is_multiple_of(3);
                device.archive_visit(&visit.id.to_string(), archived)?;
                format!("archive visit {} ({archived})", &visit.id.to_string()[..8])
            }
            EditKind::AddTask => {
                let due = (pick >> 8)
                    .is_multiple_of(2)
                    .then(|| Day::parse("2031-03-14"))
                    .transpose()?;
                let title = format!("rappeler {marker} la CAF");
                let task = NewTask {
                    id: TaskId::random(),
                    title,
                    due,
                    assignee: format!("worker{d}"),
                };
                let (task, _) = device.add_task(&key, task)?;
                self.tasks.insert(task, (case, marker.clone()));
                format!("add task {} with {marker}", &task.to_string()[..8])
            }
            EditKind::TaskDone => {
                let task = &view.tasks[pick % view.tasks.len()];
                let done = !(pick >> 8).is_multiple_of(3);
                device.set_task_done(&task.id.to_string(), done)?;
                format!("task {} done: {done}", &task.id.to_string()[..8])
            }
            EditKind::Commune => {
                let commune = ["Aurillac", "Saint-Flour", "Mauriac", "Murat"][(pick >> 8) % 4];
                let patch = PersonPatch {
                    commune: Some(commune.into()),
                    ..PersonPatch::default()
                };
                device.update_person(&key, patch)?;
                format!("commune {commune}")
            }
            EditKind::Resolve => {
                let conflict = &detail.conflicts[pick % detail.conflicts.len()];
                // A note is settled with its merged text: choosing one
                // author's version drops the other's words on purpose,
                // which the marker check below would take for a loss.
                let value = if conflict.parts.is_empty() {
                    &conflict.values[(pick >> 8) % conflict.values.len()].value
                } else {
                    &conflict.shown
                };
                let after = device
                    .resolve(&key, &conflict.field, value)
                    .with_context(|| format!("resolving {} with its value {value:?}", conflict.field))?;
                ensure!(
                    after.conflicts.iter().all(|c| c.field != conflict.field),
                    "device {d} still shows a conflict on {} after resolving it with {value:?}",
                    conflict.field
                );
                format!("resolve {} with {value:?}", conflict.field)
            }
        };
        let after = hashes(&self.devices[d], id)?;
        let new: Vec<ChangeHash> = after.difference(&before).copied().collect();
        ensure!(
            after.is_superset(&before) && new.len() == 1,
            "edit on device {d} ({what}) should add exactly one change; it added {} and dropped {}",
            new.len(),
            before.difference(&after).count()
        );
        self.log
            .push(format!("device {d}, case {case}: {what} -> {}", short(&new[0])));
        self.made.push(Made {
            device: d,
            case,
            what,
            hash: new[0],
        });
        Ok(())
    }

    /// One device settles every conflict left in each case file (a different
    /// device for each case file); returns how many it settled.
    fn resolve_all(&mut self) -> Result<usize> {
        let mut settled = 0;
        for case in 0..self.cases.len() {
            let d = case % self.devices.len();
            let key = self.cases[case].to_string();
            for round in 0.. {
                let left = self.devices[d].show(&key)?.conflicts.len();
                if left == 0 {
                    break;
                }
                ensure!(
                    round < 50,
                    "case {case}: device {d} still shows {left} conflicts after 50 resolutions"
                );
                self.edit(d, case, EditKind::Resolve, round)?;
                settled += 1;
            }
        }
        Ok(settled)
    }

    /// Every device sends every case file to every other until nothing new arrives.
    fn exchange_all(&mut self) -> Result<()> {
        let n = self.devices.len();
        for round in 1..=4 {
            let mut new = 0;
            for case in 0..self.cases.len() {
                for from in 0..n {
                    let (bytes, _) = self.export(from, case)?;
                    for to in (0..n).filter(|&to| to != from) {
                        new += self.devices[to].import(&bytes)?.new_changes;
                    }
                }
            }
            self.log
                .push(format!("exchange round {round}: {new} new changes"));
            if new == 0 {
                return Ok(());
            }
        }
        bail!("devices still receive new changes after 4 rounds of all-to-all exchange")
    }

    fn check(&self) -> Result<()> {
        let n = self.devices.len();
        for (c, &id) in self.cases.iter().enumerate() {
            let key = id.to_string();
            let details: Vec<CaseDetail> = self
                .devices
                .iter()
                .map(|d| d.show(&key))
                .collect::<Result<_, _>>()?;
            let reference = &details[0];
            for (d, detail) in details.iter().enumerate().skip(1) {
                if detail != reference {
                    bail!(
                        "case {c}: device {d} differs from device 0: {}",
                        difference(reference, detail)
                    );
                }
            }
            // Every change made anywhere is held everywhere.
            for (d, device) in self.devices.iter().enumerate() {
                let held = hashes(device, id)?;
                let lost: Vec<String> = self
                    .made
                    .iter()
                    .filter(|m| m.case == c && !held.contains(&m.hash))
                    .map(|m| format!("{} (device {}: {})", short(&m.hash), m.device, m.what))
                    .collect();
                ensure!(lost.is_empty(), "case {c}: device {d} lacks changes {lost:?}");
            }
            let view = &reference.case;
            for (visit, (_, markers)) in self.visits.iter().filter(|(_, (vc, _))| *vc == c) {
                let Some(shown) = view.visits.iter().find(|v| v.id == *visit) else {
                    bail!("case {c}: visit {visit} was added but is not in the merged case file");
                };
                let words: BTreeSet<&str> = shown.note.split_whitespace().collect();
                let lost: Vec<&String> = markers.iter().filter(|m| !words.contains(m.as_str())).collect();
                ensure!(
                    lost.is_empty(),
                    "case {c}: visit {visit}: marker words {lost:?} are not intact in the merged note {:?}",
                    shown.note
                );
                // The search index sees the merged note of a visit that is not archived.
                if !shown.archived {
                    for (d, device) in self.devices.iter().enumerate() {
                        for marker in markers {
                            let found = device.search(marker, 10)?;
                            ensure!(
                                found.iter().any(|s| s.id == id),
                                "case {c}: searching {marker:?} on device {d} does not find the case file"
                            );
                        }
                    }
                }
            }
            for (task, (_, marker)) in self.tasks.iter().filter(|(_, (tc, _))| *tc == c) {
                let Some(shown) = view.tasks.iter().find(|t| t.id == *task) else {
                    bail!("case {c}: task {task} was added but is not in the merged case file");
                };
                ensure!(
                    shown.title.split_whitespace().any(|w| w == marker),
                    "case {c}: task {task}: title {:?} lost {marker}",
                    shown.title
                );
            }
            for procedure in self.procedures.iter().filter(|(_, pc)| **pc == c).map(|(p, _)| p) {
                ensure!(
                    view.procedures.iter().any(|p| p.id == *procedure),
                    "case {c}: procedure {procedure} was added but is not in the merged case file"
                );
            }
            // The index agrees with the documents on every device.
            let summaries: Vec<_> = self
                .devices
                .iter()
                .map(|d| {
                    d.list(&CaseloadFilter::default())
                        .map(|l| l.into_iter().find(|s| s.id == id))
                })
                .collect::<Result<_, _>>()?;
            for (d, summary) in summaries.iter().enumerate() {
                let Some(summary) = summary else {
                    bail!("case {c} is missing from the caseload of device {d}")
                };
                let live = view.visits.iter().filter(|v| !v.archived).count() as i64;
                ensure!(
                    summary.visits == live && summary.commune == view.person.commune,
                    "case {c}: the caseload of device {d} says {summary:?}, the case file has {live} visits not \
                     archived in {}",
                    view.person.commune
                );
                ensure!(
                    summaries[0] == summaries[d],
                    "case {c}: caseload differs on device {d}"
                );
            }
        }
        for (d, device) in self.devices.iter().enumerate() {
            device
                .store()
                .integrity_check()
                .with_context(|| format!("integrity check of device {d}"))?;
        }
        // What was saved reads back the same from a fresh open of each notebook.
        for d in 0..n {
            let reopened = Device::open(self.dirs[d].path(), PASSPHRASE)?;
            for (c, id) in self.cases.iter().enumerate() {
                let key = id.to_string();
                let (now, again) = (self.devices[d].show(&key)?, reopened.show(&key)?);
                ensure!(
                    now == again,
                    "case {c}: device {d} reopened shows {}",
                    difference(&now, &again)
                );
            }
        }
        Ok(())
    }
}

/// Where two details first differ, as a few lines of their JSON.
fn difference(a: &CaseDetail, b: &CaseDetail) -> String {
    if a.heads != b.heads {
        return format!("heads {:?} vs {:?}", a.heads, b.heads);
    }
    let (a, b) = (
        serde_json::to_string_pretty(a).unwrap_or_default(),
        serde_json::to_string_pretty(b).unwrap_or_default(),
    );
    let (a, b): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    let at = a
        .iter()
        .zip(&b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    let from = at.saturating_sub(3);
    format!(
        "same heads but different content at line {at}:\n  first: {}\n  other: {}",
        a[from..(at + 2).min(a.len())].join("\n         "),
        b[from..(at + 2).min(b.len())].join("\n         ")
    )
}

fn converge(devices: usize, cases: usize, steps: &[Step]) -> Result<World, TestCaseError> {
    let mut world = World::new(devices, cases).map_err(|e| TestCaseError::fail(format!("setup: {e:#}")))?;
    let mut outcome = Ok(());
    for (i, step) in steps.iter().enumerate() {
        if let Err(e) = world.run(step) {
            outcome = Err(anyhow::anyhow!("step {i} ({step:?}): {e:#}"));
            break;
        }
    }
    // Then settle what conflicts: once the resolutions have been exchanged,
    // no device shows a conflict and nothing else changed.
    let outcome = outcome
        .and_then(|()| world.exchange_all())
        .and_then(|()| world.check())
        .and_then(|()| {
            let settled = world.resolve_all()?;
            world.log.push(format!("{settled} conflicts resolved"));
            world.exchange_all()?;
            world.check()?;
            for (c, id) in world.cases.iter().enumerate() {
                for (d, device) in world.devices.iter().enumerate() {
                    let left = device.show(&id.to_string())?.conflicts;
                    ensure!(
                        left.is_empty(),
                        "case {c}: device {d} still shows conflicts {left:?} after resolution"
                    );
                }
            }
            Ok(())
        });
    match outcome {
        Ok(()) => Ok(world),
        Err(e) => {
            let mut message = format!("{e:#}\nwhat happened:\n");
            for line in &world.log {
                let _ = writeln!(message, "  {line}");
            }
            Err(TestCaseError::fail(message))
        }
    }
}

/// 24 schedules by default (about 15 s in a debug build); `PROPTEST_CASES=500` searches harder.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(24);
    // Failing schedules are kept in tests/proptest-regressions/ and replayed first.
    let regressions = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/proptest-regressions/convergence.txt"
    );
    ProptestConfig {
        cases,
        max_shrink_iters: 200,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(regressions))),
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn devices_converge_without_losing_edits(
        devices in 2..=4usize,
        cases in 1..=2usize,
        steps in prop::collection::vec(step(), 5..25),
    ) {
        converge(devices, cases, &steps)?;
    }
}

/// A fixed schedule that exercises every kind of step, so a regression shows
/// up even if the random schedules happen to miss it.
#[test]
fn a_known_schedule_converges() {
    let mut steps = Vec::new();
    for (i, kind) in EDIT_KINDS.iter().enumerate() {
        steps.push(Step::Edit {
            device: i % 3,
            case: 0,
            kind: EditKind::AddVisit,
            pick: i as u32,
        });
        steps.push(Step::Edit {
            device: (i + 1) % 3,
            case: 0,
            kind: *kind,
            pick: (i as u32) << 8,
        });
        steps.push(Step::Keep { from: i % 3, case: 0 });
        steps.push(Step::Edit {
            device: i % 3,
            case: 0,
            kind: EditKind::EditNote,
            pick: 7 * i as u32,
        });
        steps.push(Step::Send {
            from: i % 3,
            to: (i + 2) % 3,
            case: 0,
            twice: i % 2 == 0,
        });
        steps.push(Step::Deliver {
            kept: i,
            to: (i + 1) % 3,
        });
    }
    if let Err(e) = converge(3, 1, &steps) {
        panic!("{e}");
    }
}

/// A long random schedule (fixed seed) on one case file: enough changes for
/// every device to fold its change log into a new snapshot on the way, so
/// merging into and reading back compacted documents is covered too.
#[test]
fn a_long_schedule_converges_across_compactions() {
    let mut runner = TestRunner::deterministic();
    let steps = prop::collection::vec(step(), 130)
        .new_tree(&mut runner)
        .expect("a schedule")
        .current();
    let world = converge(3, 1, &steps).unwrap_or_else(|e| panic!("{e}"));
    let id = world.cases[0];
    for (d, device) in world.devices.iter().enumerate() {
        let parts = device.store().stored_parts(id).expect("stored");
        let changes = hashes(device, id).expect("loads").len();
        assert!(
            parts.changes < COMPACT_AFTER_CHANGES && (parts.changes as usize) + 1 < changes,
            "device {d} holds {changes} changes, {} of them outside the snapshot: it never compacted",
            parts.changes
        );
    }
}

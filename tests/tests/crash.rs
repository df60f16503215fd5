//! Crash safety: a writer killed with SIGKILL at any moment — before it has
//! opened the notebook, between saves, in the middle of one — leaves a
//! notebook that opens, passes SQLite's integrity check, and holds every edit
//! the writer reported as saved.
//!
//! The writer is the `crash-writer` binary of this package (see
//! `src/bin/crash_writer.rs`): it records visits and appends to their notes
//! through the device API and prints a line after each save returns. The same
//! notebook takes every kill in turn, so recovery is also tested on top of
//! earlier recoveries. Every five kills the test opens a new case file on the
//! recovered notebook (so the documents stay small enough for a debug build),
//! and the five writers that follow all write to it; the first cycle runs its
//! case file past a compaction (the snapshot rewritten) for certain.
//!
//! A second test runs two writers on one case file at once (the app and the
//! command line open together), each save finding the document changed by
//! the other, and kills both.
//!
//! The kill schedule comes from a seeded generator; the seed is printed and
//! `CARNET_CRASH_SEED=<seed>` replays it. A writer's notes are checked word for
//! word, so an edit applied twice would show as well as one lost.

#![cfg(unix)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use carnet_core::{CaseId, NewPerson, VisitId};
use carnet_device::Device;
use carnet_store::{COMPACT_AFTER_CHANGES, CaseloadFilter};
use carnet_tests::{PASSPHRASE, bin, device};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// When a writer is killed.
#[derive(Clone, Copy, Debug)]
enum Kill {
    /// Right after it was started, most likely before it opened the notebook.
    AtStart,
    /// Right after it opened the notebook.
    AfterOpen,
    /// Right after it reported this many saves.
    AfterSaves(usize),
    /// This many microseconds after it reported this many saves: most likely
    /// in the middle of the next save.
    MidSave(usize, u64),
    /// This many milliseconds after it was started, whatever it is doing.
    After(u64),
}

impl Kill {
    fn choose(iteration: usize, rng: &mut ChaCha8Rng) -> Self {
        match iteration % 5 {
            0 => Kill::AtStart,
            1 => Kill::AfterOpen,
            // The first one runs the case file past a compaction for certain.
            2 if iteration == 2 => Kill::AfterSaves(COMPACT_AFTER_CHANGES as usize + 10),
            2 => Kill::AfterSaves(rng.random_range(1..=40)),
            3 => Kill::MidSave(rng.random_range(0..=25), rng.random_range(0..15_000)),
            _ => Kill::After(rng.random_range(1..=150)),
        }
    }
}

/// What a writer reported as saved: each visit with the words its note must hold.
type Saved = BTreeMap<VisitId, Vec<String>>;

/// Reads one line; `None` at the end of the output.
fn read_line(out: &mut BufReader<ChildStdout>) -> Option<String> {
    let mut line = String::new();
    match out.read_line(&mut line) {
        Ok(0) | Err(_) => None,
        Ok(_) => Some(line),
    }
}

/// Starts a writer on `case`; its notes carry `run` in their words.
fn spawn_writer(dir: &Path, case: CaseId, run: usize) -> Child {
    Command::new(bin("crash-writer"))
        .arg(dir)
        .arg(case.to_string())
        .arg(run.to_string())
        .env("CARNET_PASSPHRASE", PASSPHRASE)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("crash-writer starts")
}

/// Waits for a killed writer and checks it had not failed by itself before.
fn reap(child: &mut Child, context: &str) {
    let status = child.wait().expect("the writer is reaped");
    let mut stderr = String::new();
    if let Some(mut err) = child.stderr.take() {
        let _ = err.read_to_string(&mut stderr);
    }
    assert!(
        status.signal() == Some(9) || status.success(),
        "{context}: the writer failed by itself ({status}) before it was killed:\n{stderr}"
    );
}

/// Runs one writer, kills it as `kill` says, and returns the lines it printed.
fn run_and_kill(dir: &Path, case: CaseId, run: usize, kill: Kill, context: &str) -> Vec<String> {
    let mut child = spawn_writer(dir, case, run);
    let mut out = BufReader::new(child.stdout.take().expect("stdout is piped"));
    let mut lines = Vec::new();
    let mut read = |count: usize, lines: &mut Vec<String>| {
        while lines.len() < count {
            match read_line(&mut out) {
                Some(line) => lines.push(line),
                None => break,
            }
        }
    };
    match kill {
        Kill::AtStart => {}
        Kill::AfterOpen => read(1, &mut lines),
        Kill::AfterSaves(saves) => read(1 + saves, &mut lines),
        Kill::MidSave(saves, micros) => {
            read(1 + saves, &mut lines);
            std::thread::sleep(Duration::from_micros(micros));
        }
        Kill::After(millis) => std::thread::sleep(Duration::from_millis(millis)),
    }
    child.kill().expect("the writer can be killed");
    reap(&mut child, context);
    // Whatever it printed before it died was promised.
    let mut rest = String::new();
    out.read_to_string(&mut rest)
        .expect("the writer's output is readable");
    lines.extend(rest.split_inclusive('\n').map(str::to_owned));
    lines
}

/// Adds what the writer reported to `saved`; returns how many edits it reported.
fn record(lines: &[String], run: usize, saved: &mut Saved, context: &str) -> usize {
    let mut edits = 0;
    for line in lines {
        // A line cut short was not promised (a write of a short line is atomic
        // on a pipe, so this should not happen, but it would not be a failure).
        let Some(line) = line.strip_suffix('\n') else {
            continue;
        };
        let words: Vec<&str> = line.split(' ').collect();
        match words.as_slice() {
            ["open"] => {}
            [what @ ("saved" | "edited"), n, visit] => {
                let visit: VisitId = visit
                    .parse()
                    .unwrap_or_else(|e| panic!("{context}: {line:?}: {e}"));
                let token = format!("r{run}n{n}");
                if *what == "saved" {
                    assert!(
                        saved.insert(visit, vec![token]).is_none(),
                        "{context}: visit {visit} saved twice"
                    );
                } else {
                    saved
                        .get_mut(&visit)
                        .unwrap_or_else(|| panic!("{context}: edited visit {visit} was never saved"))
                        .push(token);
                }
                edits += 1;
            }
            _ => panic!("{context}: the writer printed {line:?}"),
        }
    }
    edits
}

/// Opens the notebook after a kill and checks it holds everything promised.
fn check(dir: &Path, case: CaseId, saved: &Saved, context: &str) -> usize {
    let device =
        Device::open(dir, PASSPHRASE).unwrap_or_else(|e| panic!("{context}: the notebook opens: {e}"));
    if let Err(e) = device.store().integrity_check() {
        panic!("{context}: integrity check: {e}");
    }
    let mut stored = device
        .store()
        .load(case)
        .unwrap_or_else(|e| panic!("{context}: the case file loads: {e}"));
    assert!(
        stored.file.missing_deps().is_empty(),
        "{context}: the case file lacks changes it depends on"
    );
    let view = stored.file.view();
    for (visit, tokens) in saved {
        let Some(shown) = view.visits.iter().find(|v| v.id == *visit) else {
            panic!("{context}: visit {visit} was reported saved but is not in the case file");
        };
        // Only the writer that recorded a visit edits its note, so the note is
        // exactly what it reported, plus at most one edit it made but had no
        // time to report: nothing lost, nothing doubled.
        let reported: String = tokens
            .iter()
            .enumerate()
            .map(|(i, token)| {
                if i == 0 {
                    format!("save {token}")
                } else {
                    format!(" edit {token}")
                }
            })
            .collect();
        let unreported = shown
            .note
            .strip_prefix(&reported)
            .map(|rest| rest.split(' ').collect::<Vec<_>>());
        assert!(
            matches!(unreported.as_deref(), Some([""]) | Some(["", "edit", _])),
            "{context}: visit {visit}: the note is {:?}; reported saved: {reported:?}",
            shown.note
        );
    }
    // The index was written in the same transactions as the documents.
    let summary = device
        .list(&CaseloadFilter::default())
        .unwrap_or_else(|e| panic!("{context}: the caseload reads: {e}"))
        .into_iter()
        .find(|s| s.id == case)
        .unwrap_or_else(|| panic!("{context}: the case file is not in the caseload"));
    assert_eq!(
        summary.visits,
        view.visits.len() as i64,
        "{context}: the caseload counts {} visits, the case file holds {}",
        summary.visits,
        view.visits.len()
    );
    view.visits.len()
}

/// Opens a new case file for the next writer, on the notebook as the last kill left it.
fn new_case(dir: &Path, run: usize, context: &str) -> CaseId {
    let mut device =
        Device::open(dir, PASSPHRASE).unwrap_or_else(|e| panic!("{context}: the notebook opens: {e}"));
    let person = NewPerson {
        name: format!("Personne {run}"),
        ..NewPerson::default()
    };
    device
        .add_person(person)
        .unwrap_or_else(|e| panic!("{context}: a case file can be added: {e}"))
        .id
}

/// Checks that some case file's changes were folded into its snapshot, so
/// the kills also hit a notebook that had been compacted.
fn assert_compacted(dir: &Path, cases: &[(CaseId, Saved)], context: &str) {
    let device = Device::open(dir, PASSPHRASE).expect("the notebook opens");
    let compacted = cases.iter().any(|(case, _)| {
        let parts = device
            .store()
            .stored_parts(*case)
            .expect("the case file is stored");
        let changes = device
            .store()
            .load(*case)
            .expect("the case file loads")
            .file
            .change_hashes()
            .len();
        (parts.changes as usize) + 1 < changes
    });
    assert!(compacted, "{context}: no case file was ever compacted");
}

/// The kill schedule's generator: seeded from `CARNET_CRASH_SEED` or at random, and printed.
fn seeded(test: &str) -> (u64, ChaCha8Rng) {
    let seed: u64 = match std::env::var("CARNET_CRASH_SEED") {
        Ok(seed) => seed.parse().expect("CARNET_CRASH_SEED is a number"),
        Err(_) => rand::random(),
    };
    eprintln!("{test} seed {seed} (CARNET_CRASH_SEED={seed} replays it)");
    (seed, ChaCha8Rng::seed_from_u64(seed))
}

#[test]
fn a_killed_writer_loses_nothing_it_reported_saved() {
    let (seed, mut rng) = seeded("crash test");
    let dir = tempfile::tempdir().expect("a temporary directory");
    drop(device(dir.path(), "worker"));
    let mut all: Vec<(CaseId, Saved)> = Vec::new();
    let mut kills_after_saves = 0;
    for run in 0..25 {
        let kill = Kill::choose(run, &mut rng);
        let context = format!("seed {seed}, kill {run} ({kill:?})");
        if run.is_multiple_of(5) {
            all.push((new_case(dir.path(), run, &context), Saved::new()));
        }
        let (case, saved) = all.last_mut().expect("a case file");
        let lines = run_and_kill(dir.path(), *case, run, kill, &context);
        let edits = record(&lines, run, saved, &context);
        kills_after_saves += usize::from(edits > 0);
        let visits = check(dir.path(), *case, saved, &context);
        eprintln!("{context}: {edits} edits reported, {visits} visits stored");
    }
    // Nothing reported by an earlier writer was lost by a later crash.
    for (case, saved) in &all {
        check(dir.path(), *case, saved, &format!("seed {seed}, at the end"));
    }
    // The schedule tested something: kills that came after saves, and a case
    // file whose changes were folded into a snapshot before the kill.
    assert!(
        kills_after_saves >= 5,
        "seed {seed}: only {kills_after_saves} kills came after a save"
    );
    assert_compacted(dir.path(), &all, &format!("seed {seed}"));
}

/// The command line and the app may write to one notebook at once, each under
/// its own actor. Two writers record visits in the same case file, each save
/// finding the document changed by the other, until both are killed at a
/// random moment; every edit either reported is then in the case file.
#[test]
fn two_writers_at_once_killed_lose_nothing_either_reported() {
    let (seed, mut rng) = seeded("two-writer crash test");
    let dir = tempfile::tempdir().expect("a temporary directory");
    drop(device(dir.path(), "worker"));
    let mut all: Vec<(CaseId, Saved)> = Vec::new();
    for round in 0..8 {
        // The first round runs the case file past a compaction for certain.
        let target = if round == 0 {
            COMPACT_AFTER_CHANGES as usize + 16
        } else {
            rng.random_range(4..=40)
        };
        let micros = rng.random_range(0..15_000);
        let context = format!("seed {seed}, round {round} (kill after {target} saves + {micros} µs)");
        let case = new_case(dir.path(), round, &context);
        let runs = [100 + 2 * round, 101 + 2 * round];
        let mut children: Vec<Child> = runs
            .iter()
            .map(|&run| spawn_writer(dir.path(), case, run))
            .collect();
        let (tx, rx) = mpsc::channel::<(usize, String)>();
        let readers: Vec<_> = children
            .iter_mut()
            .enumerate()
            .map(|(i, child)| {
                let mut out = BufReader::new(child.stdout.take().expect("stdout is piped"));
                let tx = tx.clone();
                std::thread::spawn(move || {
                    while let Some(line) = read_line(&mut out) {
                        if tx.send((i, line)).is_err() {
                            break;
                        }
                    }
                })
            })
            .collect();
        drop(tx);
        let mut lines: [Vec<String>; 2] = [Vec::new(), Vec::new()];
        let mut saves = 0;
        // Both have saved something (each has printed more than `open`) before the kill.
        while saves < target || lines.iter().any(|l| l.len() < 2) {
            let Ok((i, line)) = rx.recv() else { break };
            saves += usize::from(line != "open\n");
            lines[i].push(line);
        }
        std::thread::sleep(Duration::from_micros(micros));
        for child in &mut children {
            child.kill().expect("the writer can be killed");
        }
        for child in &mut children {
            reap(child, &context);
        }
        // Whatever they printed before they died was promised.
        for (i, line) in rx {
            lines[i].push(line);
        }
        for reader in readers {
            reader.join().expect("the reader thread ends");
        }
        let mut saved = Saved::new();
        let edits = [
            record(&lines[0], runs[0], &mut saved, &context),
            record(&lines[1], runs[1], &mut saved, &context),
        ];
        let visits = check(dir.path(), case, &saved, &context);
        eprintln!("{context}: {edits:?} edits reported, {visits} visits stored");
        all.push((case, saved));
    }
    for (case, saved) in &all {
        check(dir.path(), *case, saved, &format!("seed {seed}, at the end"));
    }
    assert_compacted(dir.path(), &all, &format!("seed {seed}"));
}

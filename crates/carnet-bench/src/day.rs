//! Scenario 2, `day`: a day's work. A device in a team whose hub already
//! holds the caseload records visits in as many case files while offline,
//! then syncs once. What the sync sends and receives is compared with the
//! floor: the new content (the visits as JSON) compressed with zstd.

use std::collections::BTreeMap;
use std::fmt;

use carnet_core::CaseId;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::error::{BenchError, Res};
use crate::measure::{Samples, Summary, kb};
use crate::notebook::demo_visits;
use crate::team::{Exchange, Team, measure_via, sync_until_sent};

/// The zstd level of the floor (19: the highest of the ordinary levels).
pub const ZSTD_LEVEL: i32 = 19;

/// The target: at most this many times the floor...
pub const TARGET_FACTOR: f64 = 1.3;
/// ...plus this many bytes.
pub const TARGET_EXTRA_BYTES: u64 = 3_000;

/// The results of scenario 2.
#[derive(Clone, Debug, Serialize)]
pub struct DayReport {
    /// Case files in the team.
    pub people: usize,
    /// Visits recorded (one per case file).
    pub visits: usize,
    /// The case files that received them, in order.
    pub cases: Vec<String>,
    /// The visits as saved, as JSON (one object each, as the app shows
    /// them), bytes.
    pub content_json_bytes: u64,
    /// Of which notes, bytes.
    pub note_bytes: u64,
    /// The floor: that JSON compressed as one stream with zstd at
    /// [`ZSTD_LEVEL`], bytes.
    pub floor_bytes: u64,
    /// Each visit's JSON compressed on its own (zstd, same level), summed:
    /// what is left once no visit can borrow words from another, bytes.
    pub floor_each_bytes: u64,
    /// `TARGET_FACTOR x floor + TARGET_EXTRA_BYTES`.
    pub target_bytes: u64,
    /// The Automerge changes queued, as stored (each large change
    /// compressed on its own by Automerge), bytes.
    pub change_bytes: u64,
    /// The changes of each case file compressed on its own with zstd at
    /// level 3 (what compressing each case file apart would give), bytes.
    pub change_bytes_zstd_each: u64,
    /// Saving each visit (offline).
    pub saves: Summary,
    /// The one sync.
    pub sync: Exchange,
    /// Syncs made (1 unless work was left pending).
    pub syncs: usize,
    /// Changes applied by the sync: 0, since what a device pushes does not
    /// come back in the answer and no colleague writes meanwhile.
    pub applied: usize,
    /// Snapshots the sync sent.
    pub snapshots: usize,
}

impl DayReport {
    /// Request bodies sent, against the floor.
    #[must_use]
    pub fn up_over_floor(&self) -> f64 {
        self.sync.traffic.bytes_up as f64 / self.floor_bytes.max(1) as f64
    }
}

/// Runs scenario 2 on the lead's device of `team`: `visits` visits, each in
/// another case file chosen with `seed`, then one sync.
///
/// # Errors
/// Device, hub and I/O errors; [`BenchError::Scenario`] when the sync leaves
/// work pending.
pub fn run(team: &mut Team, visits: usize, seed: u64) -> Res<DayReport> {
    let url = team.hub.url();
    run_via(team, visits, seed, &url)
}

/// [`run`], with the sync going to `url` (a relay in front of the hub, such
/// as a slow link) instead of the hub itself.
///
/// # Errors
/// Those of [`run`].
pub fn run_via(team: &mut Team, visits: usize, seed: u64, url: &str) -> Res<DayReport> {
    let mut cases: Vec<CaseId> = team.lead.case_ids()?;
    cases.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
    let inputs = demo_visits(seed.wrapping_add(2), visits)?;
    if cases.len() < inputs.len() {
        return Err(BenchError::Scenario(format!(
            "{} visits need as many case files; the team has {}",
            inputs.len(),
            cases.len()
        )));
    }
    let mut saves = Samples::new();
    let mut content = Vec::new();
    let mut note_bytes = 0;
    let mut floor_each_bytes = 0;
    let mut visited = Vec::new();
    for (case, input) in cases.iter().zip(inputs) {
        let (visit_id, view) = saves.time(|| team.lead.add_visit(&case.to_string(), input))?;
        let visit = view
            .visits
            .iter()
            .find(|v| v.id == visit_id)
            .ok_or_else(|| BenchError::Scenario("a saved visit is missing from its case file".into()))?;
        note_bytes += visit.note.len() as u64;
        let json = serde_json::to_vec(visit).map_err(|e| BenchError::Scenario(e.to_string()))?;
        floor_each_bytes += zstd::bulk::compress(&json, ZSTD_LEVEL)
            .map_err(BenchError::io("cannot compress"))?
            .len() as u64;
        content.extend_from_slice(&json);
        content.push(b'\n');
        visited.push(case.to_string());
    }
    let floor = zstd::bulk::compress(&content, ZSTD_LEVEL).map_err(BenchError::io("cannot compress"))?;
    let floor_bytes = floor.len() as u64;

    let mut entries: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for change in team.lead.store().outgoing()? {
        entries
            .entry(change.case_id)
            .or_default()
            .extend_from_slice(&change.bytes);
    }
    let change_bytes = entries.values().map(|e| e.len() as u64).sum();
    let mut change_bytes_zstd_each = 0;
    for entry in entries.values() {
        change_bytes_zstd_each += zstd::bulk::compress(entry, 3)
            .map_err(BenchError::io("cannot compress"))?
            .len() as u64;
    }

    let (reports, sync) = measure_via(&team.hub, url, |transport| {
        sync_until_sent(&mut team.lead, transport, 3)
    })?;
    Ok(DayReport {
        people: team.people,
        visits: saves.all().len(),
        cases: visited,
        content_json_bytes: content.len() as u64,
        note_bytes,
        floor_bytes,
        floor_each_bytes,
        target_bytes: (TARGET_FACTOR * floor_bytes as f64).round() as u64 + TARGET_EXTRA_BYTES,
        change_bytes,
        change_bytes_zstd_each,
        saves: saves.summary(),
        sync,
        syncs: reports.len(),
        applied: reports.iter().map(|r| r.applied).sum(),
        snapshots: reports.iter().map(|r| r.snapshots).sum(),
    })
}

impl fmt::Display for DayReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = &self.sync.traffic;
        writeln!(
            f,
            "Scenario 2: a day's work, {} visits in a team of {} case files",
            self.visits, self.people
        )?;
        writeln!(
            f,
            "  new content: {:.1} KB as JSON ({:.1} KB of notes); floor (zstd -{}) {:.1} KB; target <= {:.1} KB",
            kb(self.content_json_bytes),
            kb(self.note_bytes),
            ZSTD_LEVEL,
            kb(self.floor_bytes),
            kb(self.target_bytes)
        )?;
        writeln!(
            f,
            "  each visit compressed on its own (zstd -{}): {:.1} KB in all",
            ZSTD_LEVEL,
            kb(self.floor_each_bytes)
        )?;
        writeln!(
            f,
            "  entries to seal: {:.1} KB of Automerge changes ({:.1} KB if each were compressed with zstd -3)",
            kb(self.change_bytes),
            kb(self.change_bytes_zstd_each)
        )?;
        writeln!(f, "  saves (offline): {}", self.saves)?;
        writeln!(
            f,
            "  sync: {} round trip(s) in {} sync(s), {:.2} s; {} entries back, {} snapshots",
            t.round_trips, self.syncs, self.sync.seconds, self.applied, self.snapshots
        )?;
        writeln!(
            f,
            "    bodies: up {:.1} KB ({:.2} x floor), down {:.1} KB",
            kb(t.bytes_up),
            self.up_over_floor(),
            kb(t.bytes_down)
        )?;
        write!(
            f,
            "    on the wire (HTTP included): up {:.1} KB, down {:.1} KB",
            kb(self.sync.wire.up),
            kb(self.sync.wire.down)
        )
    }
}

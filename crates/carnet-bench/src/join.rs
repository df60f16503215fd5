//! Scenario 4, `join`: a new device joins a team whose hub holds the
//! caseload, first when the hub has no snapshots (the device pulls the whole
//! log), then once the lead's device has sent a snapshot of every document
//! (the device reads the snapshots, then the log without what they hold).

use std::collections::BTreeMap;
use std::fmt;
use std::time::Instant;

use carnet_device::{Device, HttpTransport, Role};
use carnet_store::{KdfParams, Store};
use rand::SeedableRng;
use rand::seq::IndexedRandom;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::error::{BenchError, Res};
use crate::measure::mb;
use crate::notebook::PASSPHRASE;
use crate::team::{Exchange, Team, measure, sync_until_sent};

/// Log entries a document gathers before a device sends its snapshot
/// (`SNAPSHOT_AFTER` in carnet-device's `team.rs`; keep them equal).
pub const SNAPSHOT_AFTER: u32 = 16;

/// The target with snapshots, seconds.
pub const TARGET_SECONDS: f64 = 30.0;

/// Case files whose heads are compared between the lead and the new device.
const HEADS_CHECKED: usize = 50;

/// One device joining.
#[derive(Clone, Debug, Serialize)]
pub struct JoinMeasure {
    /// Whether the hub held a snapshot of every document.
    pub with_snapshots: bool,
    /// `join_team`: enrolment with the invite code (Argon2id over the code),
    /// the device list, and the snapshots when the hub has some.
    pub join: Exchange,
    /// The first sync: the whole log, or the tail the snapshots leave.
    pub sync: Exchange,
    /// Both, seconds.
    pub total_seconds: f64,
    /// Case files on the new device afterwards.
    pub case_files: usize,
    /// Log entries applied by the sync.
    pub applied: usize,
    /// Case files whose heads were compared with the lead's (all equal).
    pub heads_checked: usize,
    /// Case files whose index rows came with their snapshot, unchecked
    /// once the join returned.
    pub unchecked_after_join: u64,
    /// Of those, checked by the first syncs (two seconds each at most).
    pub checked_by_syncs: usize,
    /// Checking the rest at once afterwards (what the tablet's sync loop
    /// spreads over syncs five seconds apart), seconds.
    pub check_rest_seconds: f64,
    /// Case files checked then.
    pub checked_after: usize,
}

impl JoinMeasure {
    /// Bodies received, join and sync together.
    #[must_use]
    pub fn bytes_down(&self) -> u64 {
        self.join.traffic.bytes_down + self.sync.traffic.bytes_down
    }

    /// Bodies sent, join and sync together.
    #[must_use]
    pub fn bytes_up(&self) -> u64 {
        self.join.traffic.bytes_up + self.sync.traffic.bytes_up
    }

    /// Round trips, join and sync together.
    #[must_use]
    pub fn round_trips(&self) -> u64 {
        self.join.traffic.round_trips + self.sync.traffic.round_trips
    }
}

/// The lead's device sending a snapshot of every document.
#[derive(Clone, Debug, Serialize)]
pub struct SnapshotSetup {
    /// Syncs it took (each sends at most 20 snapshots).
    pub syncs: usize,
    /// Snapshots sent.
    pub snapshots: usize,
    /// What they cost.
    pub exchange: Exchange,
}

/// The results of scenario 4.
#[derive(Clone, Debug, Serialize)]
pub struct JoinReport {
    /// Case files in the team.
    pub people: usize,
    /// Joining when the hub has no snapshots.
    pub without_snapshots: JoinMeasure,
    /// Preparing the snapshots (not part of a join).
    pub snapshot_setup: SnapshotSetup,
    /// Joining once every document has a snapshot.
    pub with_snapshots: JoinMeasure,
    /// The hub's database files afterwards, bytes.
    pub hub_database_bytes: u64,
}

/// Runs scenario 4 on `team`; new devices use `kdf` for their notebooks.
///
/// # Errors
/// Device, hub and I/O errors; [`BenchError::Scenario`] when a new device
/// does not end with the team's case files.
pub fn run(team: &mut Team, kdf: KdfParams, seed: u64) -> Res<JoinReport> {
    let without_snapshots = join(team, kdf, "Inès Morel", false, seed)?;
    let snapshot_setup = snapshot_everything(team)?;
    let with_snapshots = join(team, kdf, "Yanis Roux", true, seed)?;
    let mut hub_database_bytes = 0;
    for entry in
        std::fs::read_dir(team.hub.data_dir()).map_err(BenchError::io("cannot read the hub's directory"))?
    {
        let entry = entry.map_err(BenchError::io("cannot read the hub's directory"))?;
        hub_database_bytes += entry.metadata().map_or(0, |m| m.len());
    }
    Ok(JoinReport {
        people: team.people,
        without_snapshots,
        snapshot_setup,
        with_snapshots,
        hub_database_bytes,
    })
}

/// A new device joins with an invite from the lead and syncs.
fn join(team: &mut Team, kdf: KdfParams, worker: &str, with_snapshots: bool, seed: u64) -> Res<JoinMeasure> {
    let dir = tempfile::Builder::new()
        .prefix("carnet-bench-joiner-")
        .tempdir()
        .map_err(BenchError::io("cannot make a temporary directory"))?;
    let mut device = Device::init_with(dir.path(), PASSPHRASE, worker, "tablette", kdf)?;
    let url = team.hub.url();
    let code = team
        .lead
        .invite(Role::Worker, &mut HttpTransport::new(&url))?
        .code;

    let started = Instant::now();
    let ((), join) = measure(&team.hub, |transport| {
        device.join_team(&url, &code, transport)?;
        Ok(())
    })?;
    let unchecked_after_join = device.store().unchecked_count()?;
    let (reports, sync) = measure(&team.hub, |transport| sync_until_sent(&mut device, transport, 3))?;
    let total_seconds = started.elapsed().as_secs_f64();
    let checked_by_syncs = reports.iter().map(|r| r.checked).sum();

    let checking = Instant::now();
    let mut checked_after = 0;
    loop {
        let report = device.check_received(50)?;
        if let Some(broken) = report.broken.first() {
            return Err(BenchError::Scenario(format!(
                "case file {} received with a snapshot does not load: {}",
                broken.id, broken.error
            )));
        }
        checked_after += report.checked;
        if report.left == 0 {
            break;
        }
    }
    let check_rest_seconds = checking.elapsed().as_secs_f64();

    let ids = team.lead.case_ids()?;
    let case_files = device.case_ids()?.len();
    if case_files != ids.len() {
        return Err(BenchError::Scenario(format!(
            "the new device has {case_files} case files; the team has {}",
            ids.len()
        )));
    }
    let sample: Vec<_> = ids
        .choose_multiple(&mut ChaCha8Rng::seed_from_u64(seed), HEADS_CHECKED)
        .collect();
    for id in &sample {
        let id = id.to_string();
        if device.show(&id)?.heads != team.lead.show(&id)?.heads {
            return Err(BenchError::Scenario(format!(
                "case file {id} differs between the lead and the new device"
            )));
        }
    }
    Ok(JoinMeasure {
        with_snapshots,
        join,
        sync,
        total_seconds,
        case_files,
        applied: reports.iter().map(|r| r.applied).sum(),
        heads_checked: sample.len(),
        unchecked_after_join,
        checked_by_syncs,
        check_rest_seconds,
        checked_after,
    })
}

/// Makes the lead's device send a snapshot of every document: each is
/// counted as having gathered [`SNAPSHOT_AFTER`] log entries (through a
/// second connection to its notebook), then the lead syncs until no
/// snapshot is left to send. Real devices get there by syncing the entries;
/// this reaches the same hub state without 16 rounds of edits.
fn snapshot_everything(team: &mut Team) -> Res<SnapshotSetup> {
    let mut seen: BTreeMap<String, u32> = team
        .lead
        .case_ids()?
        .into_iter()
        .map(|id| (id.to_string(), SNAPSHOT_AFTER))
        .collect();
    if let Some(record) = team.lead.store().team()? {
        // The roster's document id is the team id.
        seen.insert(record.team_id, SNAPSHOT_AFTER);
    }
    Store::open(team.lead_dir(), PASSPHRASE)?.count_log_entries(&seen)?;
    let limit = seen.len() + 10;
    let ((syncs, snapshots), exchange) = measure(&team.hub, |transport| {
        let (mut syncs, mut snapshots) = (0, 0);
        while syncs < limit {
            let report = team.lead.sync(transport)?;
            syncs += 1;
            snapshots += report.snapshots;
            if report.snapshots == 0 {
                return Ok((syncs, snapshots));
            }
        }
        Err(BenchError::Scenario(format!(
            "snapshots were still being sent after {limit} syncs"
        )))
    })?;
    if snapshots < seen.len() {
        return Err(BenchError::Scenario(format!(
            "{snapshots} snapshots were sent for {} documents",
            seen.len()
        )));
    }
    Ok(SnapshotSetup {
        syncs,
        snapshots,
        exchange,
    })
}

fn describe(f: &mut fmt::Formatter<'_>, m: &JoinMeasure) -> fmt::Result {
    writeln!(
        f,
        "  {} snapshots: {:.1} s ({:.1} ms per case file; join {:.1} s + first sync {:.1} s), \
         {} round trips, down {:.1} MB, up {:.2} MB (bodies; wire down {:.1} MB)",
        if m.with_snapshots { "with" } else { "without" },
        m.total_seconds,
        m.total_seconds * 1000.0 / m.case_files.max(1) as f64,
        m.join.seconds,
        m.sync.seconds,
        m.round_trips(),
        mb(m.bytes_down()),
        mb(m.bytes_up()),
        mb(m.join.wire.down + m.sync.wire.down)
    )?;
    let snapshots = m.join.traffic.requests("snapshots");
    writeln!(
        f,
        "    {} snapshot pages ({:.1} MB), {} sync exchanges ({:.1} MB), {} entries applied, {} case files",
        snapshots.count,
        mb(snapshots.bytes_down),
        m.sync.traffic.requests("sync").count,
        mb(m.sync.traffic.requests("sync").bytes_down),
        m.applied,
        m.case_files
    )?;
    if m.unchecked_after_join > 0 {
        writeln!(
            f,
            "    index rows taken from the snapshots for {} case files; the first syncs checked {}, \
             the other {} took {:.1} s more",
            m.unchecked_after_join, m.checked_by_syncs, m.checked_after, m.check_rest_seconds
        )?;
    }
    Ok(())
}

impl fmt::Display for JoinReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Scenario 4: a new device joins a team of {} case files",
            self.people
        )?;
        describe(f, &self.without_snapshots)?;
        describe(f, &self.with_snapshots)?;
        let s = &self.snapshot_setup;
        write!(
            f,
            "  (preparing: the lead sent {} snapshots in {} syncs, {:.1} s, {:.1} MB up; hub database {:.1} MB)",
            s.snapshots,
            s.syncs,
            s.exchange.seconds,
            mb(s.exchange.traffic.bytes_up),
            mb(self.hub_database_bytes)
        )
    }
}

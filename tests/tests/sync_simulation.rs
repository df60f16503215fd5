//! Seeded, deterministic simulation of the sync hub and five devices over a
//! network that loses, duplicates, delays, replays and cuts messages.
//!
//! The hub is the real `carnet_hub::Hub` over `SqliteStorage` in a temporary
//! directory, called in process; each device is a real `carnet_sync::SyncEngine`
//! with its `Membership` and its case files (`carnet_core::CaseFile`) in memory.
//! The team is enrolled through the protocol once per run (`CreateTeam`,
//! `CreateInvite` with the team key sealed under each invite code, `Join`,
//! `Devices`, some answers lost and the requests sent again); each seed's hub
//! starts from a copy of that database.
//!
//! Then, round after round, devices edit the case files they have (visits
//! whose notes carry unique marker words, marker words inserted in notes,
//! procedures and their status, tasks, archiving, the commune…) and exchange
//! with the hub while the seeded network injects, per message: a lost
//! request, a lost answer, a request delivered twice, an answer delivered
//! twice, an answer delayed past other devices' exchanges (the device edits
//! meanwhile), an earlier answer replayed in place of the real one, a request
//! or an answer cut short, or the hub crashing before it answers. Between
//! rounds devices go offline and restart (sometimes from the engine state
//! saved before their last answer, as after a crash that lost that save), and
//! the hub crashes (dropped and reopened from its directory); on some seeds
//! the hub answers in small pages. Along the way the simulation checks that
//! the hub keeps every entry it acknowledged at the same place, answers every
//! honest request (a request sent twice gets the same answer), refuses cut
//! requests without changing anything; and that engines push their oldest
//! entries first, apply the log in order without gaps, treat every failure and
//! cut answer as a failure, ignore duplicate answers, drop an entry from the
//! outbox only once acknowledged, never reject an honest entry and hand back
//! every state change to persist.
//!
//! At the end the network heals and every device syncs until a whole pass
//! brings nothing new; then every device holds every case file with the same
//! heads and the same view, every change made anywhere and every marker word;
//! the hub's log holds every entry queued exactly once (retries after lost
//! acknowledgements did not duplicate), also after one more restart, and every
//! engine is idle at the end of the log.
//!
//! 500 seeds run by default (`CARNET_SIM_SEEDS=N` for another number), shared
//! by two threads. A failure prints the seed, what happened before it, and the
//! command that replays only that seed:
//!
//! ```sh
//! CARNET_SIM_SEED=<seed> cargo test -p carnet-tests --test sync_simulation -- --nocapture
//! ```
//!
//! Long mode, to search harder (40 times the default run):
//!
//! ```sh
//! CARNET_SIM_SEEDS=20000 cargo test -p carnet-tests --test sync_simulation -- --nocapture
//! ```
//!
//! Run time is mostly signature checks (every device checks every entry) and
//! decryption. With `curve25519-dalek`, `ed25519-dalek`, `sha2`, `chacha20`,
//! `poly1305` and `zlib-rs` optimised in the dev profile the default run takes
//! about 40 s on two cores; unoptimised, one Ed25519 check costs about 15 ms
//! and the run about 20 minutes of CPU.

use std::collections::{BTreeMap, BTreeSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::Instant;

use anyhow::{Context, Result, anyhow, bail, ensure};
use carnet_core::{
    Agency, CaseFile, CaseId, ChangeHash, DeviceId, Edit, EditContext, LocalDateTime, NewPerson,
    NewProcedure, NewTask, NewVisit, PersonPatch, ProcedureId, ProcedurePatch, ProcedureStatus, TaskId,
    VisitId, VisitKind, VisitPatch, Writer,
};
use carnet_hub::{
    DEFAULT_MAX_RESPONSE_BYTES, Hub, HubConfig, HubError, HubStorage, MAX_PULL_ENTRIES, RateLimit,
    SqliteStorage,
};
use carnet_protocol::{
    DeviceRecord, DeviceSecretKeys, Invite, LogEntry, Request, Response, Role, SignedRequest, TeamKey,
    decode, encode, invite_id, unwrap_with_code, wrap_with_code,
};
use carnet_sync::{Effect, EngineState, Membership, RosterEntry, SyncEngine, TransportError};
use rand::seq::SliceRandom;
use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tempfile::TempDir;
use uuid::Uuid;

const DEVICES: usize = 5;
/// Case files made at the start, and at most in all (a third may come later).
const FIRST_CASES: usize = 2;
const MAX_CASES: usize = 3;
/// The simulated clock starts here (May 2026), moves this much per round and per step.
const START_MS: i64 = 1_780_000_000_000;
const ROUND_MS: i64 = 10 * 60 * 1000;
const STEP_MS: i64 = 2_000;
/// Exchange steps per round: every device may exchange once per step.
const STEPS: usize = 3;
/// Longer than the engine's longest backoff (5 minutes).
const HEAL_MS: i64 = 6 * 60 * 1000;
const DAY_MS: i64 = 86_400_000;

/// The invite codes the lead hands out, one per device joining.
const CODES: [&str; DEVICES - 1] = [
    "7KQ2-MX9F-PL4D",
    "H3ZT-8WNC-QV6R",
    "B5YJ-2GKP-XM7S",
    "R9LD-4FVH-TC3N",
];

/// A directory for one hub's database: in memory when the system has a
/// tmpfs at /dev/shm (a simulated crash drops the process, not the machine,
/// so the page cache is as durable as the disk here), on disk otherwise.
fn hub_dir() -> Result<TempDir> {
    let shm = std::path::Path::new("/dev/shm");
    let builder = tempfile::Builder::new().prefix("carnet-sim-").tempdir_in(shm);
    Ok(match builder {
        Ok(dir) if shm.is_dir() => dir,
        _ => tempfile::tempdir()?,
    })
}

fn hub_config(max_response_bytes: usize) -> HubConfig {
    HubConfig {
        // Far above what five devices send: the limit never interferes.
        rate_limit: RateLimit {
            per_second: 1e6,
            burst: 1_000_000,
        },
        max_response_bytes,
    }
}

/// The team as enrolled through the protocol, and the hub's database files
/// just after: every seed's hub starts from a copy of them.
struct Enrolled {
    team: Uuid,
    /// The team key of epoch 1, as every device got it.
    team_key: [u8; 32],
    devices: Vec<(Uuid, DeviceSecretKeys)>,
    roster: Vec<DeviceRecord>,
    files: Vec<(std::ffi::OsString, Vec<u8>)>,
}

/// Enrolls the team once per run: sealing the team key under invite codes
/// costs Argon2id derivations (64 MiB each) and enrolment a dozen signature
/// checks, which would dominate the run if done per seed.
fn enrolled() -> &'static Enrolled {
    static ENROLLED: OnceLock<Enrolled> = OnceLock::new();
    ENROLLED.get_or_init(|| enroll().unwrap_or_else(|e| panic!("enrolling the team failed: {e:#}")))
}

/// Device 0 creates the team and registers an invite per other device, the
/// team key sealed under the invite's code; each device joins with its code
/// and opens the team key from the answer; every device then asks the hub
/// for the team's devices. Some answers are lost and the request is sent
/// again, which the hub must answer the same.
fn enroll() -> Result<Enrolled> {
    let mut rng = ChaCha8Rng::seed_from_u64(0xCA47E7);
    let dir = hub_dir()?;
    let hub = Hub::new(
        SqliteStorage::open(dir.path())?,
        hub_config(DEFAULT_MAX_RESPONSE_BYTES),
    );
    let now = START_MS;
    let team = random_uuid(&mut rng);
    let team_key = random_seed(&mut rng);
    let devices: Vec<(Uuid, DeviceSecretKeys)> = (0..DEVICES)
        .map(|_| {
            let id = random_uuid(&mut rng);
            let keys = DeviceSecretKeys::from_seeds(random_seed(&mut rng), random_seed(&mut rng));
            (id, keys)
        })
        .collect();
    let (lead, lead_keys) = &devices[0];
    let create = encode(&SignedRequest::sign(
        team,
        *lead,
        now,
        &Request::CreateTeam {
            keys: lead_keys.public(),
        },
        lead_keys,
    ));
    // The first answer is lost: the lead asks again.
    for _ in 0..2 {
        let answer = hub.handle(now, &create)?;
        ensure!(answer == Response::TeamCreated, "CreateTeam answered {answer:?}");
    }
    for (i, code) in CODES.iter().enumerate() {
        let (device, keys) = &devices[i + 1];
        let mut nonce = [0u8; 24];
        rng.fill_bytes(&mut nonce);
        let invite = Invite {
            invite_id: invite_id(code),
            role: Role::Worker,
            expires_ms: now + DAY_MS,
            wrapped: wrap_with_code(code, &invite_id(code), &team_key, nonce)?,
        };
        let register = encode(&SignedRequest::sign(
            team,
            *lead,
            now,
            &Request::CreateInvite(invite.clone()),
            lead_keys,
        ));
        for _ in 0..1 + i % 2 {
            let answer = hub.handle(now, &register)?;
            ensure!(
                answer == Response::InviteCreated,
                "CreateInvite answered {answer:?}"
            );
        }
        let join = encode(&SignedRequest::sign(
            Uuid::nil(),
            *device,
            now,
            &Request::Join {
                invite_id: invite.invite_id,
                keys: keys.public(),
            },
            keys,
        ));
        let answer = hub.handle(now, &join)?;
        let Response::Joined {
            team: joined,
            role,
            wrapped,
        } = &answer
        else {
            bail!("device {}'s Join answered {answer:?}", i + 1);
        };
        ensure!(
            *joined == team && *role == Role::Worker,
            "device {} joined {joined} as {role:?}",
            i + 1
        );
        let opened = unwrap_with_code(code, &invite_id(code), wrapped)
            .map_err(|e| anyhow!("device {} cannot open the team key with its code: {e}", i + 1))?;
        ensure!(
            opened.as_slice() == team_key.as_slice(),
            "device {} opened something else than the team key",
            i + 1
        );
        if i % 2 == 0 {
            // The answer was lost: the device joins again and gets the same.
            let again = hub.handle(now, &join)?;
            ensure!(again == answer, "joining again answered {again:?}");
        }
    }
    let mut roster = None;
    for (d, (device, keys)) in devices.iter().enumerate() {
        let ask = encode(&SignedRequest::sign(team, *device, now, &Request::Devices, keys));
        let Response::Devices(carnet_protocol::DeviceList {
            devices: records,
            epoch,
            keys: wrapped_keys,
            ..
        }) = hub.handle(now, &ask)?
        else {
            bail!("device {d} asked for the team's devices and got another answer");
        };
        ensure!(
            epoch == 1 && wrapped_keys.is_empty(),
            "device {d} sees epoch {epoch} and {} wrapped keys",
            wrapped_keys.len()
        );
        let listed: Vec<(Uuid, carnet_protocol::DevicePublicKeys, bool)> =
            records.iter().map(|r| (r.device, r.keys, r.revoked)).collect();
        let enrolled: Vec<(Uuid, carnet_protocol::DevicePublicKeys, bool)> =
            devices.iter().map(|(id, k)| (*id, k.public(), false)).collect();
        ensure!(listed == enrolled, "device {d} sees the team as {listed:?}");
        roster.get_or_insert(records);
    }
    drop(hub);
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir.path())? {
        let entry = entry?;
        files.push((entry.file_name(), std::fs::read(entry.path())?));
    }
    Ok(Enrolled {
        team,
        team_key,
        devices,
        roster: roster.context("five devices asked")?,
        files,
    })
}

/// What the network does to one exchange.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fault {
    /// The request never reaches the hub.
    DropRequest,
    /// The hub handles the request; its answer is lost.
    DropResponse,
    /// The hub gets the same request bytes twice.
    DuplicateRequest,
    /// The engine gets the same answer twice.
    DuplicateResponse,
    /// The answer arrives after the other devices' exchanges of this step.
    Delay,
    /// The hub handles the request; the engine gets an earlier answer of the hub instead.
    StaleResponse,
    /// The request is cut short on the way.
    TruncateRequest,
    /// The answer is cut short on the way.
    TruncateResponse,
    /// The hub handles the request, then crashes before answering.
    CrashBeforeAnswer,
}

const FAULTS: [Fault; 9] = [
    Fault::DropRequest,
    Fault::DropResponse,
    Fault::DuplicateRequest,
    Fault::DuplicateResponse,
    Fault::Delay,
    Fault::StaleResponse,
    Fault::TruncateRequest,
    Fault::TruncateResponse,
    Fault::CrashBeforeAnswer,
];

impl Fault {
    fn name(self) -> &'static str {
        match self {
            Fault::DropRequest => "request lost",
            Fault::DropResponse => "answer lost",
            Fault::DuplicateRequest => "request duplicated",
            Fault::DuplicateResponse => "answer duplicated",
            Fault::Delay => "answer delayed",
            Fault::StaleResponse => "stale answer replayed",
            Fault::TruncateRequest => "request cut",
            Fault::TruncateResponse => "answer cut",
            Fault::CrashBeforeAnswer => "hub crash before answering",
        }
    }
}

/// Events that are not per message, counted with the faults.
const OFFLINE: &str = "exchange while offline";
const HUB_CRASH: &str = "hub crash between rounds";
const RESTART: &str = "device restart";
const RESTART_UNSAVED: &str = "device restart losing the engine's last save";
const EDIT_IN_FLIGHT: &str = "edit while an exchange is in flight";
const PAGED: &str = "answer with more to come";

type Counts = BTreeMap<&'static str, u64>;

/// One device.
#[derive(Debug)]
struct Node {
    id: Uuid,
    worker: String,
    writer: Writer,
    membership: Membership,
    engine: SyncEngine,
    /// The engine state as last handed back to be saved.
    persisted: EngineState,
    /// The state persisted before the last answer, while no change was
    /// queued since: a crash may lose the last save of the engine state
    /// (the changes it applied are saved first, so they stay).
    before_last_answer: Option<EngineState>,
    cases: BTreeMap<CaseId, CaseFile>,
    /// Changes of case files this device cannot open yet, concatenated.
    pending: BTreeMap<Uuid, Vec<u8>>,
    online: bool,
    /// The last answer the hub made to this device, for stale replays.
    previous_answer: Option<Vec<u8>>,
}

/// A change made by an edit.
#[derive(Debug)]
struct Made {
    device: usize,
    case: CaseId,
    hash: ChangeHash,
    what: &'static str,
}

/// An answer held back by the network: the device, the bytes, what the request pushed.
type Parked = (usize, Vec<u8>, Vec<Uuid>);

/// What an edit added that must survive the merge.
enum Added {
    Visit(VisitId, String),
    Marker(VisitId, String),
    Task(TaskId, String),
    Procedure(ProcedureId),
    Nothing,
}

struct Sim {
    rng: ChaCha8Rng,
    now: i64,
    dir: TempDir,
    config: HubConfig,
    hub: Option<Hub<SqliteStorage>>,
    team: Uuid,
    nodes: Vec<Node>,
    /// Every case file made, in order.
    cases: Vec<CaseId>,
    made: Vec<Made>,
    /// Visit → its case file and every marker word written in its note.
    visits: BTreeMap<VisitId, (CaseId, Vec<String>)>,
    /// Task → its case file and the marker word of its title.
    tasks: BTreeMap<TaskId, (CaseId, String)>,
    procedures: BTreeMap<ProcedureId, CaseId>,
    markers: u32,
    /// Every entry queued: entry id → the device that queued it.
    queued: BTreeMap<Uuid, usize>,
    /// Where the hub said each entry is (acks and log entries it sent).
    seq_of: BTreeMap<Uuid, u64>,
    /// Which entry the hub said is at each place.
    entry_at: BTreeMap<u64, Uuid>,
    parked: Vec<Parked>,
    /// How likely an exchange meets a fault, for this seed.
    fault_rate: f64,
    offline_rate: f64,
    trace: Vec<String>,
    counts: Counts,
}

fn random_uuid(rng: &mut ChaCha8Rng) -> Uuid {
    let mut bytes = [0u8; 16];
    rng.fill_bytes(&mut bytes);
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

fn random_seed(rng: &mut ChaCha8Rng) -> [u8; 32] {
    let mut bytes = [0u8; 32];
    rng.fill_bytes(&mut bytes);
    bytes
}

fn lost(message: &str) -> TransportError {
    TransportError {
        retryable: true,
        message: message.to_owned(),
    }
}

fn refused(error: &HubError) -> TransportError {
    TransportError {
        retryable: error.is_retryable(),
        message: error.to_string(),
    }
}

/// The byte positions where a word can go in a note: the start, before each space, the end.
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

fn effect_names(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .map(|e| match e {
            Effect::Send(_) => "Send".to_owned(),
            Effect::Apply { seq, .. } => format!("Apply({seq})"),
            Effect::Reject { seq, reason, .. } => format!("Reject({seq}: {reason})"),
            Effect::Persist(checkpoint) => format!("Persist(cursor {})", checkpoint.cursor),
            Effect::Devices(list) => format!("Devices(version {})", list.version),
        })
        .collect()
}

fn short(hash: &ChangeHash) -> String {
    hash.to_string()[..8].to_owned()
}

impl Sim {
    fn new(seed: u64) -> Result<Self> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let enrolled = enrolled();
        let dir = hub_dir()?;
        for (name, bytes) in &enrolled.files {
            std::fs::write(dir.path().join(name), bytes)?;
        }
        // Small answers on some seeds, so that the log comes in pages.
        let max_response_bytes = if rng.random_bool(0.3) {
            2_500
        } else {
            DEFAULT_MAX_RESPONSE_BYTES
        };
        let config = hub_config(max_response_bytes);
        let hub = Hub::new(SqliteStorage::open(dir.path())?, config);
        let mut nodes = Vec::new();
        for (d, (id, keys)) in enrolled.devices.iter().enumerate() {
            let mut membership = Membership::new(
                enrolled.team,
                *id,
                keys.clone(),
                vec![TeamKey::new(1, enrolled.team_key)],
            );
            for record in &enrolled.roster {
                membership.set_device(
                    record.device,
                    RosterEntry {
                        keys: record.keys,
                        revoked: record.revoked,
                    },
                );
            }
            nodes.push(Node {
                id: *id,
                worker: format!("worker{d}"),
                writer: Writer {
                    device: DeviceId::from_uuid(*id),
                    session: 0,
                },
                membership,
                engine: SyncEngine::new(EngineState::default()),
                persisted: EngineState::default(),
                before_last_answer: None,
                cases: BTreeMap::new(),
                pending: BTreeMap::new(),
                online: true,
                previous_answer: None,
            });
        }
        let fault_rate = rng.random_range(0.05..0.6);
        let offline_rate = rng.random_range(0.0..0.3);
        Ok(Self {
            rng,
            now: START_MS + DAY_MS,
            dir,
            config,
            hub: Some(hub),
            team: enrolled.team,
            nodes,
            cases: Vec::new(),
            made: Vec::new(),
            visits: BTreeMap::new(),
            tasks: BTreeMap::new(),
            procedures: BTreeMap::new(),
            markers: 0,
            queued: BTreeMap::new(),
            seq_of: BTreeMap::new(),
            entry_at: BTreeMap::new(),
            parked: Vec::new(),
            fault_rate,
            offline_rate,
            trace: vec![format!(
                "answers up to {max_response_bytes} bytes, fault rate {fault_rate:.2}, offline rate \
                 {offline_rate:.2}"
            )],
            counts: Counts::new(),
        })
    }

    fn hub(&self) -> &Hub<SqliteStorage> {
        self.hub.as_ref().expect("the hub is up")
    }

    fn note(&mut self, line: String) {
        self.trace.push(line);
    }

    fn count(&mut self, what: &'static str) {
        *self.counts.entry(what).or_default() += 1;
    }

    fn run(&mut self) -> Result<()> {
        let creator = self.rng.random_range(0..DEVICES);
        let first = FIRST_CASES + usize::from(self.rng.random_bool(0.5));
        for _ in 0..first {
            self.create_case(creator)?;
        }
        let rounds = self.rng.random_range(5..=8);
        for round in 0..rounds {
            self.round(round).with_context(|| format!("round {round}"))?;
        }
        self.heal().context("final sync")?;
        self.check().context("final check")
    }

    fn context(&self, d: usize) -> Result<EditContext> {
        Ok(EditContext {
            worker: self.nodes[d].worker.clone(),
            time_ms: self.now,
            local_time: LocalDateTime::parse("2026-05-28T10:30")?,
        })
    }

    fn create_case(&mut self, d: usize) -> Result<()> {
        let id = CaseId::from_uuid(random_uuid(&mut self.rng));
        let n = self.cases.len();
        let person = NewPerson {
            name: format!("Personne {n}"),
            birth_year: Some(1950 + n as i64),
            commune: "Aurillac".into(),
            phone: String::new(),
            situation: "hébergée chez sa sœur".into(),
        };
        let ctx = self.context(d)?;
        let (case, change) = CaseFile::create(id, self.nodes[d].writer, person, &ctx)?;
        self.nodes[d].cases.insert(id, case);
        self.cases.push(id);
        self.made.push(Made {
            device: d,
            case: id,
            hash: change.hash,
            what: "case.create",
        });
        self.note(format!("device {d} creates case file {n} ({id})"));
        self.queue(d, id, &change.bytes)
    }

    fn marker(&mut self) -> String {
        self.markers += 1;
        format!("mk{}x", self.markers)
    }

    /// One random edit on a case file the device has.
    fn edit(&mut self, d: usize) -> Result<()> {
        let held: Vec<CaseId> = self.nodes[d].cases.keys().copied().collect();
        if held.is_empty() {
            return Ok(());
        }
        let case_id = held[self.rng.random_range(0..held.len())];
        let view = self.nodes[d].cases[&case_id].view();
        let marker = self.marker();
        let worker = self.nodes[d].worker.clone();
        let mut kind = self.rng.random_range(0..12);
        // Kinds that need an item fall back to adding one.
        if view.visits.is_empty() && matches!(kind, 3..=5 | 10) {
            kind = 0;
        }
        if view.tasks.is_empty() && kind == 9 {
            kind = 8;
        }
        if view.procedures.is_empty() && kind == 7 {
            kind = 6;
        }
        let status = ProcedureStatus::ALL[self.rng.random_range(0..ProcedureStatus::ALL.len())];
        let (edit, added) = match kind {
            0..=2 => {
                let id = VisitId::from_uuid(random_uuid(&mut self.rng));
                let note = format!("passage {marker} point logement");
                let visit = NewVisit {
                    id,
                    at: LocalDateTime::parse("2026-05-28T10:00")?,
                    place: "domicile".into(),
                    kind: VisitKind::Home,
                    present: vec![],
                    topics: vec!["logement".into()],
                    duration_min: Some(30),
                    note,
                };
                (Edit::AddVisit(visit), Added::Visit(id, marker))
            }
            3..=5 => {
                let visit = &view.visits[self.rng.random_range(0..view.visits.len())];
                let at = word_boundaries(&visit.note);
                let at = at[self.rng.random_range(0..at.len())];
                let patch = VisitPatch {
                    note: Some(insert_word(&visit.note, at, &marker)),
                    ..VisitPatch::default()
                };
                (
                    Edit::EditVisit { id: visit.id, patch },
                    Added::Marker(visit.id, marker),
                )
            }
            6 => {
                let id = ProcedureId::from_uuid(random_uuid(&mut self.rng));
                let procedure = NewProcedure {
                    id,
                    agency: Agency::ALL[self.rng.random_range(0..Agency::ALL.len())],
                    what: format!("dossier {marker}"),
                    status,
                    next_step: String::new(),
                    due: None,
                };
                (Edit::AddProcedure(procedure), Added::Procedure(id))
            }
            7 => {
                let procedure = &view.procedures[self.rng.random_range(0..view.procedures.len())];
                let patch = ProcedurePatch {
                    status: Some(status),
                    ..ProcedurePatch::default()
                };
                (
                    Edit::EditProcedure {
                        id: procedure.id,
                        patch,
                    },
                    Added::Nothing,
                )
            }
            8 => {
                let id = TaskId::from_uuid(random_uuid(&mut self.rng));
                let task = NewTask {
                    id,
                    title: format!("rappeler {marker}"),
                    due: None,
                    assignee: worker,
                };
                (Edit::AddTask(task), Added::Task(id, marker))
            }
            9 => {
                let task = &view.tasks[self.rng.random_range(0..view.tasks.len())];
                let done = self.rng.random_bool(0.5);
                (Edit::SetTaskDone { id: task.id, done }, Added::Nothing)
            }
            10 => {
                let visit = &view.visits[self.rng.random_range(0..view.visits.len())];
                let archived = self.rng.random_bool(0.5);
                (
                    Edit::ArchiveVisit {
                        id: visit.id,
                        archived,
                    },
                    Added::Nothing,
                )
            }
            _ => {
                // Concurrent communes conflict; the views must still agree.
                let patch = PersonPatch {
                    commune: Some(format!("Commune {marker}")),
                    ..PersonPatch::default()
                };
                (Edit::UpdatePerson(patch), Added::Nothing)
            }
        };
        let ctx = self.context(d)?;
        let case = self.nodes[d]
            .cases
            .get_mut(&case_id)
            .context("the case file is held")?;
        let change = case
            .apply(&edit, &ctx)
            .with_context(|| format!("device {d} applies {edit:?}"))?;
        match added {
            Added::Visit(id, marker) => {
                self.visits.insert(id, (case_id, vec![marker]));
            }
            Added::Marker(id, marker) => {
                self.visits
                    .get_mut(&id)
                    .context("an edited visit was added in the simulation")?
                    .1
                    .push(marker);
            }
            Added::Task(id, marker) => {
                self.tasks.insert(id, (case_id, marker));
            }
            Added::Procedure(id) => {
                self.procedures.insert(id, case_id);
            }
            Added::Nothing => {}
        }
        self.made.push(Made {
            device: d,
            case: case_id,
            hash: change.hash,
            what: edit.label(),
        });
        self.note(format!(
            "device {d} edits {case_id}: {} -> {}",
            edit.label(),
            short(&change.hash)
        ));
        self.queue(d, case_id, &change.bytes)
    }

    /// Seals a change into the device's outbox.
    fn queue(&mut self, d: usize, case: CaseId, bytes: &[u8]) -> Result<()> {
        let mut random = [0u8; 40];
        self.rng.fill_bytes(&mut random);
        let node = &mut self.nodes[d];
        let entry = node
            .engine
            .queue(&node.membership, &[(*case.as_uuid(), bytes)], random)?;
        let id = entry.header.entry_id;
        ensure!(
            entry.header.docs == [*case.as_uuid()] && entry.header.author == node.id,
            "device {d}: the queued entry names docs {:?} and author {}",
            entry.header.docs,
            entry.header.author
        );
        // The change and the outbox row holding it are saved together.
        node.persisted.outbox.push(entry);
        ensure!(
            &node.persisted == node.engine.state(),
            "device {d}: the entry saved is not what the engine holds"
        );
        node.before_last_answer = None;
        self.count("entry queued");
        ensure!(self.queued.insert(id, d).is_none(), "entry id {id} queued twice");
        Ok(())
    }

    fn round(&mut self, round: usize) -> Result<()> {
        self.now += ROUND_MS;
        self.note(format!("-- round {round}"));
        if round > 0 && self.rng.random_bool(0.15) {
            self.count(HUB_CRASH);
            self.note("the hub crashes and restarts".into());
            self.crash_hub()?;
        }
        for d in 0..DEVICES {
            let online = !self.rng.random_bool(self.offline_rate);
            self.nodes[d].online = online;
            if !online {
                self.note(format!("device {d} is offline"));
            }
            if self.rng.random_bool(0.05) {
                self.restart_device(d)?;
            }
        }
        if self.cases.len() < MAX_CASES && self.rng.random_bool(0.1) {
            let d = self.rng.random_range(0..DEVICES);
            self.create_case(d)?;
        }
        for d in 0..DEVICES {
            let edits = [0, 0, 0, 0, 0, 0, 1, 1, 2, 3][self.rng.random_range(0..10)];
            for _ in 0..edits {
                self.edit(d)?;
            }
            if self.rng.random_bool(0.7) {
                self.nodes[d].engine.request_sync();
            }
        }
        for _ in 0..STEPS {
            self.now += STEP_MS;
            let mut order: Vec<usize> = (0..DEVICES).collect();
            order.shuffle(&mut self.rng);
            for d in order {
                self.exchange(d, true)
                    .with_context(|| format!("device {d}'s exchange"))?;
            }
            self.deliver_parked()?;
        }
        Ok(())
    }

    /// The device restarts: what was in flight is forgotten, the engine
    /// resumes from the state it last handed back to be saved.
    fn restart_device(&mut self, d: usize) -> Result<()> {
        self.count(RESTART);
        self.parked.retain(|(p, _, _)| *p != d);
        let lose_last_save = self.rng.random_bool(0.5);
        let node = &mut self.nodes[d];
        ensure!(
            &node.persisted == node.engine.state(),
            "device {d}: the engine holds state it never handed back to be saved"
        );
        let older = node.before_last_answer.take().filter(|_| lose_last_save);
        let lost = older.is_some();
        if let Some(older) = older {
            // It re-applies entries it has, and pushes again entries the hub holds.
            node.persisted = older;
        }
        node.engine = SyncEngine::new(node.persisted.clone());
        node.previous_answer = None;
        let cursor = node.persisted.cursor;
        if lost {
            self.count(RESTART_UNSAVED);
        }
        self.note(format!(
            "device {d} restarts at cursor {cursor}{}",
            if lost {
                ", its last save of the engine state lost"
            } else {
                ""
            }
        ));
        Ok(())
    }

    /// The hub process dies and starts again on the same directory: it must
    /// still hold every entry it acknowledged, at the same place.
    fn crash_hub(&mut self) -> Result<()> {
        self.hub = None;
        self.hub = Some(Hub::new(SqliteStorage::open(self.dir.path())?, self.config));
        let log = self.full_log()?;
        for (seq, id) in &self.entry_at {
            let index = usize::try_from(*seq - 1)?;
            let kept = log.get(index).map(|e| (e.seq, e.entry.header.entry_id));
            ensure!(
                kept == Some((*seq, *id)),
                "after a restart the hub has {kept:?} where it had said entry {id} is at {seq}"
            );
        }
        Ok(())
    }

    /// The whole log, as stored.
    fn full_log(&self) -> Result<Vec<LogEntry>> {
        let mut log = Vec::new();
        loop {
            let cursor = log.last().map_or(0, |e: &LogEntry| e.seq);
            let page =
                self.hub()
                    .storage()
                    .entries_after(self.team, cursor, MAX_PULL_ENTRIES, usize::MAX, None)?;
            log.extend(page.entries);
            if !page.more {
                return Ok(log);
            }
        }
    }

    /// How many entries the log holds.
    fn log_len(&self) -> Result<u64> {
        let mut len = self.entry_at.keys().next_back().copied().unwrap_or(0);
        loop {
            let page =
                self.hub()
                    .storage()
                    .entries_after(self.team, len, MAX_PULL_ENTRIES, usize::MAX, None)?;
            len = page.entries.last().map_or(len, |e| e.seq);
            if !page.more {
                return Ok(len);
            }
        }
    }

    /// The cursor and the pushed entry ids of a request the device's engine
    /// made, after checking who signed it and when.
    fn read_request(&self, d: usize, bytes: &[u8]) -> Result<(u64, Vec<Uuid>)> {
        let node = &self.nodes[d];
        let signed: SignedRequest = decode(bytes)?;
        ensure!(
            signed.team == self.team && signed.device == node.id && signed.time_ms == self.now,
            "device {d} sent a request for team {} from device {} at {}",
            signed.team,
            signed.device,
            signed.time_ms
        );
        // The hub checks the signature; decoding the body is enough here.
        let Request::Sync(sync) = decode(&signed.body)? else {
            bail!("device {d}'s engine sent something else than a sync request");
        };
        let pushed: Vec<Uuid> = sync.push.iter().map(|e| e.header.entry_id).collect();
        let waiting: Vec<Uuid> = node
            .engine
            .state()
            .outbox
            .iter()
            .map(|e| e.header.entry_id)
            .collect();
        ensure!(
            waiting.starts_with(&pushed),
            "device {d} pushed {} entries that are not the oldest of its outbox",
            pushed.len()
        );
        Ok((sync.cursor, pushed))
    }

    /// Records where the hub says an entry is; it must never say otherwise later.
    fn record(&mut self, id: Uuid, seq: u64) -> Result<()> {
        ensure!(
            self.queued.contains_key(&id),
            "the hub names entry {id}, which no device queued"
        );
        if let Some(before) = self.seq_of.insert(id, seq) {
            ensure!(
                before == seq,
                "the hub put entry {id} at {seq}, after saying it was at {before}"
            );
        }
        if let Some(before) = self.entry_at.insert(seq, id) {
            ensure!(
                before == id,
                "the hub put entry {id} at {seq}, after saying {before} was there"
            );
        }
        Ok(())
    }

    /// Hands an honest request to the hub, which must answer it; checks the answer.
    fn call_hub(&mut self, d: usize, request: &[u8], cursor: u64, pushed: &[Uuid]) -> Result<Vec<u8>> {
        self.count("hub call");
        let response = self
            .hub()
            .handle(self.now, request)
            .map_err(|e| anyhow!("the hub refused an honest request of device {d}: {e}"))?;
        let Response::Synced(sync) = &response else {
            bail!("the hub answered a sync request with {response:?}");
        };
        let acked: Vec<Uuid> = sync.acks.iter().map(|a| a.entry_id).collect();
        ensure!(
            acked == pushed,
            "the hub acknowledged {} entries of the {} pushed",
            acked.len(),
            pushed.len()
        );
        for ack in &sync.acks {
            self.record(ack.entry_id, ack.seq)?;
        }
        // The log after the cursor, without what this request pushed.
        let pushed_at: BTreeSet<u64> = sync.acks.iter().map(|a| a.seq).collect();
        let mut expected = cursor + 1;
        for (i, entry) in sync.entries.iter().enumerate() {
            while pushed_at.contains(&expected) {
                expected += 1;
            }
            ensure!(
                entry.seq == expected,
                "the hub answered cursor {cursor} with entry {} at position {i}",
                entry.seq
            );
            expected += 1;
            self.record(entry.entry.header.entry_id, entry.seq)?;
        }
        let last = expected - 1;
        ensure!(
            sync.cursor >= last && (last + 1..=sync.cursor).all(|seq| pushed_at.contains(&seq)),
            "the hub's answer says cursor {} after entry {last}",
            sync.cursor
        );
        if sync.more {
            self.count(PAGED);
        }
        Ok(encode(&response))
    }

    /// One exchange of one device, if its engine wants one, through the network.
    fn exchange(&mut self, d: usize, faulty: bool) -> Result<()> {
        let node = &mut self.nodes[d];
        let Some(effect) = node.engine.poll(&node.membership, self.now) else {
            return Ok(());
        };
        let Effect::Send(request) = effect else {
            bail!("poll gave {effect:?} instead of a request");
        };
        let (cursor, pushed) = self.read_request(d, &request)?;
        if !self.nodes[d].online {
            self.count(OFFLINE);
            return self.deliver_failure(d, Err(lost("no network")));
        }
        let fault = (faulty && self.rng.random_bool(self.fault_rate))
            .then(|| FAULTS[self.rng.random_range(0..FAULTS.len())])
            // No earlier answer to replay: the exchange goes through.
            .filter(|f| *f != Fault::StaleResponse || self.nodes[d].previous_answer.is_some());
        self.note(format!(
            "device {d} sends cursor {cursor}, {} pushed{}",
            pushed.len(),
            fault.map_or(String::new(), |f| format!(": {}", f.name()))
        ));
        if let Some(fault) = fault {
            self.count(fault.name());
        }
        match fault {
            Some(Fault::DropRequest) => {
                return self.deliver_failure(d, Err(lost("the request was lost on the way")));
            }
            Some(Fault::TruncateRequest) => {
                let cut = self.rng.random_range(0..request.len());
                let before = self.log_len()?;
                return match self.hub().handle(self.now, &request[..cut]) {
                    Ok(answer) => bail!(
                        "the hub answered {answer:?} to a request cut at {cut} of {} bytes",
                        request.len()
                    ),
                    Err(error) => {
                        let after = self.log_len()?;
                        ensure!(
                            after == before,
                            "a request cut at {cut} bytes took the log from {before} to {after} entries"
                        );
                        self.deliver_failure(d, Err(refused(&error)))
                    }
                };
            }
            _ => {}
        }
        let answer = self.call_hub(d, &request, cursor, &pushed)?;
        if fault == Some(Fault::DuplicateRequest) {
            let again = self.call_hub(d, &request, cursor, &pushed)?;
            ensure!(
                again == answer,
                "the same request delivered twice got two different answers"
            );
        }
        let previous = self.nodes[d].previous_answer.replace(answer.clone());
        match fault {
            Some(Fault::DropResponse) => {
                self.deliver_failure(d, Err(lost("the connection dropped before the answer")))
            }
            Some(Fault::CrashBeforeAnswer) => {
                self.crash_hub()?;
                self.deliver_failure(d, Err(lost("the hub went away before answering")))
            }
            Some(Fault::TruncateResponse) => {
                let cut = self.rng.random_range(0..answer.len());
                self.deliver_failure(d, Ok(&answer[..cut]))
            }
            Some(Fault::Delay) => {
                self.parked.push((d, answer, pushed));
                // The worker goes on writing while the answer is on its way.
                if self.rng.random_bool(0.5) && !self.nodes[d].cases.is_empty() {
                    self.count(EDIT_IN_FLIGHT);
                    self.edit(d)?;
                    let node = &mut self.nodes[d];
                    ensure!(
                        node.engine.poll(&node.membership, self.now).is_none(),
                        "device {d} sent a second request while one was in flight"
                    );
                }
                Ok(())
            }
            Some(Fault::StaleResponse) => {
                let old = previous.context("there is an earlier answer to replay")?;
                self.deliver_answer(d, &old, None)
            }
            Some(Fault::DuplicateResponse) => {
                self.deliver_answer(d, &answer, Some(&pushed))?;
                self.deliver_duplicate(d, &answer)
            }
            _ => self.deliver_answer(d, &answer, Some(&pushed)),
        }
    }

    fn deliver_parked(&mut self) -> Result<()> {
        let mut parked = std::mem::take(&mut self.parked);
        parked.shuffle(&mut self.rng);
        for (d, answer, pushed) in parked {
            self.note(format!("device {d} gets its delayed answer"));
            self.deliver_answer(d, &answer, Some(&pushed))?;
        }
        Ok(())
    }

    /// Something the engine must take as a failed exchange: a transport error or a cut answer.
    fn deliver_failure(&mut self, d: usize, result: Result<&[u8], TransportError>) -> Result<()> {
        let node = &mut self.nodes[d];
        let state = node.engine.state().clone();
        let failures = node.engine.status().failures;
        let effects = node.engine.on_response(&node.membership, self.now, result);
        ensure!(
            effects.is_empty(),
            "device {d}: a failed exchange gave {:?}",
            effect_names(&effects)
        );
        ensure!(
            node.engine.state() == &state,
            "device {d}: a failed exchange changed the engine's state"
        );
        let status = node.engine.status();
        ensure!(
            status.failures == failures + 1
                && status.last_error.is_some()
                && status.next_attempt_ms > self.now,
            "device {d}: after a failed exchange the status is {status:?}"
        );
        ensure!(
            !node.engine.is_idle(),
            "device {d}: the engine is idle after a failed exchange"
        );
        Ok(())
    }

    /// A well-formed answer of the hub. `pushed` is what the request in flight
    /// pushed when the answer is its own, `None` for an earlier answer replayed.
    fn deliver_answer(&mut self, d: usize, answer: &[u8], pushed: Option<&[Uuid]>) -> Result<()> {
        let node = &mut self.nodes[d];
        let before = node.engine.state().clone();
        let effects = node.engine.on_response(&node.membership, self.now, Ok(answer));
        let Some((Effect::Persist(checkpoint), applied)) = effects.split_last() else {
            bail!(
                "device {d}: an answer gave {:?}, not ending with Persist",
                effect_names(&effects)
            );
        };
        // What the device's storage holds once it saved the checkpoint.
        let mut state = node.persisted.clone();
        state.apply(checkpoint);
        ensure!(
            &state == node.engine.state(),
            "device {d}: the checkpoint saved leaves another state than the engine's"
        );
        let status = node.engine.status().clone();
        ensure!(
            status.failures == 0 && status.last_error.is_none() && status.last_sync_ms == Some(self.now),
            "device {d}: after a good answer the status is {status:?}"
        );
        node.before_last_answer = Some(std::mem::replace(&mut node.persisted, state.clone()));
        let mut cursor = before.cursor;
        for effect in applied {
            match effect {
                Effect::Apply {
                    seq,
                    doc,
                    author: writer,
                    changes,
                } => {
                    ensure!(
                        *seq > cursor && self.own_places(d, cursor + 1, *seq),
                        "device {d} applied entry {seq} after entry {cursor}: the engine skipped or \
                         repeated entries"
                    );
                    cursor = *seq;
                    self.count("entry applied");
                    let id = self.entry_at.get(seq).context("the hub sent this entry")?;
                    let queued_by = self.queued[id];
                    ensure!(
                        self.nodes[queued_by].id == *writer,
                        "entry {seq} was queued by device {queued_by} but applied as written by {writer}"
                    );
                    self.apply(d, *doc, changes)
                        .with_context(|| format!("device {d} applies entry {seq}"))?;
                }
                Effect::Reject { seq, reason, .. } => {
                    bail!("device {d} rejected entry {seq} though every device is honest: {reason}")
                }
                // Devices start without the list's version, so each hears it
                // from the hub once: the same devices as enrolled.
                Effect::Devices(list) => {
                    ensure!(
                        list.devices.len() == self.nodes.len() && list.keys.is_empty(),
                        "device {d} was sent a device list of {} devices",
                        list.devices.len()
                    );
                    self.nodes[d].membership.apply_device_list(list);
                }
                other => bail!(
                    "device {d}: an answer gave {:?} before Persist",
                    effect_names(std::slice::from_ref(other))
                ),
            }
        }
        ensure!(
            state.cursor >= cursor && self.own_places(d, cursor + 1, state.cursor + 1),
            "device {d}: the cursor is {} after applying up to {cursor}",
            state.cursor
        );
        // Entries leave the outbox only once the hub has acknowledged them.
        let left: BTreeSet<Uuid> = state.outbox.iter().map(|e| e.header.entry_id).collect();
        for entry in &before.outbox {
            let id = entry.header.entry_id;
            ensure!(
                left.contains(&id) || self.seq_of.contains_key(&id),
                "device {d}: entry {id} left the outbox without an acknowledgement"
            );
        }
        if let Some(pushed) = pushed {
            ensure!(
                pushed.iter().all(|id| !left.contains(id)),
                "device {d}: acknowledged entries stayed in the outbox"
            );
        }
        Ok(())
    }

    /// Whether every place of the log in `from..to` holds an entry queued by
    /// device `d` (which the hub leaves out of its answers to `d`).
    fn own_places(&self, d: usize, from: u64, to: u64) -> bool {
        (from..to).all(|seq| {
            self.entry_at
                .get(&seq)
                .is_some_and(|id| self.queued.get(id) == Some(&d))
        })
    }

    /// The same answer a second time: the engine must ignore it.
    fn deliver_duplicate(&mut self, d: usize, answer: &[u8]) -> Result<()> {
        let node = &mut self.nodes[d];
        let (state, status) = (node.engine.state().clone(), node.engine.status().clone());
        let effects = node.engine.on_response(&node.membership, self.now, Ok(answer));
        ensure!(
            effects.is_empty(),
            "device {d}: a duplicate answer gave {:?}",
            effect_names(&effects)
        );
        ensure!(
            node.engine.state() == &state && node.engine.status() == &status,
            "device {d}: a duplicate answer changed the engine"
        );
        Ok(())
    }

    /// Applies changes of a case file; a case file not held yet is opened from them.
    fn apply(&mut self, d: usize, doc: Uuid, changes: &[u8]) -> Result<()> {
        let id = CaseId::from_uuid(doc);
        let node = &mut self.nodes[d];
        if let Some(case) = node.cases.get_mut(&id) {
            case.receive_changes(changes)?;
            return Ok(());
        }
        let pending = node.pending.entry(doc).or_default();
        pending.extend_from_slice(changes);
        // Opens when the creation change is there (it comes first in the log).
        if let Ok(case) = CaseFile::load(pending, node.writer) {
            ensure!(
                case.id() == id,
                "entries for {doc} opened as case file {}",
                case.id()
            );
            node.pending.remove(&doc);
            node.cases.insert(id, case);
        }
        Ok(())
    }

    /// No more faults: everyone online, exchanges until nothing new arrives.
    fn heal(&mut self) -> Result<()> {
        self.deliver_parked()?;
        for node in &mut self.nodes {
            node.online = true;
        }
        let mut quiet = false;
        for pass in 0..5 {
            self.now += HEAL_MS;
            self.note(format!("-- final pass {pass}"));
            let before_log = self.log_len()?;
            let before: Vec<u64> = self.nodes.iter().map(|n| n.engine.state().cursor).collect();
            for d in 0..DEVICES {
                self.nodes[d].engine.request_sync();
                for _ in 0..50 {
                    let node = &self.nodes[d];
                    if node.engine.is_idle() {
                        break;
                    }
                    self.exchange(d, false)
                        .with_context(|| format!("device {d}'s final exchange"))?;
                }
                let node = &self.nodes[d];
                ensure!(
                    node.engine.is_idle(),
                    "device {d} is not idle after 50 clean exchanges: {:?}",
                    node.engine.status()
                );
            }
            let after: Vec<u64> = self.nodes.iter().map(|n| n.engine.state().cursor).collect();
            if pass > 0 && before == after && before_log == self.log_len()? {
                quiet = true;
                break;
            }
        }
        ensure!(quiet, "devices still receive entries after 5 clean passes");
        Ok(())
    }

    fn check(&mut self) -> Result<()> {
        // The hub's log: every entry queued, once, in order, by its author.
        let log = self.full_log()?;
        let mut ids = BTreeSet::new();
        for (i, entry) in log.iter().enumerate() {
            let id = entry.entry.header.entry_id;
            ensure!(
                entry.seq == i as u64 + 1,
                "the log has entry {} at position {i}",
                entry.seq
            );
            ensure!(ids.insert(id), "entry {id} is in the log twice");
            let queued_by = *self
                .queued
                .get(&id)
                .with_context(|| format!("entry {id} in the log was never queued"))?;
            ensure!(
                entry.entry.header.author == self.nodes[queued_by].id,
                "entry {id} names another author"
            );
            ensure!(
                self.seq_of.get(&id).is_none_or(|seq| *seq == entry.seq),
                "entry {id} is at {} but was acknowledged at {:?}",
                entry.seq,
                self.seq_of.get(&id)
            );
        }
        let lost: Vec<&Uuid> = self.queued.keys().filter(|id| !ids.contains(*id)).collect();
        ensure!(lost.is_empty(), "queued entries missing from the log: {lost:?}");
        let len = log.len() as u64;
        for (d, node) in self.nodes.iter().enumerate() {
            let (state, status) = (node.engine.state(), node.engine.status());
            ensure!(
                node.engine.is_idle() && state.outbox.is_empty() && state.cursor == len,
                "device {d} ends at cursor {} of {len} with {} entries unacknowledged",
                state.cursor,
                state.outbox.len()
            );
            ensure!(
                status.failures == 0 && status.last_error.is_none(),
                "device {d} ends with status {status:?}"
            );
            ensure!(
                node.pending.is_empty(),
                "device {d} still holds changes of case files it could not open: {:?}",
                node.pending.keys().collect::<Vec<_>>()
            );
            let held: Vec<CaseId> = node.cases.keys().copied().collect();
            let all: BTreeSet<CaseId> = self.cases.iter().copied().collect();
            ensure!(
                held == all.into_iter().collect::<Vec<_>>(),
                "device {d} holds {} case files of {}",
                held.len(),
                self.cases.len()
            );
        }
        for (c, &id) in self.cases.iter().enumerate() {
            let mut reference = None;
            for d in 0..DEVICES {
                let case = self.nodes[d].cases.get_mut(&id).context("held")?;
                let missing = case.missing_deps();
                ensure!(
                    missing.is_empty(),
                    "case {c} on device {d} waits for changes {missing:?}"
                );
                let heads = case.heads();
                let hashes = case.change_hashes();
                let view = case.view();
                let lost: Vec<String> = self
                    .made
                    .iter()
                    .filter(|m| m.case == id && !hashes.contains(&m.hash))
                    .map(|m| format!("{} (device {}: {})", short(&m.hash), m.device, m.what))
                    .collect();
                ensure!(lost.is_empty(), "case {c}: device {d} lacks changes {lost:?}");
                match &reference {
                    None => reference = Some((heads, hashes, view)),
                    Some((h, all, v)) => {
                        ensure!(heads == *h, "case {c}: device {d} has other heads than device 0");
                        ensure!(
                            hashes == *all,
                            "case {c}: device {d} holds other changes than device 0"
                        );
                        ensure!(
                            view == *v,
                            "case {c}: device {d} shows another case file than device 0:\n{view:#?}\nvs\n{v:#?}"
                        );
                    }
                }
            }
            let (_, _, view) = reference.context("there are devices")?;
            for (visit, (_, markers)) in self.visits.iter().filter(|(_, (vc, _))| *vc == id) {
                let shown = view
                    .visits
                    .iter()
                    .find(|v| v.id == *visit)
                    .with_context(|| format!("case {c}: visit {visit} is not in the merged case file"))?;
                let words: BTreeSet<&str> = shown.note.split_whitespace().collect();
                let lost: Vec<&String> = markers.iter().filter(|m| !words.contains(m.as_str())).collect();
                ensure!(
                    lost.is_empty(),
                    "case {c}: visit {visit}: marker words {lost:?} are not in the merged note {:?}",
                    shown.note
                );
            }
            for (task, (_, marker)) in self.tasks.iter().filter(|(_, (tc, _))| *tc == id) {
                let shown = view
                    .tasks
                    .iter()
                    .find(|t| t.id == *task)
                    .with_context(|| format!("case {c}: task {task} is not in the merged case file"))?;
                ensure!(
                    shown.title.split_whitespace().any(|w| w == marker),
                    "case {c}: task {task}: title {:?} lost {marker}",
                    shown.title
                );
            }
            for procedure in self
                .procedures
                .iter()
                .filter(|(_, pc)| **pc == id)
                .map(|(p, _)| p)
            {
                ensure!(
                    view.procedures.iter().any(|p| p.id == *procedure),
                    "case {c}: procedure {procedure} is not in the merged case file"
                );
            }
        }
        // One last crash: the hub still holds the same log.
        self.crash_hub()?;
        let again = self.full_log()?;
        ensure!(again == log, "the hub's log changed across a restart");
        self.note(format!(
            "converged: {len} entries, {} changes, {} case files",
            self.made.len(),
            self.cases.len()
        ));
        Ok(())
    }
}

fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "a panic".to_owned())
}

/// Runs one seed; on failure, says what failed, what happened before, and how to replay it.
fn run_seed(seed: u64) -> Result<Counts, String> {
    let replay = format!(
        "replay: CARNET_SIM_SEED={seed} cargo test -p carnet-tests --test sync_simulation -- --nocapture"
    );
    let mut sim = match catch_unwind(|| Sim::new(seed)) {
        Ok(Ok(sim)) => sim,
        Ok(Err(error)) => return Err(format!("seed {seed} failed to start: {error:#}\n{replay}")),
        Err(panic) => {
            return Err(format!(
                "seed {seed} failed to start: {}\n{replay}",
                panic_text(&*panic)
            ));
        }
    };
    let outcome = catch_unwind(AssertUnwindSafe(|| sim.run()));
    let error = match outcome {
        Ok(Ok(())) => return Ok(sim.counts),
        Ok(Err(error)) => format!("{error:#}"),
        Err(panic) => format!("panicked: {}", panic_text(&*panic)),
    };
    let from = sim.trace.len().saturating_sub(80);
    Err(format!(
        "seed {seed} failed: {error}\nlast events:\n  {}\n{replay}",
        sim.trace[from..].join("\n  ")
    ))
}

fn env_number(name: &str) -> Option<u64> {
    let value = std::env::var(name).ok()?;
    Some(
        value
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={value:?} is not a number")),
    )
}

#[test]
fn devices_converge_through_a_faulty_network_and_crashing_hub() {
    let seeds: Vec<u64> = match env_number("CARNET_SIM_SEED") {
        Some(seed) => vec![seed],
        None => (0..env_number("CARNET_SIM_SEEDS").unwrap_or(500)).collect(),
    };
    let started = Instant::now();
    // Seeds are independent: two threads share them (each seed stays deterministic).
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(2).min(seeds.len()));
    let next = AtomicUsize::new(0);
    let failures = AtomicUsize::new(0);
    let results: Mutex<Vec<(u64, Result<Counts, String>)>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                // After 20 failures the rest would say nothing new.
                while failures.load(Ordering::Relaxed) < 20 {
                    let Some(&seed) = seeds.get(next.fetch_add(1, Ordering::Relaxed)) else {
                        break;
                    };
                    let result = run_seed(seed);
                    if result.is_err() {
                        failures.fetch_add(1, Ordering::Relaxed);
                    }
                    results
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .push((seed, result));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_else(PoisonError::into_inner);
    results.sort_by_key(|(seed, _)| *seed);
    let mut totals = Counts::new();
    let mut failed = Vec::new();
    for (seed, result) in results {
        match result {
            Ok(counts) => {
                for (what, n) in counts {
                    *totals.entry(what).or_default() += n;
                }
            }
            Err(report) => {
                if failed.is_empty() {
                    eprintln!("{report}");
                }
                failed.push((seed, report.lines().next().unwrap_or_default().to_owned()));
            }
        }
    }
    eprintln!(
        "{} seeds in {:.1?} on {threads} threads; events: {totals:?}",
        seeds.len(),
        started.elapsed()
    );
    if !failed.is_empty() {
        let list: Vec<String> = failed.iter().map(|(_, line)| line.clone()).collect();
        panic!(
            "{} seeds failed (the first is detailed above):\n{}\nreplay one with \
             CARNET_SIM_SEED=<seed> cargo test -p carnet-tests --test sync_simulation -- --nocapture",
            failed.len(),
            list.join("\n")
        );
    }
    // A simulation that stopped injecting faults would pass for nothing.
    if seeds.len() >= 100 {
        for what in FAULTS.iter().map(|f| f.name()).chain([
            OFFLINE,
            HUB_CRASH,
            RESTART,
            RESTART_UNSAVED,
            EDIT_IN_FLIGHT,
            PAGED,
        ]) {
            assert!(
                totals.get(what).copied().unwrap_or(0) > 0,
                "no {what} in {} seeds",
                seeds.len()
            );
        }
    }
}

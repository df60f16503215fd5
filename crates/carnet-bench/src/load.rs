//! Scenario 6, `load`: many devices syncing against one hub at once.
//!
//! The hub runs in a child process ([`HubProcess`]): the `carnet-hub`
//! binary when one is given, or this benchmark's own binary serving the same
//! hub code ([`serve_hub`], the `serve-hub` subcommand), so its memory and CPU
//! time can be read from `/proc` apart from the devices'. The devices are
//! real notebooks enrolled in teams of a few devices (a lead creates each
//! team, the others join with an invite); each holds one case file of its
//! own. Then, on a signal, every device syncs in a loop over the real HTTP
//! transport, one sync after the other, until the time is up: most syncs
//! are reconnects with nothing of its own to send, and every `edit_every`-th
//! sync first records a visit in the device's case file. Teammates' visits
//! come down on their next sync.

use std::fmt;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{PoisonError, RwLock};
use std::thread;
use std::time::{Duration, Instant};

use carnet_device::{Device, HttpTransport, Role, Transport, VisitInput};
use carnet_hub::{AppState, Hub, HubConfig, RateLimit, SqliteStorage, router};
use carnet_store::KdfParams;
use carnet_sync::TransportError;
use serde::Serialize;
use tempfile::TempDir;

use crate::error::{BenchError, Res};
use crate::measure::{mb, percentile};
use crate::notebook::{PASSPHRASE, WORKER, demo_visits, today};

/// How the hub's process is started: a program and the arguments before
/// `--data DIR --listen ADDR --rate R --burst B`, which `carnet-hub serve`
/// and `carnet-bench serve-hub` both take. It prints `listening on
/// http://ADDR` once bound.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HubProgram {
    /// The executable.
    pub program: PathBuf,
    /// Its first arguments (the subcommand).
    pub args: Vec<String>,
}

impl HubProgram {
    /// The `carnet-hub` binary at `path`.
    #[must_use]
    pub fn carnet_hub(path: &Path) -> Self {
        Self {
            program: path.to_owned(),
            args: vec!["serve".into()],
        }
    }

    /// The `carnet-bench` binary at `path`, serving the hub itself.
    #[must_use]
    pub fn carnet_bench(path: &Path) -> Self {
        Self {
            program: path.to_owned(),
            args: vec!["serve-hub".into()],
        }
    }
}

impl fmt::Display for HubProgram {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.program.display())?;
        for arg in &self.args {
            write!(f, " {arg}")?;
        }
        Ok(())
    }
}

/// Serves the hub (`carnet_hub::router` over SQLite in `data`) on `listen`
/// until the process is killed, as `carnet-hub serve` does without its logs.
/// Prints `listening on http://ADDR` once bound.
///
/// # Errors
/// [`BenchError::Io`] or [`BenchError::Hub`] when it cannot start.
pub fn serve_hub(data: &Path, listen: SocketAddr, rate_limit: RateLimit) -> Res<()> {
    std::fs::create_dir_all(data).map_err(BenchError::io_at("create", data))?;
    let storage = SqliteStorage::open(data)?;
    let config = HubConfig {
        rate_limit,
        ..HubConfig::default()
    };
    let app = router(AppState::new(Hub::new(storage, config)));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(BenchError::io("cannot start the hub's runtime"))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(BenchError::io(format!("cannot listen on {listen}")))?;
        let address = listener
            .local_addr()
            .map_err(BenchError::io("cannot read the hub's address"))?;
        {
            use std::io::Write;
            let mut stdout = std::io::stdout().lock();
            writeln!(stdout, "listening on http://{address}")
                .and_then(|()| stdout.flush())
                .map_err(BenchError::io("cannot write the hub's address"))?;
        }
        axum::serve(listener, app)
            .await
            .map_err(BenchError::io("the hub stopped on an error"))
    })
}

/// A hub in a child process on a loopback port, killed when dropped.
#[derive(Debug)]
pub struct HubProcess {
    child: Child,
    url: String,
    data: TempDir,
}

impl HubProcess {
    /// Starts `program` with an empty database in a temporary directory and
    /// waits until it listens.
    ///
    /// # Errors
    /// [`BenchError::Io`] when it cannot be started; [`BenchError::Scenario`]
    /// when it stops before listening (with what it wrote on stderr).
    pub fn start(program: &HubProgram, rate_limit: RateLimit) -> Res<Self> {
        let data = tempfile::Builder::new()
            .prefix("carnet-bench-hub-")
            .tempdir()
            .map_err(BenchError::io("cannot make the hub's directory"))?;
        let log_path = data.path().join("hub.log");
        let log = std::fs::File::create(&log_path).map_err(BenchError::io_at("create", &log_path))?;
        let mut child = Command::new(&program.program)
            .args(&program.args)
            .arg("--data")
            .arg(data.path().join("db"))
            .args(["--listen", "127.0.0.1:0"])
            .args(["--rate", &rate_limit.per_second.to_string()])
            .args(["--burst", &rate_limit.burst.to_string()])
            // One log line per request would cost the hub more than the request.
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .map_err(BenchError::io(format!("cannot start the hub ({program})")))?;
        let mut line = String::new();
        if let Some(stdout) = child.stdout.take() {
            let _ = BufReader::new(stdout).read_line(&mut line);
        }
        let Some(address) = line.trim().strip_prefix("listening on ") else {
            let _ = child.kill();
            let _ = child.wait();
            let log = std::fs::read_to_string(&log_path).unwrap_or_default();
            return Err(BenchError::Scenario(format!(
                "the hub ({program}) stopped before listening: {}",
                log.trim()
            )));
        };
        Ok(Self {
            url: address.to_owned(),
            child,
            data,
        })
    }

    /// The hub's URL.
    #[must_use]
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The hub's process id.
    #[must_use]
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// A field of the hub's `/proc/PID/status` in bytes (`VmRSS:`, `VmHWM:`).
    #[must_use]
    pub fn status_bytes(&self, field: &str) -> Option<u64> {
        proc_status_bytes(&format!("/proc/{}/status", self.pid()), field)
    }

    /// Resets the hub's peak memory (`VmHWM`) to its resident memory now.
    /// Returns whether the kernel took it.
    pub fn reset_peak_memory(&self) -> bool {
        std::fs::write(format!("/proc/{}/clear_refs", self.pid()), "5").is_ok()
    }

    /// CPU time the hub has used (user and system, every thread), seconds.
    #[must_use]
    pub fn cpu_seconds(&self) -> Option<f64> {
        proc_cpu_seconds(&format!("/proc/{}/stat", self.pid()))
    }

    /// The hub's data directory.
    #[must_use]
    pub fn data_dir(&self) -> &Path {
        self.data.path()
    }
}

impl Drop for HubProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn proc_status_bytes(path: &str, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(path).ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// `utime + stime` of a `/proc/.../stat` file, seconds.
fn proc_cpu_seconds(path: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(path).ok()?;
    // The command name may hold spaces; the fields after it do not.
    let (_, fields) = stat.rsplit_once(')')?;
    let fields: Vec<&str> = fields.split_whitespace().collect();
    // Fields 14 and 15 of proc(5); the first after the name is field 3.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) as f64 / clock_ticks_per_second())
}

/// `getconf CLK_TCK` (100 on Linux in practice).
fn clock_ticks_per_second() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .and_then(|text| text.trim().parse::<f64>().ok())
        .filter(|ticks| *ticks > 0.0)
        .unwrap_or(100.0)
}

/// What scenario 6 does.
#[derive(Clone, Debug)]
pub struct LoadParams {
    /// Devices syncing at once.
    pub devices: usize,
    /// How long they sync.
    pub duration: Duration,
    /// Devices per team (the lead included).
    pub team_size: usize,
    /// Every this many syncs, a device first records a visit.
    pub edit_every: u64,
    /// The devices' notebook key derivation (no notebook is opened while
    /// measuring, so it only makes the setup longer).
    pub kdf: KdfParams,
    /// The hub's rate limit per device.
    pub rate_limit: RateLimit,
    /// Seeds the demo people and visits.
    pub seed: u64,
}

/// Latencies, milliseconds (nearest rank).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Latency {
    /// How many.
    pub count: usize,
    /// Median.
    pub p50_ms: f64,
    /// 95th percentile.
    pub p95_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// The slowest.
    pub max_ms: f64,
}

impl Latency {
    fn of(mut samples: Vec<Duration>) -> Self {
        samples.sort_unstable();
        let ms = |p: f64| percentile(&samples, p).map_or(0.0, |d| d.as_secs_f64() * 1000.0);
        Self {
            count: samples.len(),
            p50_ms: ms(50.0),
            p95_ms: ms(95.0),
            p99_ms: ms(99.0),
            max_ms: ms(100.0),
        }
    }
}

impl fmt::Display for Latency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms (n={})",
            self.p50_ms, self.p95_ms, self.p99_ms, self.max_ms, self.count
        )
    }
}

/// The hub's memory and CPU, read from `/proc` (absent where it cannot be read).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct HubUsage {
    /// Resident memory once the devices were set up, before the load, bytes.
    pub rss_before_bytes: Option<u64>,
    /// Peak resident memory during the load (`VmHWM`, reset when it
    /// started), bytes.
    pub peak_bytes: Option<u64>,
    /// Resident memory at the end of the load, bytes.
    pub rss_after_bytes: Option<u64>,
    /// CPU time the hub used during the load (all threads), seconds.
    pub cpu_seconds: Option<f64>,
    /// The same for this process (the devices), seconds.
    pub devices_cpu_seconds: Option<f64>,
}

/// The results of scenario 6.
#[derive(Clone, Debug, Serialize)]
pub struct LoadReport {
    /// The hub's program.
    pub hub: String,
    /// Its rate limit per device: requests a second...
    pub rate_per_second: f64,
    /// ...and at once.
    pub rate_burst: u32,
    /// Devices syncing at once.
    pub devices: usize,
    /// Teams they form.
    pub teams: usize,
    /// Every this many syncs, a device recorded a visit first.
    pub edit_every: u64,
    /// Creating the teams and enrolling the devices, seconds.
    pub setup_seconds: f64,
    /// The time asked for, seconds.
    pub seconds: f64,
    /// From the start to the end of the last sync, seconds.
    pub elapsed_seconds: f64,
    /// Syncs finished (with or without error).
    pub syncs: u64,
    /// Of which pushed a visit recorded just before.
    pub syncs_with_edit: u64,
    /// `syncs / elapsed_seconds`.
    pub syncs_per_second: f64,
    /// The busiest device's syncs per second.
    pub max_device_syncs_per_second: f64,
    /// One `Device::sync` each (signing, the HTTP exchange, applying what
    /// came back and saving the sync state).
    pub sync_latency: Latency,
    /// One HTTP request each, as the device's transport sees it.
    pub request_latency: Latency,
    /// HTTP requests sent.
    pub requests: u64,
    /// Request bodies, bytes.
    pub bytes_up: u64,
    /// Answer bodies, bytes.
    pub bytes_down: u64,
    /// Teammates' entries applied by the devices.
    pub entries_applied: u64,
    /// Failed syncs and rejected entries (must be 0).
    pub errors: u64,
    /// The first few error messages.
    pub error_samples: Vec<String>,
    /// The hub's memory and CPU.
    pub hub_usage: HubUsage,
}

/// A device enrolled in a team, with the case file it edits.
struct Member {
    device: Device,
    case: String,
    _dir: TempDir,
}

/// A new notebook in a temporary directory.
fn new_device(name: &str, kdf: KdfParams) -> Res<(Device, TempDir)> {
    let dir = tempfile::Builder::new()
        .prefix("carnet-bench-load-")
        .tempdir()
        .map_err(BenchError::io("cannot make a temporary directory"))?;
    let device = Device::init_with(dir.path(), PASSPHRASE, WORKER, name, kdf)?;
    Ok((device, dir))
}

/// Creates team `team` of `size` devices on the hub at `url`; each device
/// gets one demo person of its own; all sync until in step.
fn set_up_team(url: &str, team: usize, size: usize, params: &LoadParams) -> Res<Vec<Member>> {
    let (mut lead, lead_dir) = new_device(&format!("tablette {team}-0"), params.kdf)?;
    lead.create_team(url, &mut HttpTransport::new(url))?;
    let mut devices = vec![(lead, lead_dir)];
    for n in 1..size {
        let code = devices[0]
            .0
            .invite(Role::Worker, &mut HttpTransport::new(url))?
            .code;
        let (mut device, dir) = new_device(&format!("tablette {team}-{n}"), params.kdf)?;
        device.join_team(url, &code, &mut HttpTransport::new(url))?;
        devices.push((device, dir));
    }
    let mut members = Vec::new();
    for (n, (mut device, dir)) in devices.into_iter().enumerate() {
        let seed = params.seed.wrapping_add((team * size + n) as u64);
        device.demo(1, seed, Some(today()?))?;
        let case = device
            .case_ids()?
            .first()
            .map(ToString::to_string)
            .ok_or_else(|| BenchError::Scenario("a device has no case file after the demo".into()))?;
        device.sync(&mut HttpTransport::new(url))?;
        members.push(Member {
            device,
            case,
            _dir: dir,
        });
    }
    // Everyone's case file to everyone.
    for member in &mut members {
        member.device.sync(&mut HttpTransport::new(url))?;
    }
    Ok(members)
}

/// The device's transport, timed and counted.
struct Timed<T> {
    inner: T,
    took: Vec<Duration>,
    bytes_up: u64,
    bytes_down: u64,
}

impl<T: Transport> Transport for Timed<T> {
    fn post(&mut self, body: &[u8]) -> Result<Vec<u8>, TransportError> {
        let started = Instant::now();
        let answer = self.inner.post(body);
        self.took.push(started.elapsed());
        self.bytes_up += body.len() as u64;
        self.bytes_down += answer.as_ref().map_or(0, Vec::len) as u64;
        answer
    }
}

/// What one device did during the load.
#[derive(Default)]
struct Tally {
    syncs: Vec<Duration>,
    requests: Vec<Duration>,
    edits: u64,
    applied: u64,
    bytes_up: u64,
    bytes_down: u64,
    errors: Vec<String>,
}

/// Syncs `member` in a loop until `deadline`; every `edit_every`-th sync
/// (shifted by `offset`, so devices do not all edit at once) records a visit first.
fn sync_in_a_loop(
    member: &mut Member,
    url: &str,
    deadline: Instant,
    edit_every: u64,
    offset: u64,
    visits: &[VisitInput],
) -> Tally {
    let mut tally = Tally::default();
    let mut n: u64 = 0;
    while Instant::now() < deadline {
        n += 1;
        let edit = edit_every > 0 && (n + offset).is_multiple_of(edit_every);
        if edit && !visits.is_empty() {
            let visit = visits[(n as usize + offset as usize) % visits.len()].clone();
            if let Err(e) = member.device.add_visit(&member.case, visit) {
                tally.errors.push(format!("recording a visit: {e}"));
                continue;
            }
            tally.edits += 1;
        }
        let mut transport = Timed {
            inner: HttpTransport::new(url),
            took: Vec::new(),
            bytes_up: 0,
            bytes_down: 0,
        };
        let started = Instant::now();
        let result = member.device.sync(&mut transport);
        tally.syncs.push(started.elapsed());
        tally.requests.extend(transport.took);
        tally.bytes_up += transport.bytes_up;
        tally.bytes_down += transport.bytes_down;
        match result {
            Ok(report) => {
                tally.applied += report.applied as u64;
                tally
                    .errors
                    .extend(report.rejected.iter().map(|r| format!("entry rejected: {r}")));
            }
            Err(e) => tally.errors.push(format!("sync: {e}")),
        }
    }
    tally
}

/// Runs scenario 6 against a hub started from `hub`.
///
/// # Errors
/// Hub, device and I/O errors during the setup. Errors during the load are
/// counted in the report, not returned.
pub fn run(params: &LoadParams, hub: &HubProgram) -> Res<LoadReport> {
    if params.devices == 0 || params.team_size == 0 {
        return Err(BenchError::Scenario(
            "the load needs at least one device per team".into(),
        ));
    }
    let process = HubProcess::start(hub, params.rate_limit)?;
    let url = process.url().to_owned();

    // Teams are independent: set them up on as many threads as cores.
    let setup_started = Instant::now();
    let team_sizes: Vec<usize> = (0..params.devices.div_ceil(params.team_size))
        .map(|t| params.team_size.min(params.devices - t * params.team_size))
        .collect();
    let workers = thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let members = thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                let (url, sizes) = (&url, &team_sizes);
                scope.spawn(move || -> Res<Vec<Member>> {
                    let mut members = Vec::new();
                    for (team, size) in sizes.iter().enumerate().skip(w).step_by(workers) {
                        members.extend(set_up_team(url, team, *size, params)?);
                    }
                    Ok(members)
                })
            })
            .collect();
        let mut members = Vec::new();
        for handle in handles {
            let part = handle
                .join()
                .map_err(|_| BenchError::Scenario("setting up a team panicked".into()))??;
            members.extend(part);
        }
        Ok::<_, BenchError>(members)
    })?;
    let setup_seconds = setup_started.elapsed().as_secs_f64();
    let visits = demo_visits(params.seed.wrapping_add(7), 16)?;

    let rss_before_bytes = process.status_bytes("VmRSS:");
    let peak_reset = process.reset_peak_memory();
    let hub_cpu_before = process.cpu_seconds();
    let devices_cpu_before = proc_cpu_seconds("/proc/self/stat");
    let sampled_peak = AtomicU64::new(0);
    let done = AtomicBool::new(false);
    // Held while the devices' threads start; released, it lets them all go.
    let start = RwLock::new(());
    let held = start.write().unwrap_or_else(PoisonError::into_inner);
    let (tallies, elapsed) = thread::scope(|scope| {
        let (url, visits, start) = (&url, &visits, &start);
        let handles: Vec<_> = members
            .into_iter()
            .enumerate()
            .map(|(n, mut member)| {
                let edit_every = params.edit_every;
                let duration = params.duration;
                thread::Builder::new()
                    .name(format!("device-{n}"))
                    .stack_size(1 << 20)
                    .spawn_scoped(scope, move || {
                        drop(start.read().unwrap_or_else(PoisonError::into_inner));
                        let deadline = Instant::now() + duration;
                        sync_in_a_loop(&mut member, url, deadline, edit_every, n as u64, visits)
                    })
            })
            .collect();
        // Resident memory sampled as well, in case the peak cannot be reset.
        let (process, sampled_peak, done) = (&process, &sampled_peak, &done);
        scope.spawn(move || {
            while !done.load(Ordering::SeqCst) {
                if let Some(rss) = process.status_bytes("VmRSS:") {
                    sampled_peak.fetch_max(rss, Ordering::SeqCst);
                }
                thread::sleep(Duration::from_millis(200));
            }
        });
        drop(held);
        let started = Instant::now();
        let mut tallies = Vec::new();
        let mut failures = Vec::new();
        for handle in handles {
            match handle {
                Ok(handle) => match handle.join() {
                    Ok(tally) => tallies.push(tally),
                    Err(_) => failures.push("a device's thread panicked".to_owned()),
                },
                Err(e) => failures.push(format!("cannot start a device's thread: {e}")),
            }
        }
        let elapsed = started.elapsed();
        done.store(true, Ordering::SeqCst);
        if !failures.is_empty() {
            tallies.push(Tally {
                errors: failures,
                ..Tally::default()
            });
        }
        (tallies, elapsed)
    });
    let hub_usage = HubUsage {
        rss_before_bytes,
        peak_bytes: if peak_reset {
            process.status_bytes("VmHWM:")
        } else {
            Some(sampled_peak.load(Ordering::SeqCst)).filter(|b| *b > 0)
        },
        rss_after_bytes: process.status_bytes("VmRSS:"),
        cpu_seconds: process.cpu_seconds().zip(hub_cpu_before).map(|(a, b)| a - b),
        devices_cpu_seconds: proc_cpu_seconds("/proc/self/stat")
            .zip(devices_cpu_before)
            .map(|(a, b)| a - b),
    };

    let elapsed_seconds = elapsed.as_secs_f64().max(f64::EPSILON);
    let mut syncs = Vec::new();
    let mut requests = Vec::new();
    let (mut edits, mut applied, mut bytes_up, mut bytes_down) = (0, 0, 0, 0);
    let mut errors = Vec::new();
    let mut busiest = 0;
    for tally in tallies {
        busiest = busiest.max(tally.syncs.len());
        syncs.extend(tally.syncs);
        requests.extend(tally.requests);
        edits += tally.edits;
        applied += tally.applied;
        bytes_up += tally.bytes_up;
        bytes_down += tally.bytes_down;
        errors.extend(tally.errors);
    }
    let sync_count = syncs.len() as u64;
    Ok(LoadReport {
        hub: hub.to_string(),
        rate_per_second: params.rate_limit.per_second,
        rate_burst: params.rate_limit.burst,
        devices: params.devices,
        teams: team_sizes.len(),
        edit_every: params.edit_every,
        setup_seconds,
        seconds: params.duration.as_secs_f64(),
        elapsed_seconds,
        syncs: sync_count,
        syncs_with_edit: edits,
        syncs_per_second: sync_count as f64 / elapsed_seconds,
        max_device_syncs_per_second: busiest as f64 / elapsed_seconds,
        sync_latency: Latency::of(syncs),
        requests: requests.len() as u64,
        request_latency: Latency::of(requests),
        bytes_up,
        bytes_down,
        entries_applied: applied,
        errors: errors.len() as u64,
        error_samples: errors.into_iter().take(5).collect(),
        hub_usage,
    })
}

impl fmt::Display for LoadReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mbs = |b: Option<u64>| b.map_or_else(|| "?".to_owned(), |b| format!("{:.1} MB", mb(b)));
        let secs = |s: Option<f64>| s.map_or_else(|| "?".to_owned(), |s| format!("{s:.1} s"));
        writeln!(
            f,
            "Scenario 6: hub under load, {} devices in {} teams for {:.0} s (a visit every {} syncs)",
            self.devices, self.teams, self.seconds, self.edit_every
        )?;
        writeln!(
            f,
            "  hub: {} (rate limit {} requests/s, burst {}); setup {:.1} s",
            self.hub, self.rate_per_second, self.rate_burst, self.setup_seconds
        )?;
        writeln!(
            f,
            "  {} syncs in {:.1} s: {:.1} syncs/s ({} with a visit; busiest device {:.2} syncs/s)",
            self.syncs,
            self.elapsed_seconds,
            self.syncs_per_second,
            self.syncs_with_edit,
            self.max_device_syncs_per_second
        )?;
        writeln!(f, "  sync latency:    {}", self.sync_latency)?;
        writeln!(f, "  request latency: {}", self.request_latency)?;
        writeln!(
            f,
            "  {} requests, bodies up {:.1} MB down {:.1} MB; {} teammates' entries applied",
            self.requests,
            mb(self.bytes_up),
            mb(self.bytes_down),
            self.entries_applied
        )?;
        let u = &self.hub_usage;
        writeln!(
            f,
            "  hub memory: {} before, peak {}, {} after; hub CPU {} (devices: {})",
            mbs(u.rss_before_bytes),
            mbs(u.peak_bytes),
            mbs(u.rss_after_bytes),
            secs(u.cpu_seconds),
            secs(u.devices_cpu_seconds)
        )?;
        write!(f, "  errors: {}", self.errors)?;
        for sample in &self.error_samples {
            write!(f, "\n    {sample}")?;
        }
        Ok(())
    }
}

//! Timings, percentiles, the process's peak memory and the machine a run
//! was measured on.

use std::fmt;
use std::path::Path;
use std::time::{Duration, Instant};

use serde::Serialize;

/// Durations of one repeated operation.
#[derive(Clone, Debug, Default)]
pub struct Samples(Vec<Duration>);

impl Samples {
    /// No samples yet.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one.
    pub fn push(&mut self, sample: Duration) {
        self.0.push(sample);
    }

    /// Runs `f`, records how long it took and returns its result.
    pub fn time<R>(&mut self, f: impl FnOnce() -> R) -> R {
        let started = Instant::now();
        let result = f();
        self.0.push(started.elapsed());
        result
    }

    /// The samples in the order they were taken.
    #[must_use]
    pub fn all(&self) -> &[Duration] {
        &self.0
    }

    /// Count, min, p50, p95, max and mean in milliseconds.
    #[must_use]
    pub fn summary(&self) -> Summary {
        let mut sorted = self.0.clone();
        sorted.sort_unstable();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let total: Duration = sorted.iter().sum();
        Summary {
            count: sorted.len(),
            min_ms: sorted.first().map_or(0.0, |d| ms(*d)),
            p50_ms: percentile(&sorted, 50.0).map_or(0.0, ms),
            p95_ms: percentile(&sorted, 95.0).map_or(0.0, ms),
            max_ms: sorted.last().map_or(0.0, |d| ms(*d)),
            mean_ms: if sorted.is_empty() {
                0.0
            } else {
                ms(total) / sorted.len() as f64
            },
        }
    }
}

/// The nearest-rank percentile `p` (0–100) of sorted samples.
#[must_use]
pub fn percentile(sorted: &[Duration], p: f64) -> Option<Duration> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// A summary of [`Samples`], in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Summary {
    /// How many samples.
    pub count: usize,
    /// The fastest.
    pub min_ms: f64,
    /// The median (nearest rank).
    pub p50_ms: f64,
    /// The 95th percentile (nearest rank).
    pub p95_ms: f64,
    /// The slowest.
    pub max_ms: f64,
    /// The mean.
    pub mean_ms: f64,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "p50 {:.2} ms, p95 {:.2} ms (min {:.2}, max {:.2}, n={})",
            self.p50_ms, self.p95_ms, self.min_ms, self.max_ms, self.count
        )
    }
}

/// Milliseconds, for reports.
#[must_use]
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// A field of `/proc/self/status` in bytes (`VmHWM`, `VmRSS`), on Linux.
fn status_bytes(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// The peak resident memory of this process (`VmHWM`), in bytes, on Linux.
#[must_use]
pub fn peak_memory() -> Option<u64> {
    status_bytes("VmHWM:")
}

/// The resident memory of this process now (`VmRSS`), in bytes, on Linux.
#[must_use]
pub fn resident_memory() -> Option<u64> {
    status_bytes("VmRSS:")
}

/// Resets the peak to the current resident memory (Linux 4.0 and later), so
/// the peak of a phase leaves out what came before it (building the demo
/// data). Returns whether the kernel took it.
pub fn reset_peak_memory() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Megabytes (10^6 bytes), for summaries.
#[must_use]
pub fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1_000_000.0
}

/// Kilobytes (10^3 bytes), for summaries.
#[must_use]
pub fn kb(bytes: u64) -> f64 {
    bytes as f64 / 1_000.0
}

/// The machine and the moment of a run.
#[derive(Clone, Debug, Serialize)]
pub struct Machine {
    /// `model name` from /proc/cpuinfo.
    pub cpu: String,
    /// Logical cores available to this process.
    pub cores: usize,
    /// `MemTotal` from /proc/meminfo, bytes.
    pub ram_bytes: Option<u64>,
    /// The 1, 5 and 15 minute load averages when the run started (other
    /// work on the machine slows the timings down).
    pub load_at_start: Option<[f64; 3]>,
    /// The same when the report was written.
    pub load_at_end: Option<[f64; 3]>,
    /// The kernel (`/proc/sys/kernel/osrelease`).
    pub kernel: String,
    /// One small commit on the disk of the temporary directory (where the
    /// notebooks are), as the notebook commits: WAL, `synchronous = FULL`
    /// (plain SQLite, no encryption). Every save and every received entry
    /// pays at least this.
    pub disk_commit: Option<Summary>,
    /// When the run started (local time, RFC 3339).
    pub started: String,
    /// `release` or `debug`.
    pub build: &'static str,
}

impl Machine {
    /// The machine now.
    #[must_use]
    pub fn now() -> Self {
        let cpu = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|info| {
                info.lines()
                    .find(|l| l.starts_with("model name"))
                    .and_then(|l| l.split_once(':'))
                    .map(|(_, model)| model.trim().to_owned())
            })
            .unwrap_or_else(|| "unknown".into());
        let ram_bytes = std::fs::read_to_string("/proc/meminfo").ok().and_then(|info| {
            let line = info.lines().find(|l| l.starts_with("MemTotal:"))?;
            let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(kib * 1024)
        });
        Self {
            cpu,
            cores: std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get),
            ram_bytes,
            load_at_start: load_average(),
            load_at_end: None,
            kernel: read_trimmed(Path::new("/proc/sys/kernel/osrelease")),
            disk_commit: commit_latency(50),
            started: chrono::Local::now().to_rfc3339(),
            build: if cfg!(debug_assertions) {
                "debug"
            } else {
                "release"
            },
        }
    }

    /// Records the load at the end of the run.
    pub fn finish(&mut self) {
        self.load_at_end = load_average();
    }
}

impl fmt::Display for Machine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let load = |l: Option<[f64; 3]>| {
            l.map_or_else(|| "?".to_owned(), |[a, b, c]| format!("{a:.2} {b:.2} {c:.2}"))
        };
        write!(
            f,
            "{} ({} cores), {:.1} GB RAM, Linux {}, {} build, started {}, load {} -> {}",
            self.cpu,
            self.cores,
            self.ram_bytes.map_or(0.0, |b| b as f64 / 1e9),
            self.kernel,
            self.build,
            self.started,
            load(self.load_at_start),
            load(self.load_at_end)
        )?;
        if let Some(commit) = &self.disk_commit {
            write!(f, "\n  one durable SQLite commit on this disk: {commit}")?;
        }
        Ok(())
    }
}

/// Times `commits` one-row transactions in a WAL database with
/// `synchronous = FULL` in a temporary directory.
fn commit_latency(commits: usize) -> Option<Summary> {
    let dir = tempfile::Builder::new()
        .prefix("carnet-bench-disk-")
        .tempdir()
        .ok()?;
    let conn = rusqlite::Connection::open(dir.path().join("probe.db")).ok()?;
    conn.pragma_update(None, "journal_mode", "WAL").ok()?;
    conn.pragma_update(None, "synchronous", "FULL").ok()?;
    conn.execute_batch("CREATE TABLE t (v BLOB)").ok()?;
    let mut samples = Samples::new();
    for _ in 0..commits {
        samples
            .time(|| conn.execute("INSERT INTO t (v) VALUES (zeroblob(1000))", []))
            .ok()?;
    }
    Some(samples.summary())
}

fn read_trimmed(path: &Path) -> String {
    std::fs::read_to_string(path)
        .map(|s| s.trim().to_owned())
        .unwrap_or_default()
}

/// The load averages from /proc/loadavg.
#[must_use]
pub fn load_average() -> Option<[f64; 3]> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    let mut fields = text.split_whitespace().map(str::parse::<f64>);
    Some([fields.next()?.ok()?, fields.next()?.ok()?, fields.next()?.ok()?])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let sorted: Vec<Duration> = (1..=20).map(Duration::from_millis).collect();
        let cases = [(50.0, 10), (95.0, 19), (100.0, 20), (0.0, 1), (1.0, 1)];
        for (p, expected) in cases {
            assert_eq!(
                percentile(&sorted, p),
                Some(Duration::from_millis(expected)),
                "p{p}"
            );
        }
        assert_eq!(percentile(&[], 50.0), None);
    }

    #[test]
    fn a_summary_is_in_milliseconds() {
        let mut samples = Samples::new();
        for ms in [4, 1, 3, 2] {
            samples.push(Duration::from_millis(ms));
        }
        let summary = samples.summary();
        assert_eq!(summary.count, 4);
        assert!((summary.p50_ms - 2.0).abs() < 1e-9);
        assert!((summary.max_ms - 4.0).abs() < 1e-9);
        assert!((summary.mean_ms - 2.5).abs() < 1e-9);
    }
}

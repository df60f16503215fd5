//! Scenario 1, `caseload`: one device with a large caseload. A cold start
//! (open the notebook with its passphrase, then the first page of the
//! caseload list, as the app's `caseload` command reads it), search, opening
//! a case file with many visits, saving visits, the database's size against
//! the raw text it holds, and the process's peak memory.

use std::fmt;
use std::path::Path;
use std::time::{Duration, Instant};

use argon2::{Algorithm, Argon2, Params, Version};
use carnet_core::{CaseId, NewPerson};
use carnet_device::Device;
use carnet_store::{CaseloadFilter, KdfParams};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::error::{BenchError, Res};
use crate::measure::{Samples, Summary, kb, mb, ms, peak_memory, reset_peak_memory, resident_memory};
use crate::notebook::{DemoNotebook, PASSPHRASE, demo_visits};

/// What to run.
#[derive(Clone, Debug)]
pub struct CaseloadParams {
    /// Key-derivation costs of the notebook ([`KdfParams::DEVICE`] for real numbers).
    pub kdf: KdfParams,
    /// Visits of the one large case file made for the scenario.
    pub heavy_visits: usize,
    /// Visits saved into that case file once it has `heavy_visits`.
    pub heavy_saves: usize,
    /// Visits saved into ordinary case files, one each.
    pub ordinary_saves: usize,
    /// Times each search runs.
    pub search_repeats: usize,
    /// Times the notebook is opened cold.
    pub cold_starts: usize,
    /// Times the large case file is opened.
    pub open_repeats: usize,
    /// Rows of the first page (the app's caseload screen asks for 60).
    pub page_size: u32,
}

impl CaseloadParams {
    /// The full scenario: a case file of 200 visits, 100 saves into it, 200
    /// saves into ordinary case files.
    #[must_use]
    pub fn full() -> Self {
        Self {
            kdf: KdfParams::DEVICE,
            heavy_visits: 200,
            heavy_saves: 100,
            ordinary_saves: 200,
            search_repeats: 20,
            cold_starts: 5,
            open_repeats: 20,
            page_size: 60,
        }
    }
}

/// The searches run: a name, a commune, words of notes, a prefix.
pub const QUERIES: &[&str] = &[
    "Martin",
    "Aubusson",
    "chauffage",
    "dentiste covoiturage",
    "loge",
    "mdph",
];

/// One cold start.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct ColdRun {
    /// Argon2id alone, measured just before this run.
    pub key_derivation_ms: f64,
    /// Opening the notebook: key derivation, SQLCipher keying, migrations check.
    pub open_ms: f64,
    /// The first page of the caseload list (count and rows).
    pub first_page_ms: f64,
    /// Both.
    pub total_ms: f64,
}

/// Cold starts.
#[derive(Clone, Debug, Serialize)]
pub struct ColdStart {
    /// Each run, in order (the first is the coldest: the file cache may still
    /// hold the database from the preparation; it is not dropped).
    pub runs: Vec<ColdRun>,
    /// Open + first page.
    pub total: Summary,
    /// Opening alone.
    pub open: Summary,
    /// The first page alone.
    pub first_page: Summary,
    /// Open + first page less the key derivation measured just before (the
    /// cost of a cold start beyond the deliberate cost of Argon2id).
    pub beyond_key_derivation: Summary,
    /// Argon2id with the notebook's parameters, measured on its own.
    pub key_derivation: Summary,
    /// Those parameters.
    pub kdf: KdfParams,
    /// Rows on the first page.
    pub rows: usize,
    /// The caseload's count, read with the page as the app does.
    pub count: u64,
}

/// One search.
#[derive(Clone, Debug, Serialize)]
pub struct SearchTiming {
    /// The query.
    pub query: String,
    /// Case files found (at most 2,000, the app's limit).
    pub hits: usize,
    /// Its latency.
    pub latency: Summary,
}

/// The database against the text it holds.
#[derive(Clone, Debug, Serialize)]
pub struct Sizes {
    /// The notebook's files (`carnet.db` and any WAL left), bytes.
    pub database_bytes: u64,
    /// UTF-8 bytes of every text of every case file (names, communes,
    /// phones, situations, notes, places, topics, procedures, tasks, dates,
    /// kinds…), ids left out.
    pub text_bytes: u64,
    /// Of which visit notes.
    pub note_bytes: u64,
    /// The case files as JSON (ids and structure included), bytes.
    pub json_bytes: u64,
    /// `database_bytes / text_bytes`.
    pub ratio_to_text: f64,
    /// Case files.
    pub case_files: usize,
    /// Visits in them.
    pub visits: usize,
}

/// The results of scenario 1.
#[derive(Clone, Debug, Serialize)]
pub struct CaseloadReport {
    /// Demo people (the scenario adds one large case file).
    pub people: usize,
    /// The demo seed.
    pub seed: u64,
    /// Building the demo notebook, seconds (0 when it came from the cache).
    pub notebook_built_s: f64,
    /// Cold starts.
    pub cold_start: ColdStart,
    /// Each search.
    pub searches: Vec<SearchTiming>,
    /// All searches together.
    pub search_all: Summary,
    /// Visits of the large case file.
    pub heavy_visits: usize,
    /// Opening it (load the document, build the view and conflicts), the
    /// first time after the cold start.
    pub open_heavy_first_ms: f64,
    /// Opening it again.
    pub open_heavy: Summary,
    /// Saving visits into the large case file while it was built (from 0 to
    /// `heavy_visits` visits).
    pub save_growing: Summary,
    /// Saving visits into it once it has `heavy_visits`.
    pub save_heavy: Summary,
    /// Saving one visit into each of many ordinary case files, each opened
    /// first (untimed), as the app writes a visit from the case file's screen.
    pub save_ordinary: Summary,
    /// The same into case files not opened first (as `carnet visit add`
    /// does): the save reads the document too.
    pub save_ordinary_unopened: Summary,
    /// The idle work after each of those saves (merging the search index,
    /// checkpointing the log), as the app's background loop does it between
    /// saves; not part of the saves' times.
    pub idle_work: Summary,
    /// Sizes.
    pub sizes: Sizes,
    /// Peak resident memory (`VmHWM`) during the cold starts, searches, opens
    /// and saves, bytes.
    pub peak_memory_bytes: Option<u64>,
    /// Whether the peak could be reset after building the data (otherwise it
    /// includes building the demo notebook).
    pub peak_memory_reset: bool,
    /// Resident memory at the end of those, bytes.
    pub resident_memory_bytes: Option<u64>,
}

/// Runs scenario 1 on a copy of `notebook`.
///
/// # Errors
/// Device, store and I/O errors.
pub fn run(notebook: &DemoNotebook, params: &CaseloadParams) -> Res<CaseloadReport> {
    let copy = notebook.copy()?;
    let dir = copy.path();
    let pool = demo_visits(
        notebook.seed().wrapping_add(1),
        params.heavy_visits + params.heavy_saves + 2 * params.ordinary_saves,
    )?;
    let mut pool = pool.into_iter().cycle();
    let mut next_visit = move || pool.next().unwrap_or_default();

    // One person followed for a long time.
    let mut device = Device::open(dir, PASSPHRASE)?;
    let heavy = device
        .add_person(NewPerson {
            name: "Gisèle Chassagne".into(),
            birth_year: Some(1951),
            commune: "Felletin".into(),
            phone: "06 12 34 56 78".into(),
            situation: "Vit seule dans une maison isolée ; suivie depuis plusieurs années.".into(),
        })?
        .id;
    let heavy_ref = heavy.to_string();
    // The app's background loop merges the search index and checkpoints
    // the notebook's log between saves; so does the run, untimed in the
    // save and timed on its own.
    let mut idle_work = Samples::new();
    let mut save_growing = Samples::new();
    for _ in 0..params.heavy_visits {
        let visit = next_visit();
        save_growing.time(|| device.add_visit(&heavy_ref, visit))?;
        idle_work.time(|| device.store().tidy(Duration::ZERO))?;
    }
    drop(device);

    let peak_memory_reset = reset_peak_memory();
    let cold_start = cold_starts(dir, params)?;
    let mut device = Device::open(dir, PASSPHRASE)?;

    let mut searches = Vec::new();
    let mut search_all = Samples::new();
    for query in QUERIES {
        let mut latency = Samples::new();
        let mut hits = 0;
        for _ in 0..params.search_repeats {
            let started = Instant::now();
            hits = device.search(query, 2_000)?.len();
            let took = started.elapsed();
            latency.push(took);
            search_all.push(took);
        }
        searches.push(SearchTiming {
            query: (*query).to_owned(),
            hits,
            latency: latency.summary(),
        });
    }

    let mut open_heavy = Samples::new();
    for _ in 0..params.open_repeats.max(1) {
        let detail = open_heavy.time(|| device.show(&heavy_ref))?;
        if detail.case.visits.len() != params.heavy_visits {
            return Err(BenchError::Scenario(format!(
                "the large case file has {} visits, not {}",
                detail.case.visits.len(),
                params.heavy_visits
            )));
        }
    }
    let open_heavy_first_ms = open_heavy.all().first().map_or(0.0, |d| ms(*d));

    let mut save_heavy = Samples::new();
    for _ in 0..params.heavy_saves {
        let visit = next_visit();
        save_heavy.time(|| device.add_visit(&heavy_ref, visit))?;
        idle_work.time(|| device.store().tidy(Duration::ZERO))?;
    }
    let mut ordinary: Vec<CaseId> = device.case_ids()?.into_iter().filter(|id| *id != heavy).collect();
    ordinary.shuffle(&mut ChaCha8Rng::seed_from_u64(notebook.seed()));
    let mut save_ordinary = Samples::new();
    let mut save_ordinary_unopened = Samples::new();
    let mut cases = ordinary.iter().cycle();
    for _ in 0..params.ordinary_saves {
        if let Some(id) = cases.next() {
            let (case, visit) = (id.to_string(), next_visit());
            device.show(&case)?;
            save_ordinary.time(|| device.add_visit(&case, visit))?;
            idle_work.time(|| device.store().tidy(Duration::ZERO))?;
        }
        if let Some(id) = cases.next() {
            let (case, visit) = (id.to_string(), next_visit());
            save_ordinary_unopened.time(|| device.add_visit(&case, visit))?;
            idle_work.time(|| device.store().tidy(Duration::ZERO))?;
        }
    }
    let peak_memory_bytes = peak_memory();
    let resident_memory_bytes = resident_memory();
    drop(device);

    let sizes = sizes(dir)?;
    Ok(CaseloadReport {
        people: notebook.people(),
        seed: notebook.seed(),
        notebook_built_s: notebook.built_in.as_secs_f64(),
        cold_start,
        searches,
        search_all: search_all.summary(),
        heavy_visits: params.heavy_visits,
        open_heavy_first_ms,
        open_heavy: open_heavy.summary(),
        save_growing: save_growing.summary(),
        save_heavy: save_heavy.summary(),
        save_ordinary: save_ordinary.summary(),
        save_ordinary_unopened: save_ordinary_unopened.summary(),
        idle_work: idle_work.summary(),
        sizes,
        peak_memory_bytes,
        peak_memory_reset,
        resident_memory_bytes,
    })
}

/// Opens the notebook and reads the first page, `params.cold_starts` times;
/// then times the key derivation alone.
fn cold_starts(dir: &Path, params: &CaseloadParams) -> Res<ColdStart> {
    let filter = CaseloadFilter {
        limit: Some(params.page_size),
        ..CaseloadFilter::default()
    };
    let (mut runs, mut open, mut first_page, mut total, mut beyond) = (
        Vec::new(),
        Samples::new(),
        Samples::new(),
        Samples::new(),
        Samples::new(),
    );
    let (mut rows, mut count) = (0, 0);
    let (kdf, argon) = notebook_kdf(dir)?;
    let mut key_derivation = Samples::new();
    let mut key = [0u8; 32];
    for _ in 0..params.cold_starts.max(1) {
        // The key derivation alone, just before each open, so both see the
        // same load on the machine.
        let derived = Instant::now();
        argon
            .derive(&mut key)
            .map_err(|e| BenchError::Scenario(e.to_string()))?;
        let kdf_took = derived.elapsed();
        key_derivation.push(kdf_took);
        let started = Instant::now();
        let device = Device::open(dir, PASSPHRASE)?;
        let opened = Instant::now();
        // What the app's `caseload` command does for the first screen.
        count = device.store().caseload_count(&filter)?;
        rows = device.list(&filter)?.len();
        let done = Instant::now();
        drop(device);
        let run = ColdRun {
            key_derivation_ms: ms(kdf_took),
            open_ms: ms(opened - started),
            first_page_ms: ms(done - opened),
            total_ms: ms(done - started),
        };
        open.push(opened - started);
        first_page.push(done - opened);
        total.push(done - started);
        beyond.push((done - started).saturating_sub(kdf_took));
        runs.push(run);
    }
    Ok(ColdStart {
        runs,
        total: total.summary(),
        open: open.summary(),
        first_page: first_page.summary(),
        beyond_key_derivation: beyond.summary(),
        key_derivation: key_derivation.summary(),
        kdf,
        rows,
        count,
    })
}

/// Argon2id with the parameters and salt of a notebook's `carnet.key`
/// (format 1), as opening it derives its key.
struct NotebookKdf {
    argon: Argon2<'static>,
    salt: Vec<u8>,
}

impl NotebookKdf {
    fn derive(&self, key: &mut [u8; 32]) -> Result<(), argon2::Error> {
        self.argon
            .hash_password_into(PASSPHRASE.as_bytes(), &self.salt, key)
    }
}

/// Reads the notebook's key-derivation parameters.
fn notebook_kdf(dir: &Path) -> Res<(KdfParams, NotebookKdf)> {
    let path = dir.join("carnet.key");
    let text = std::fs::read(&path).map_err(BenchError::io_at("read", &path))?;
    let json: serde_json::Value =
        serde_json::from_slice(&text).map_err(|e| BenchError::Scenario(format!("carnet.key: {e}")))?;
    let number = |field: &str| {
        json[field]
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| BenchError::Scenario(format!("carnet.key has no {field}")))
    };
    let kdf = KdfParams {
        m_kib: number("m_kib")?,
        t: number("t")?,
        p: number("p")?,
    };
    let salt = json["salt"]
        .as_str()
        .and_then(|s| hex::decode(s).ok())
        .ok_or_else(|| BenchError::Scenario("carnet.key has no salt".into()))?;
    let argon = Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(kdf.m_kib, kdf.t, kdf.p, Some(32)).map_err(|e| BenchError::Scenario(e.to_string()))?,
    );
    Ok((kdf, NotebookKdf { argon, salt }))
}

/// The notebook's size on disk and the text its case files hold.
fn sizes(dir: &Path) -> Res<Sizes> {
    let mut database_bytes = 0;
    for entry in std::fs::read_dir(dir).map_err(BenchError::io_at("read", dir))? {
        let entry = entry.map_err(BenchError::io_at("read", dir))?;
        let name = entry.file_name();
        if name.to_string_lossy().starts_with("carnet.db") {
            database_bytes += entry.metadata().map_err(BenchError::io_at("read", dir))?.len();
        }
    }
    let device = Device::open(dir, PASSPHRASE)?;
    let (mut text_bytes, mut note_bytes, mut json_bytes, mut visits) = (0, 0, 0, 0);
    let ids = device.case_ids()?;
    for id in &ids {
        let case = device.show(&id.to_string())?.case;
        visits += case.visits.len();
        note_bytes += case.visits.iter().map(|v| v.note.len() as u64).sum::<u64>();
        let json = serde_json::to_value(&case).map_err(|e| BenchError::Scenario(e.to_string()))?;
        text_bytes += text_in(&json, false);
        json_bytes += serde_json::to_vec(&json).map_or(0, |v| v.len() as u64);
    }
    Ok(Sizes {
        database_bytes,
        text_bytes,
        note_bytes,
        json_bytes,
        ratio_to_text: database_bytes as f64 / text_bytes.max(1) as f64,
        case_files: ids.len(),
        visits,
    })
}

/// UTF-8 bytes of the strings in `value`, leaving out the values of `id` keys.
fn text_in(value: &serde_json::Value, is_id: bool) -> u64 {
    match value {
        serde_json::Value::String(s) if !is_id => s.len() as u64,
        serde_json::Value::Array(items) => items.iter().map(|v| text_in(v, false)).sum(),
        serde_json::Value::Object(fields) => fields.iter().map(|(k, v)| text_in(v, k == "id")).sum(),
        _ => 0,
    }
}

impl fmt::Display for CaseloadReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.cold_start;
        writeln!(
            f,
            "Scenario 1: caseload of {} people (seed {})",
            self.people, self.seed
        )?;
        writeln!(
            f,
            "  cold start (open + first page of {} rows): {}",
            c.rows, c.total
        )?;
        if let Some(first) = c.runs.first() {
            writeln!(
                f,
                "    first run: {:.1} ms (open {:.1} ms + first page {:.2} ms)",
                first.total_ms, first.open_ms, first.first_page_ms
            )?;
        }
        writeln!(f, "    open: {}", c.open)?;
        writeln!(
            f,
            "    of which key derivation (Argon2id {} MiB, t={}, p={}): {}",
            c.kdf.m_kib / 1024,
            c.kdf.t,
            c.kdf.p,
            c.key_derivation
        )?;
        writeln!(f, "    first page: {}", c.first_page)?;
        writeln!(
            f,
            "    open + first page beyond the key derivation: {}",
            c.beyond_key_derivation
        )?;
        writeln!(f, "  search (all queries): {}", self.search_all)?;
        for s in &self.searches {
            writeln!(f, "    {:?} ({} hits): {}", s.query, s.hits, s.latency)?;
        }
        writeln!(
            f,
            "  open a case file of {} visits: first {:.1} ms, then {}",
            self.heavy_visits, self.open_heavy_first_ms, self.open_heavy
        )?;
        writeln!(
            f,
            "  save a visit, ordinary case files, opened first: {}",
            self.save_ordinary
        )?;
        writeln!(
            f,
            "  save a visit, ordinary case files, not opened: {}",
            self.save_ordinary_unopened
        )?;
        writeln!(
            f,
            "  save a visit, case file of {}+ visits: {}",
            self.heavy_visits, self.save_heavy
        )?;
        writeln!(
            f,
            "  save a visit, case file growing to {}: {}",
            self.heavy_visits, self.save_growing
        )?;
        writeln!(
            f,
            "  idle work after each save (index merge, checkpoint): {}",
            self.idle_work
        )?;
        let s = &self.sizes;
        writeln!(
            f,
            "  database {:.1} MB for {:.1} MB of text ({:.1} MB of notes; {:.1} MB as JSON): {:.2} x the text",
            mb(s.database_bytes),
            mb(s.text_bytes),
            mb(s.note_bytes),
            mb(s.json_bytes),
            s.ratio_to_text
        )?;
        writeln!(
            f,
            "    {} case files, {} visits, {:.2} KB of text per case file",
            s.case_files,
            s.visits,
            kb(s.text_bytes) / s.case_files.max(1) as f64
        )?;
        write!(
            f,
            "  peak memory (VmHWM{}): {:.0} MB, resident at the end {:.0} MB",
            if self.peak_memory_reset {
                ", reset after building the data"
            } else {
                ", including building the data"
            },
            self.peak_memory_bytes.map_or(0.0, mb),
            self.resident_memory_bytes.map_or(0.0, mb)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_leaves_out_ids_and_counts_utf8_bytes() {
        let json = serde_json::json!({
            "id": "0f0e",
            "person": { "name": "Hélène", "birth_year": 1950 },
            "visits": [{ "id": "aa", "note": "été", "topics": ["RSA"] }]
        });
        // "Hélène", "été" and "RSA": 8 + 5 + 3 bytes of UTF-8.
        assert_eq!(text_in(&json, false), 16);
    }
}

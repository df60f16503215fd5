//! Notebooks filled with demo data (`carnet demo`), made once per run (or
//! kept in a cache directory between runs) and copied for each scenario.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use carnet_core::{Day, DeviceId, Writer};
use carnet_device::{DemoSpec, Device, VisitInput, build_demo};
use carnet_store::KdfParams;
use tempfile::TempDir;

use crate::error::{BenchError, Res};

/// The passphrase of every benchmark notebook.
pub const PASSPHRASE: &str = "bench passphrase";

/// The day demo data is built around, fixed so a seed always gives the same
/// caseload.
pub const TODAY: &str = "2025-10-06";

/// The worker of the notebooks made here.
pub const WORKER: &str = "Camille Durand";

/// The day the demo data is built around.
///
/// # Errors
/// Never in practice: [`TODAY`] is a valid date.
pub fn today() -> Res<Day> {
    Day::parse(TODAY).map_err(|e| BenchError::Scenario(e.to_string()))
}

/// A notebook holding `people` demo people, to copy from.
#[derive(Debug)]
pub struct DemoNotebook {
    dir: PathBuf,
    people: usize,
    seed: u64,
    /// How long building it took (zero when it came from the cache).
    pub built_in: Duration,
    _temp: Option<TempDir>,
}

impl DemoNotebook {
    /// Builds the notebook, or takes it from `cache` when a notebook of the
    /// same size, seed, day and key-derivation costs is there. A notebook
    /// being built goes to a `.partial` directory first, so an interrupted
    /// run leaves nothing that looks finished.
    ///
    /// # Errors
    /// Device and I/O errors.
    pub fn prepare(people: usize, seed: u64, kdf: KdfParams, cache: Option<&Path>) -> Res<Self> {
        let name = format!(
            "demo-{people}-seed{seed}-{TODAY}-argon2-m{}-t{}-p{}",
            kdf.m_kib, kdf.t, kdf.p
        );
        let (dir, temp) = match cache {
            Some(cache) => (cache.join(&name), None),
            None => {
                let temp = tempfile::Builder::new()
                    .prefix("carnet-bench-demo-")
                    .tempdir()
                    .map_err(BenchError::io("cannot make a temporary directory"))?;
                (temp.path().join(&name), Some(temp))
            }
        };
        if dir.join("carnet.db").exists() {
            return Ok(Self {
                dir,
                people,
                seed,
                built_in: Duration::ZERO,
                _temp: temp,
            });
        }
        let partial = dir.with_extension("partial");
        if partial.exists() {
            fs::remove_dir_all(&partial).map_err(BenchError::io_at("remove", &partial))?;
        }
        let started = Instant::now();
        {
            let mut device = Device::init_with(&partial, PASSPHRASE, WORKER, "tablette de référence", kdf)?;
            device.demo(people, seed, Some(today()?))?;
        }
        fs::rename(&partial, &dir).map_err(BenchError::io_at("rename the notebook to", &dir))?;
        Ok(Self {
            dir,
            people,
            seed,
            built_in: started.elapsed(),
            _temp: temp,
        })
    }

    /// How many people it holds.
    #[must_use]
    pub fn people(&self) -> usize {
        self.people
    }

    /// The seed it was built from.
    #[must_use]
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Copies the notebook into `dir` (created), ready to open with
    /// [`PASSPHRASE`]. The copy is the same device as the original: give
    /// each copy its own hub.
    ///
    /// # Errors
    /// I/O errors.
    pub fn copy_to(&self, dir: &Path) -> Res<()> {
        fs::create_dir_all(dir).map_err(BenchError::io_at("create", dir))?;
        for entry in fs::read_dir(&self.dir).map_err(BenchError::io_at("read", &self.dir))? {
            let entry = entry.map_err(BenchError::io_at("read", &self.dir))?;
            let from = entry.path();
            if from.is_file() {
                let to = dir.join(entry.file_name());
                fs::copy(&from, &to).map_err(BenchError::io_at("copy the notebook to", &to))?;
            }
        }
        Ok(())
    }

    /// A fresh copy in a temporary directory.
    ///
    /// # Errors
    /// I/O errors.
    pub fn copy(&self) -> Res<TempDir> {
        let temp = tempfile::Builder::new()
            .prefix("carnet-bench-notebook-")
            .tempdir()
            .map_err(BenchError::io("cannot make a temporary directory"))?;
        self.copy_to(temp.path())?;
        Ok(temp)
    }
}

/// `count` new visits with realistic content: the last visit of each person
/// of a demo caseload built from `seed` (use another seed than the
/// notebook's, so the content is new). Their time is left to the device's
/// clock.
///
/// # Errors
/// Demo data errors.
pub fn demo_visits(seed: u64, count: usize) -> Res<Vec<VisitInput>> {
    let spec = DemoSpec {
        people: count,
        seed,
        today: today()?,
        workers: vec![WORKER.to_owned()],
    };
    let writer = Writer {
        device: DeviceId::random(),
        session: 0,
    };
    let files = build_demo(&spec, writer).map_err(|e| BenchError::Scenario(e.to_string()))?;
    Ok(files
        .into_iter()
        .filter_map(|file| file.view().visits.pop())
        .map(|visit| VisitInput {
            at: None,
            place: visit.place,
            kind: Some(visit.kind),
            present: visit.present,
            topics: visit.topics,
            duration_min: visit.duration_min,
            note: visit.note,
        })
        .collect())
}

//! Shared helpers for Carnet's cross-crate stories: where the built binaries
//! are, a `carnet` command runner bound to one data directory, and devices
//! opened in-process with cheap key derivation.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use carnet_device::Device;
use carnet_store::KdfParams;

/// The passphrase every test notebook uses.
pub const PASSPHRASE: &str = "test passphrase";

/// The directory holding the workspace's built binaries (`target/debug`).
///
/// # Panics
/// When the test binary is not inside a cargo target directory.
#[must_use]
pub fn bin_dir() -> PathBuf {
    // Test binaries live in target/<profile>/deps; binaries one level up.
    let exe = std::env::current_exe().expect("the test binary has a path");
    let deps = exe.parent().expect("the test binary is in a directory");
    if deps.ends_with("deps") {
        deps.parent().expect("deps has a parent").to_owned()
    } else {
        deps.to_owned()
    }
}

/// The path of a workspace binary, checked to exist.
///
/// # Panics
/// When the binary was not built (`cargo build --workspace --bins` first).
#[must_use]
pub fn bin(name: &str) -> PathBuf {
    let path = bin_dir().join(name);
    assert!(
        path.exists(),
        "{} is not built; run `cargo build --workspace --bins` first",
        path.display()
    );
    path
}

/// The `carnet` command line bound to one device's data directory.
#[derive(Debug, Clone)]
pub struct Carnet {
    /// The data directory.
    pub data: PathBuf,
}

impl Carnet {
    /// A runner for `data` (the notebook may not exist yet).
    #[must_use]
    pub fn new(data: &Path) -> Self {
        Self {
            data: data.to_owned(),
        }
    }

    /// A command with the data directory and passphrase set.
    #[must_use]
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(bin("carnet"));
        cmd.env("CARNET_DATA", &self.data)
            .env("CARNET_PASSPHRASE", PASSPHRASE)
            .env_remove("XDG_DATA_HOME")
            .stdin(Stdio::null());
        cmd
    }

    /// Runs `carnet ARGS` and returns what happened.
    ///
    /// # Panics
    /// When the binary cannot be started.
    #[must_use]
    pub fn run(&self, args: &[&str]) -> Output {
        self.command().args(args).output().expect("carnet starts")
    }

    /// Runs `carnet --json ARGS`, asserts it succeeded, and parses its output.
    ///
    /// # Panics
    /// When the command fails or prints something that is not JSON.
    #[must_use]
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let out = self.run(&all);
        assert!(
            out.status.success(),
            "carnet {args:?} failed: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "carnet {args:?} printed no JSON ({e}): {}",
                String::from_utf8_lossy(&out.stdout)
            )
        })
    }

    /// Creates the notebook for `worker`.
    ///
    /// # Panics
    /// When `carnet init` fails.
    pub fn init(&self, worker: &str) {
        let _ = self.json(&[
            "init",
            "--worker",
            worker,
            "--device-name",
            &format!("tablette {worker}"),
        ]);
    }
}

/// A notebook opened in this process, with cheap key derivation.
///
/// # Panics
/// When it cannot be created.
#[must_use]
pub fn device(dir: &Path, worker: &str) -> Device {
    Device::init_with(dir, PASSPHRASE, worker, "test", KdfParams::INSECURE_FOR_TESTS)
        .expect("a test notebook")
}

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

/// A real `carnet-hub` process on a port the OS picked, stopped when dropped.
#[derive(Debug)]
pub struct HubProcess {
    child: std::process::Child,
    /// Its address, `http://127.0.0.1:PORT`.
    pub url: String,
    /// Its data directory.
    pub data: PathBuf,
}

impl HubProcess {
    /// Starts the hub on `data` and waits until it listens.
    ///
    /// # Panics
    /// When the hub does not start.
    #[must_use]
    pub fn start(data: &Path) -> Self {
        Self::start_on(data, "127.0.0.1:0")
    }

    /// Starts the hub on `data` listening on `listen` (`127.0.0.1:PORT`).
    ///
    /// # Panics
    /// When the hub does not start.
    #[must_use]
    pub fn start_on(data: &Path, listen: &str) -> Self {
        use std::io::BufRead;
        let mut child = Command::new(bin("carnet-hub"))
            .args(["serve", "--data"])
            .arg(data)
            .args(["--listen", listen])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("carnet-hub starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the hub says where it listens");
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .expect("a `listening on` line")
            .to_owned();
        Self {
            child,
            url,
            data: data.to_owned(),
        }
    }

    /// Stops the hub at once (SIGKILL) and waits for it.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for HubProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Every byte of every file under `dir`, for privacy checks.
///
/// # Panics
/// When the directory cannot be read.
#[must_use]
pub fn all_bytes(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            for entry in std::fs::read_dir(&path).expect("readable directory") {
                stack.push(entry.expect("a directory entry").path());
            }
        } else if let Ok(bytes) = std::fs::read(&path) {
            out.push((path, bytes));
        }
    }
    out
}

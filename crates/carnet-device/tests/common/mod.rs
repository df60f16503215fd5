//! What the command-line tests share: running the real `carnet` binary on a
//! notebook, as a script would.

use std::path::Path;
use std::process::{Command, Output};

/// The passphrase of the test notebooks.
pub const PASSPHRASE: &str = "passphrase";

/// Runs `carnet ARGS` on the notebook in `dir`, in UTC.
///
/// # Panics
/// When the binary cannot be started.
#[allow(clippy::expect_used)]
pub fn carnet(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_carnet"))
        .args(args)
        .env("CARNET_DATA", dir)
        .env("CARNET_PASSPHRASE", PASSPHRASE)
        .env("TZ", "UTC")
        .output()
        .expect("the carnet binary runs")
}

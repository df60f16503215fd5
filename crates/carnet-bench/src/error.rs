//! The one error type of the benchmark scenarios.

use std::path::Path;

use carnet_device::DeviceError;
use carnet_hub::HubError;
use carnet_store::StoreError;

/// Why a scenario could not run to its end.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// The device refused or failed (its message says what to do).
    #[error(transparent)]
    Device(#[from] DeviceError),
    /// The notebook could not be read or written.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The hub could not start.
    #[error("the hub could not start: {0}")]
    Hub(#[from] HubError),
    /// A file or socket operation failed.
    #[error("{what}: {source}")]
    Io {
        /// What was being done, and on which path.
        what: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The scenario ended in a state it cannot measure (a sync that left
    /// work pending, a device missing case files…).
    #[error("the scenario cannot go on: {0}")]
    Scenario(String),
}

impl BenchError {
    /// An I/O error while doing `what`.
    pub(crate) fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> Self {
        let what = what.into();
        move |source| Self::Io { what, source }
    }

    /// An I/O error on `path` while doing `what`.
    pub(crate) fn io_at(what: &str, path: &Path) -> impl FnOnce(std::io::Error) -> Self {
        Self::io(format!("cannot {what} {}", path.display()))
    }
}

/// What the scenarios return.
pub type Res<T> = Result<T, BenchError>;

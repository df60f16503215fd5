use carnet_core::CoreError;
use carnet_store::StoreError;
use serde::Serialize;
use thiserror::Error;
use ts_rs::TS;

/// Everything the device API can refuse, for the CLI, the app and browser mode.
#[derive(Debug, Error)]
pub enum DeviceError {
    /// From the database.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A file to import or export could not be read or written.
    #[error("{path}: {source}")]
    File {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The hub could not be reached or refused.
    #[error("{message}")]
    Sync {
        /// What happened, in words.
        message: String,
        /// Whether trying later could work.
        retryable: bool,
    },
    /// Input the user gave is not usable.
    #[error("{0}")]
    Input(String),
    /// The case file did not exist yet at the date asked for.
    #[error(
        "case file {id} was not found at that date: it did not exist yet; choose a later date (`carnet history` shows when it was opened)"
    )]
    NotFoundAtDate {
        /// The case file.
        id: String,
    },
}

impl From<CoreError> for DeviceError {
    fn from(e: CoreError) -> Self {
        DeviceError::Store(StoreError::Core(e))
    }
}

impl DeviceError {
    /// A stable machine-readable kind the UI and scripts can branch on.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            DeviceError::Store(e) => e.kind(),
            DeviceError::File { .. } => "io",
            DeviceError::Input(_) => "invalid_input",
            DeviceError::NotFoundAtDate { .. } => "not_found",
            DeviceError::Sync { retryable: true, .. } => "offline",
            DeviceError::Sync { retryable: false, .. } => "refused",
        }
    }

    /// The error as it reaches a user interface: `{kind, message}`.
    #[must_use]
    pub fn to_api(&self) -> ApiError {
        ApiError {
            kind: self.kind().to_owned(),
            message: self.to_string(),
        }
    }
}

/// An error as sent to a user interface or printed with `--json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct ApiError {
    /// Stable kind (`wrong_passphrase`, `not_found`, `invalid_input`…).
    pub kind: String,
    /// A sentence for people, saying what to do next.
    pub message: String,
}

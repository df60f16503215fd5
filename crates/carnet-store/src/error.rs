use std::path::PathBuf;

use carnet_core::CoreError;
use thiserror::Error;

/// Everything that can go wrong with the device database. Messages are lower
/// case, hold no personal data, and say what to do next.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The passphrase does not open the database.
    #[error("wrong passphrase: this device's notebook did not open; nothing was changed")]
    WrongPassphrase,
    /// No notebook in that directory.
    #[error("there is no carnet notebook in {dir}; run `carnet init` first")]
    NotInitialised {
        /// The directory.
        dir: PathBuf,
    },
    /// A notebook is already there.
    #[error("there is already a carnet notebook in {dir}; nothing was changed")]
    AlreadyInitialised {
        /// The directory.
        dir: PathBuf,
    },
    /// The device already belongs to a team.
    #[error("this device already belongs to a team; nothing was changed")]
    AlreadyInTeam,
    /// The key file beside the database cannot be used.
    #[error("the key file {path} cannot be used ({reason}); restore it from a backup of this device")]
    KeyFile {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The database was made by a newer Carnet.
    #[error(
        "this notebook was made by a newer version of carnet (schema {found}, this one knows {known}); update carnet"
    )]
    NewerDatabase {
        /// Its version.
        found: i64,
        /// Ours.
        known: i64,
    },
    /// A migration failed.
    #[error("updating the notebook to schema {version} ({name}) failed: {source}")]
    Migration {
        /// Which.
        version: i64,
        /// Its name.
        name: &'static str,
        /// The SQL error.
        source: rusqlite::Error,
    },
    /// No such case file.
    #[error("there is no case file {id} on this device")]
    CaseNotFound {
        /// The id or prefix asked for.
        id: String,
    },
    /// No such item in any case file.
    #[error("there is no {what} {id} on this device")]
    ItemNotFound {
        /// What.
        what: &'static str,
        /// The id or prefix asked for.
        id: String,
    },
    /// An id prefix matches several items.
    #[error("{prefix:?} matches several {what}s; give more characters of the id")]
    Ambiguous {
        /// What.
        what: &'static str,
        /// The prefix.
        prefix: String,
    },
    /// A stored case file cannot be read.
    #[error("case file {id} cannot be read: {source}; the other case files are not affected")]
    Corrupt {
        /// The case file.
        id: String,
        /// Why.
        source: CoreError,
    },
    /// The storage is full.
    #[error("the device's storage is full; free some space and try again (the last change was not saved)")]
    DiskFull,
    /// A domain error (invalid value, missing item…).
    #[error(transparent)]
    Core(#[from] CoreError),
    /// Any other database failure.
    #[error("the notebook database failed: {0}")]
    Sqlite(rusqlite::Error),
    /// A file could not be read or written.
    #[error("a file could not be read or written: {0}")]
    Io(#[from] std::io::Error),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DiskFull) => StoreError::DiskFull,
            Some(rusqlite::ErrorCode::NotADatabase) => StoreError::WrongPassphrase,
            _ => StoreError::Sqlite(e),
        }
    }
}

impl StoreError {
    /// A stable machine-readable kind for scripts and the UI.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            StoreError::WrongPassphrase => "wrong_passphrase",
            StoreError::NotInitialised { .. } => "not_initialised",
            StoreError::AlreadyInitialised { .. } => "already_initialised",
            StoreError::AlreadyInTeam => "already_in_team",
            StoreError::KeyFile { .. } => "key_file",
            StoreError::NewerDatabase { .. } => "newer_database",
            StoreError::Migration { .. } => "migration",
            StoreError::CaseNotFound { .. } | StoreError::ItemNotFound { .. } => "not_found",
            StoreError::Ambiguous { .. } => "ambiguous",
            StoreError::Corrupt { .. } => "corrupt",
            StoreError::DiskFull => "disk_full",
            StoreError::Core(e) => match e {
                CoreError::InvalidDocument { .. } | CoreError::NotACaseFile { .. } => "invalid_document",
                CoreError::SchemaTooNew { .. } => "read_only",
                CoreError::NotFound { .. } => "not_found",
                CoreError::DifferentCaseFiles { .. } => "different_case_files",
                CoreError::InvalidId { .. } | CoreError::InvalidValue { .. } => "invalid_input",
                CoreError::Automerge(_) => "internal",
            },
            StoreError::Sqlite(_) => "database",
            StoreError::Io(_) => "io",
        }
    }
}

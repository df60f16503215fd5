//! Carnet's device database: every case file of the device in one SQLite
//! file encrypted with SQLCipher, and an index derived from them.
//!
//! Data flow: the device layer loads a [`StoredCase`] ([`Store::load`]),
//! applies an edit with `carnet-core`, and hands the resulting change to
//! [`Store::save_changes`], which appends it, updates the index rows of that
//! case file and compacts when the policy says so, all in one transaction.
//! Lists, search, due tasks and conflicts are read from the index only; a
//! document is loaded when it is opened or changed. [`Store::reindex`]
//! rebuilds the index from the documents at any time.
//!
//! The database key is derived from the passphrase with Argon2id (see
//! [`KdfParams`]); the salt lives in `carnet.key` beside `carnet.db`. SQL
//! lives in this crate alone.

mod error;
mod fold;
mod index;
mod key;
mod migrations;
mod parallel;
mod review;
mod snapshot;
mod store;
mod team;

pub use error::StoreError;
pub use fold::fold;
pub use key::KdfParams;
pub use store::{
    BrokenCase, COMPACT_AFTER_BYTES, COMPACT_AFTER_CHANGES, CaseSummary, CaseloadFilter, CheckReport,
    Checkpoint, ConflictSummary, DeviceIdentity, DueTask, Received, ReindexReport, Store, StoredCase,
    StoredParts, Tidied,
};
pub use team::{OutboxUpdate, OutgoingChange, SyncRecord, TeamDevice, TeamRecord};

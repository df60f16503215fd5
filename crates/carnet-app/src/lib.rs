//! The app layer of Carnet, shared by the tablet shell (`src-tauri`) and
//! browser mode (`carnet-serve`).
//!
//! A [`Session`] holds the notebook locked or unlocked and locks itself
//! after a period without use. [`commands::call`] is the one list of
//! commands the UI can call, by name with JSON arguments: it reaches the
//! device API of `carnet-device` and answers JSON or `{kind, message}`; the
//! UI's TypeScript types are generated from its argument and result types
//! ([`commands::visit_api_types`]). The [`SyncLoop`] syncs in the background
//! on its own connection to the notebook and keeps the status line.
//! [`serve`] puts the built UI and the commands on 127.0.0.1 behind a random
//! token.

pub mod commands;
pub mod serve;
mod session;
mod sync_loop;

pub use session::{DEFAULT_LOCK_AFTER, Session, SessionState};
pub use sync_loop::{SyncLine, SyncLoop};

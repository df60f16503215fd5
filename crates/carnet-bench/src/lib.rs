//! Carnet's benchmark scenarios, measured through the code the app runs:
//! [`carnet_device::Device`] on SQLCipher notebooks in temporary
//! directories, the real hub (`carnet_hub::router` over SQLite, served in
//! this process on a loopback port) and the real HTTP transport.
//!
//! Data flow: [`DemoNotebook`] builds a notebook of demo people with a fixed
//! seed (`carnet demo`'s generator) once per run, or keeps it in a cache
//! directory, and every scenario works on a copy. Scenarios 2 to 4 start
//! from a [`Team`]: the copy becomes the lead's device, creates a team on a
//! [`LoopbackHub`] and uploads the caseload. Each measured sync goes through
//! a [`CountingTransport`] around the device's `HttpTransport` (round trips,
//! request and answer bodies by kind of request) and a [`WireTap`], a
//! loopback TCP relay in front of the hub that counts every byte, HTTP
//! headers included.
//!
//! The scenarios (numbered as in docs/BENCHMARKS.md):
//! 1. [`caseload`]: cold start to the first page, search, a case file of 200
//!    visits, saves, database size against the text, peak memory;
//! 2. [`day`]: 30 visits written offline, then one sync, against the floor
//!    (the new content compressed with zstd);
//! 3. [`quiet`]: one sync with nothing new, at two caseload sizes;
//! 4. [`join`]: a new device joining, without and with snapshots;
//! 5. [`slow`]: scenario 2 over a slow mobile link (GPRS, 2G), emulated by
//!    a [`ShapedLink`] in front of the hub;
//! 6. [`load`]: many enrolled devices syncing at once against a hub in a
//!    child process, whose memory and CPU time are read from `/proc`;
//! 7. [`side_by_side`]: scenarios 3 and 2 again beside two samod peers
//!    (automerge-repo) on the same documents and changes.
//!
//! The `carnet-bench` binary runs them at full size and prints a summary
//! (and JSON with `--out`); `tests/smoke.rs` runs each at a small size.

pub mod caseload;
pub mod day;
mod error;
mod hub;
pub mod join;
mod link;
pub mod load;
mod measure;
mod notebook;
pub mod quiet;
mod results;
pub mod side_by_side;
pub mod slow;
mod team;
mod traffic;

pub use error::{BenchError, Res};
pub use hub::LoopbackHub;
pub use link::{LinkProfile, ShapedLink};
pub use measure::{Machine, Samples, Summary, peak_memory, percentile, reset_peak_memory};
pub use notebook::{DemoNotebook, PASSPHRASE, TODAY, demo_visits};
pub use results::Results;
pub use team::{Exchange, Team, measure, measure_via, sync_until_sent};
pub use traffic::{CountingTransport, RequestTally, Traffic, WireBytes, WireTap};

//! Carnet's sync hub: it relays the end-to-end encrypted entries of a team's
//! devices and keeps each team's log durably and in order. It never holds a
//! team key: everything personal reaches it sealed (see docs/PROTOCOL.md).
//!
//! Data flow: [`router`] receives `POST /v1/rpc` with an encoded
//! `SignedRequest` and hands it to [`Hub::handle_signed`] on a blocking
//! thread. The hub checks the request's time (±10 minutes), authenticates the
//! device against its enrolled key (or, to create a team or join one, against
//! the keys the request carries), applies the per-device rate limit and the
//! role rules, then reads or writes through [`HubStorage`]: [`SqliteStorage`]
//! today, one file `hub.db` in the data directory. A push is acknowledged
//! only once its transaction is durable; a retried push gets the same
//! sequence numbers. Errors are [`HubError`]s, sent as JSON
//! `{"code", "message"}` with an HTTP status; their causes are logged, never
//! sent.
//!
//! Transport security: the hub speaks plain HTTP and listens on loopback by
//! default. In production TLS is terminated by a reverse proxy in front of it
//! (Caddy, nginx…), which also holds the certificate and may add per-address
//! limits. Entries are sealed end to end, so the proxy sees no content either;
//! TLS protects the ids, sizes and timing that the hub sees.
//!
//! The binary `carnet-hub serve --data DIR --listen ADDR` runs it.

mod error;
mod http;
mod hub;
mod migrations;
mod rate;
mod sqlite;
mod storage;

pub use error::HubError;
pub use http::{AppState, ErrorBody, router};
pub use hub::{
    DEFAULT_MAX_RESPONSE_BYTES, Hub, HubConfig, MAX_BODY_BYTES, MAX_CLOCK_SKEW_MS, MAX_ENTRY_BYTES,
    MAX_PULL_ENTRIES, MAX_PUSH_ENTRIES, MAX_SNAPSHOT_BYTES,
};
pub use rate::RateLimit;
pub use sqlite::{DATABASE_FILE, SqliteStorage};
pub use storage::{Enrolment, HubStorage, LogPage, SnapshotPage};

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod http_tests;
#[cfg(test)]
mod hub_tests;
#[cfg(test)]
mod sqlite_tests;

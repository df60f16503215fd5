//! Carnet's sync engine, with no I/O: events in, effects out.
//!
//! The engine holds what a device needs to exchange its work with the hub:
//! its cursor in the team log and the entries the hub has not acknowledged.
//! It never touches the network, the disk or the clock: the caller passes in
//! the time and random bytes, performs the effects it hands back (send these
//! bytes, apply these changes, save this state) and reports what happened.
//! That keeps every exchange deterministic under test, and lets a simulation
//! drop, duplicate, reorder and truncate messages at will.
//!
//! One exchange, in the steady state: [`SyncEngine::poll`] returns a signed
//! [`carnet_protocol::SyncRequest`] carrying the unacknowledged entries and the
//! cursor; the caller posts it; [`SyncEngine::on_response`] turns the answer
//! into [`Effect::Apply`] for each entry that verifies and decrypts (in log
//! order), [`Effect::Reject`] for each that does not, then [`Effect::Persist`]
//! with a [`Checkpoint`] (the new cursor and the ids of the entries the hub
//! acknowledged), to be saved only after the changes are. The caller keeps
//! the outbox one entry per row: [`SyncEngine::queue`] hands back each
//! sealed entry to add, a checkpoint names the ones to remove, so an
//! exchange writes what it changed, never the whole backlog. A lost
//! acknowledgement means the same entries (same ids) are pushed again and
//! the hub stores them once.

mod engine;
mod keys;

pub use engine::{Checkpoint, Effect, EngineState, ExchangeLimits, SyncEngine, SyncStatus, TransportError};
pub use keys::{Membership, OpenError, RosterEntry};

//! Carnet's sync protocol, with no I/O: the versioned binary envelope of
//! every message ([`encode`], [`decode`]), the messages of the current version, and the
//! end-to-end encryption of entries and team keys ([`SealedEntry`],
//! [`TeamKey`], [`wrap_with_code`], [`wrap_for_device`]).
//!
//! Data flow: a device seals the Automerge changes of the case files it
//! changed into a [`SealedEntry`] ([`pack_changes`] puts several together) with the team key and its signing key, puts entries in a
//! [`SyncRequest`], signs the request ([`SignedRequest`]) and encodes it. The
//! hub decodes, checks the request signature against the device's enrolled
//! key, appends the entries to the team log and answers with [`SyncResponse`].
//! Receiving devices verify each entry's signature against its author's key
//! and open it with the team key of its epoch. The hub never holds a team key.

mod columns;
mod content;
mod crypto;
mod error;
mod messages;
pub mod v2;
mod wire;

pub use content::{MAX_UNPACKED_BYTES, pack_changes, unpack_changes};
pub use crypto::{
    DevicePublicKeys, DeviceSecretKeys, EntryHeader, MAX_ENTRY_DOCS, SealedEntry, TeamKey, Wrapped,
    invite_id, normalise_code, unwrap_for_device, unwrap_with_code, verify, wrap_for_device, wrap_with_code,
};
pub use error::ProtocolError;
pub use messages::{
    Ack, DeviceKey, DeviceList, DeviceRecord, Invite, LogEntry, Request, Response, Revocation, Role,
    SignedRequest, Snapshot, SyncRequest, SyncResponse, devices_version,
};
pub use wire::{PROTOCOL_VERSION, SAME_ENCODING, decode, decode_saved, encode};

#[cfg(test)]
mod tests;

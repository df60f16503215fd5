//! The messages of the current protocol version (format: do not change without
//! bumping [`crate::PROTOCOL_VERSION`]). See docs/PROTOCOL.md.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::ProtocolError;
use crate::crypto::{DevicePublicKeys, DeviceSecretKeys, SealedEntry, Wrapped, verify};
use crate::wire;

/// A device's request, signed by the device so the hub knows who asks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedRequest {
    /// The team.
    pub team: Uuid,
    /// The device asking.
    pub device: Uuid,
    /// The device's clock; the hub refuses requests too far from its own.
    pub time_ms: i64,
    /// The encoded [`Request`].
    pub body: Vec<u8>,
    /// Ed25519 signature over team, device, time and body.
    pub signature: Vec<u8>,
}

const REQUEST_CONTEXT: &[u8] = b"carnet/request/1";

fn request_bytes(team: &Uuid, device: &Uuid, time_ms: i64, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(40 + body.len());
    out.extend_from_slice(team.as_bytes());
    out.extend_from_slice(device.as_bytes());
    out.extend_from_slice(&time_ms.to_be_bytes());
    out.extend_from_slice(body);
    out
}

impl SignedRequest {
    /// Signs a request.
    #[must_use]
    pub fn sign(team: Uuid, device: Uuid, time_ms: i64, request: &Request, keys: &DeviceSecretKeys) -> Self {
        let body = wire::encode(request);
        let signature = keys.sign(REQUEST_CONTEXT, &request_bytes(&team, &device, time_ms, &body));
        Self {
            team,
            device,
            time_ms,
            body,
            signature,
        }
    }

    /// Checks the signature with the device's enrolled key and decodes the request.
    ///
    /// # Errors
    /// [`ProtocolError::BadSignature`] or a decoding error.
    pub fn open(&self, keys: &DevicePublicKeys) -> Result<Request, ProtocolError> {
        verify(
            keys,
            REQUEST_CONTEXT,
            &request_bytes(&self.team, &self.device, self.time_ms, &self.body),
            &self.signature,
        )?;
        wire::decode(&self.body)
    }
}

/// What a device asks of the hub. Every request travels in a
/// [`SignedRequest`]; the hub checks the signature against the device's
/// enrolled key, except for `CreateTeam` and `Join`, which carry the keys to
/// enroll and are checked against those.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Request {
    /// Create the team (the signed request's team id) with this device as its lead.
    CreateTeam {
        /// The lead device's public keys.
        keys: DevicePublicKeys,
    },
    /// Lead only: register a single-use invite.
    CreateInvite(Invite),
    /// Enroll this device with an invite (the signed request's team is nil:
    /// the device learns its team from the answer).
    Join {
        /// `invite_id` derived from the code (see docs/PROTOCOL.md).
        invite_id: Uuid,
        /// The new device's public keys.
        keys: DevicePublicKeys,
    },
    /// Push entries and pull what follows the cursor, in one round trip.
    Sync(SyncRequest),
    /// The team's devices and this device's wrapped team keys.
    Devices,
    /// Lead only: revoke a device and start a new key epoch.
    Revoke(Revocation),
    /// Store an encrypted snapshot of one document.
    PutSnapshot(Snapshot),
    /// The latest snapshot of every document, for a device starting out,
    /// one page at a time in document order.
    Snapshots {
        /// Start after this document (`None`: from the first).
        after: Option<Uuid>,
    },
}

/// Roles in a team.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    /// Writes visits.
    Worker,
    /// Also invites and revokes devices.
    Lead,
}

/// A single-use invite, as the lead registers it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invite {
    /// Derived from the code; the code itself never reaches the hub.
    pub invite_id: Uuid,
    /// The role the new device gets.
    pub role: Role,
    /// After this (milliseconds since the Unix epoch) the invite is refused.
    pub expires_ms: i64,
    /// The team keys and the lead's public keys, sealed under the code.
    pub wrapped: Wrapped,
}

/// A revocation and the key epoch that follows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revocation {
    /// The device revoked.
    pub device: Uuid,
    /// The new epoch.
    pub epoch: u32,
    /// The new team key wrapped for each remaining device.
    pub keys: Vec<DeviceKey>,
}

/// A team key wrapped for one device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceKey {
    /// The device.
    pub device: Uuid,
    /// The epoch.
    pub epoch: u32,
    /// The key, wrapped to the device's X25519 key.
    pub wrapped: Wrapped,
}

/// An encrypted snapshot of one document: a sealed entry whose plaintext is
/// the whole document, covering the log up to `covers_seq`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Every log entry of this document up to here is in the snapshot.
    pub covers_seq: u64,
    /// The sealed document.
    pub entry: SealedEntry,
}

/// A device as the hub knows it: ids and keys, never names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceRecord {
    /// The device.
    pub device: Uuid,
    /// Its public keys.
    pub keys: DevicePublicKeys,
    /// Its role.
    pub role: Role,
    /// Whether it was revoked.
    pub revoked: bool,
    /// The invite it joined with (nil for the lead who created the team).
    pub invite_id: Uuid,
}

/// The hub's answers, one variant per [`Request`] variant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Response {
    /// The team exists.
    TeamCreated,
    /// The invite is registered.
    InviteCreated,
    /// The device is enrolled.
    Joined {
        /// Its team.
        team: Uuid,
        /// Its role.
        role: Role,
        /// What the lead sealed under the code.
        wrapped: Wrapped,
    },
    /// The exchange.
    Synced(SyncResponse),
    /// The team's devices.
    Devices(DeviceList),
    /// The device is revoked and the new epoch stored.
    Revoked,
    /// The snapshot is stored.
    SnapshotStored,
    /// A page of the latest snapshot per document.
    Snapshots {
        /// One per document that has one, in document order.
        snapshots: Vec<Snapshot>,
        /// The team's snapshot version when this page was read: pull the log
        /// with `skip_snapshots` set to the first page's version.
        version: u64,
        /// Whether more documents follow (ask again after the last one).
        more: bool,
    },
}

/// The team's devices as the hub lists them, and the team keys wrapped for
/// the device that asks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceList {
    /// Changes whenever a device joins or is revoked (see [`devices_version`]).
    pub version: u64,
    /// Every device, revoked ones included.
    pub devices: Vec<DeviceRecord>,
    /// The current key epoch.
    pub epoch: u32,
    /// Team keys of later epochs wrapped for the asking device.
    pub keys: Vec<DeviceKey>,
}

/// The version of a device list: it grows by one with each enrolment and
/// each revocation, so a device and the hub agree on it without exchanging
/// the list.
#[must_use]
pub fn devices_version<'a>(revoked: impl IntoIterator<Item = &'a bool>) -> u64 {
    revoked
        .into_iter()
        .map(|revoked| if *revoked { 2 } else { 1 })
        .sum()
}

/// Push and pull in one exchange.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncRequest {
    /// The last sequence number this device has received.
    pub cursor: u64,
    /// The version of the device list this device holds; when the hub's
    /// differs, the answer carries the list.
    pub devices_version: u64,
    /// Leave out entries held by snapshots of at most this snapshot version
    /// (a device that started from the snapshots as of that version).
    pub skip_snapshots: Option<u64>,
    /// Entries the hub has not acknowledged yet.
    pub push: Vec<SealedEntry>,
    /// At most this many entries back (the hub may send fewer).
    pub limit: u32,
}

/// One entry of a team's log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    /// Its place in the team's log, from 1, without gaps.
    pub seq: u64,
    /// The entry.
    pub entry: SealedEntry,
}

/// The hub's acknowledgement of a pushed entry, sent after a durable commit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ack {
    /// The entry.
    pub entry_id: Uuid,
    /// Where it is in the log (the same on a retried push).
    pub seq: u64,
}

/// The hub's answer to [`SyncRequest`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncResponse {
    /// One per pushed entry.
    pub acks: Vec<Ack>,
    /// Entries after the request's cursor, in order, leaving out those
    /// pushed in this request (their acks give their places: the device
    /// holds them already).
    pub entries: Vec<LogEntry>,
    /// Where this answer's page of the log ends: the cursor to send next
    /// time, once every place up to it is received or acknowledged.
    pub cursor: u64,
    /// Whether more entries wait after these (ask again).
    pub more: bool,
    /// The device list, when it changed since the version in the request.
    /// Apply it before opening `entries`: they may come from a new device.
    pub devices: Option<DeviceList>,
}

//! The messages of protocol version 1 (format: do not change without
//! bumping [`crate::PROTOCOL_VERSION`]). See docs/PROTOCOL.md.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::ProtocolError;
use crate::crypto::{DevicePublicKeys, DeviceSecretKeys, SealedEntry, verify};
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

/// What a device asks of the hub.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Request {
    /// Push entries and pull what follows the cursor, in one round trip.
    Sync(SyncRequest),
}

/// Push and pull in one exchange.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncRequest {
    /// The last sequence number this device has received.
    pub cursor: u64,
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
    /// Entries after the request's cursor, in order.
    pub entries: Vec<LogEntry>,
    /// The cursor to send next time.
    pub cursor: u64,
    /// Whether more entries wait after these (ask again).
    pub more: bool,
}

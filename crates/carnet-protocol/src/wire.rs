//! The envelope of every message between a device and the hub.
//!
//! Format (do not change without bumping [`PROTOCOL_VERSION`]): the four
//! bytes `CRNT`, the protocol version as a big-endian `u16`, then the message
//! encoded with postcard (serde's compact binary format; integers are
//! varints, byte strings and sequences are length-prefixed). Nothing may
//! follow the message.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::ProtocolError;

/// The protocol version this code speaks.
pub const PROTOCOL_VERSION: u16 = 5;

/// Earlier versions whose messages are encoded exactly as in this one:
/// version 4 changed what a snapshot's plaintext may hold and version 5 how
/// an entry lays out the changes of several documents, not a message. What
/// a device saved under them ([`decode_saved`]) reads as it is.
pub const SAME_ENCODING: &[u16] = &[3, 4];
const MAGIC: &[u8; 4] = b"CRNT";
const HEADER_LEN: usize = 6;

/// Encodes a message with its envelope.
#[must_use]
pub fn encode<T: Serialize>(message: &T) -> Vec<u8> {
    let mut out = Vec::with_capacity(64);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&PROTOCOL_VERSION.to_be_bytes());
    // Serialising plain data structs into a Vec cannot fail.
    match postcard::to_extend(message, out) {
        Ok(out) => out,
        Err(_) => unreachable!("postcard encodes carnet messages into memory without error"),
    }
}

/// Decodes a message, checking its envelope.
///
/// # Errors
/// [`ProtocolError::Truncated`], [`ProtocolError::UnknownVersion`] or
/// [`ProtocolError::Malformed`]; never panics, whatever the bytes.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ProtocolError> {
    decode_version(bytes, PROTOCOL_VERSION)
}

/// Decodes something a device saved (its sync state, an entry waiting in
/// its outbox, an invite's secret): under this version or one of
/// [`SAME_ENCODING`]. Never for what comes over the network.
///
/// # Errors
/// As [`decode`].
pub fn decode_saved<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ProtocolError> {
    match decode(bytes) {
        Err(ProtocolError::UnknownVersion { found, .. }) if SAME_ENCODING.contains(&found) => {
            decode_version(bytes, found)
        }
        other => other,
    }
}

/// Decodes a message of an earlier `version` (for what a device saved
/// under it), checking its envelope.
///
/// # Errors
/// As [`decode`].
pub(crate) fn decode_version<T: DeserializeOwned>(bytes: &[u8], known: u16) -> Result<T, ProtocolError> {
    if bytes.len() < HEADER_LEN {
        return Err(if MAGIC.starts_with(bytes) {
            ProtocolError::Truncated
        } else {
            ProtocolError::Malformed("not a carnet message".into())
        });
    }
    if &bytes[..4] != MAGIC {
        return Err(ProtocolError::Malformed("not a carnet message".into()));
    }
    let version = u16::from_be_bytes([bytes[4], bytes[5]]);
    if version != known {
        return Err(ProtocolError::UnknownVersion {
            found: version,
            known,
        });
    }
    match postcard::take_from_bytes::<T>(&bytes[HEADER_LEN..]) {
        Ok((message, [])) => Ok(message),
        Ok((_, rest)) => Err(ProtocolError::Malformed(format!(
            "{} unexpected bytes after the message",
            rest.len()
        ))),
        Err(postcard::Error::DeserializeUnexpectedEnd) => Err(ProtocolError::Truncated),
        Err(e) => Err(ProtocolError::Malformed(e.to_string())),
    }
}

//! What devices saved under protocol version 2 and still hold: sealed
//! entries waiting in an outbox. Version 3 changed the header (one document
//! became a list); an entry of version 2 names one document and binds the
//! same associated data in version 3, so it converts and still verifies.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::ProtocolError;
use crate::crypto::{EntryHeader, SealedEntry as Sealed};
use crate::wire::{PROTOCOL_VERSION, decode_version};

/// The version these types were written under.
pub const VERSION: u16 = 2;

/// An entry header of version 2.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryHeaderV2 {
    /// The team.
    pub team: Uuid,
    /// The one document.
    pub doc: Uuid,
    /// The author device.
    pub author: Uuid,
    /// The key epoch.
    pub epoch: u32,
    /// The entry's id.
    pub entry_id: Uuid,
}

/// A sealed entry of version 2.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedEntryV2 {
    /// In clear.
    pub header: EntryHeaderV2,
    /// 24 random bytes.
    pub nonce: [u8; 24],
    /// The encrypted changes.
    pub ciphertext: Vec<u8>,
    /// The author's signature.
    pub signature: Vec<u8>,
}

impl From<SealedEntryV2> for Sealed {
    fn from(old: SealedEntryV2) -> Self {
        let h = old.header;
        Self {
            header: EntryHeader::for_doc(h.team, h.doc, h.author, h.epoch, h.entry_id),
            nonce: old.nonce,
            ciphertext: old.ciphertext,
            signature: old.signature,
        }
    }
}

impl TryFrom<&Sealed> for SealedEntryV2 {
    type Error = ProtocolError;

    /// The same entry as a version-2 device saved it: only an entry naming
    /// one document has such a form.
    fn try_from(entry: &Sealed) -> Result<Self, ProtocolError> {
        let h = &entry.header;
        let [doc] = h.docs[..] else {
            return Err(ProtocolError::Malformed(
                "an entry of version 2 names exactly one document".into(),
            ));
        };
        Ok(Self {
            header: EntryHeaderV2 {
                team: h.team,
                doc,
                author: h.author,
                epoch: h.epoch,
                entry_id: h.entry_id,
            },
            nonce: entry.nonce,
            ciphertext: entry.ciphertext.clone(),
            signature: entry.signature.clone(),
        })
    }
}

/// Decodes something saved under version 2 (with its envelope).
///
/// # Errors
/// As [`crate::decode`].
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ProtocolError> {
    decode_version(bytes, VERSION)
}

/// Decodes a sealed entry a device saved, under this version or version 2.
///
/// # Errors
/// As [`crate::decode`].
pub fn decode_saved_entry(bytes: &[u8]) -> Result<Sealed, ProtocolError> {
    match crate::decode_saved::<Sealed>(bytes) {
        Err(ProtocolError::UnknownVersion { found: VERSION, .. }) => {
            decode::<SealedEntryV2>(bytes).map(Sealed::from)
        }
        other => other,
    }
}

const _: () = assert!(PROTOCOL_VERSION > VERSION);

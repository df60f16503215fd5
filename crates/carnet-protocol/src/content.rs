//! The plaintext of a log entry.
//!
//! Format (do not change without bumping [`crate::PROTOCOL_VERSION`]): an
//! entry naming one document holds that document's Automerge change chunks
//! as they are (Automerge compresses large ones itself). An entry naming
//! several documents, in the header's order, holds a format byte followed by
//! one zstd frame: compressing the changes of a whole push together finds
//! what repeats from one case file to the next.
//!
//! - Format `2` (written since protocol 5): the frame holds the postcard
//!   encoding of the changes laid out stream by stream
//!   ([`crate::columns::Split`]).
//! - Format `1` (protocol 3 and 4, still read: an outbox may hold such
//!   entries): the frame holds the postcard encoding of a list of byte
//!   strings, one per document.

use std::io::Read;

use crate::ProtocolError;
use crate::columns::{Split, join, split};

/// The format byte of an entry naming several documents, their changes laid
/// out stream by stream.
const BUNDLE_FORMAT: u8 = 2;
/// The format byte written by protocols 3 and 4: a list of the documents'
/// changes as they are.
const LISTED_FORMAT: u8 = 1;
/// zstd's level for a bundle of up to [`SMALL_BUNDLE`] bytes (a day's
/// work: its best ratio, a few milliseconds).
const SMALL_LEVEL: i32 = 19;
/// zstd's level for larger bundles (a whole caseload being uploaded, mostly
/// whole documents Automerge compressed already): level 19 would take a
/// third of a second per 512 KiB for under 1 % fewer bytes.
const LARGE_LEVEL: i32 = 9;
const SMALL_BUNDLE: usize = 128 * 1024;
/// Refuse a bundle that unpacks to more than this (a corrupt or hostile one).
pub const MAX_UNPACKED_BYTES: u64 = 64 * 1024 * 1024;

/// The plaintext of an entry carrying `parts`, one per document of its
/// header, in the header's order.
///
/// # Errors
/// [`ProtocolError::Malformed`] when `parts` is empty.
pub fn pack_changes(parts: &[&[u8]]) -> Result<Vec<u8>, ProtocolError> {
    match parts {
        [] => Err(ProtocolError::Malformed(
            "an entry carries at least one document".into(),
        )),
        [one] => Ok(one.to_vec()),
        many => {
            let listed = postcard::to_allocvec(&split(many))
                .map_err(|e| ProtocolError::Malformed(format!("cannot encode the changes: {e}")))?;
            let mut out = vec![BUNDLE_FORMAT];
            let level = if listed.len() <= SMALL_BUNDLE {
                SMALL_LEVEL
            } else {
                LARGE_LEVEL
            };
            zstd::stream::copy_encode(listed.as_slice(), &mut out, level)
                .map_err(|e| ProtocolError::Malformed(format!("cannot compress the changes: {e}")))?;
            Ok(out)
        }
    }
}

/// The changes of each of `docs` documents in an entry's plaintext, in the
/// header's order.
///
/// # Errors
/// [`ProtocolError::Malformed`] for an unknown format, bytes that do not
/// unpack, more than [`MAX_UNPACKED_BYTES`], or another number of parts than
/// `docs`; never panics, whatever the bytes.
pub fn unpack_changes(plaintext: &[u8], docs: usize) -> Result<Vec<Vec<u8>>, ProtocolError> {
    if docs == 1 {
        return Ok(vec![plaintext.to_vec()]);
    }
    let Some((&format, frame)) = plaintext.split_first() else {
        return Err(ProtocolError::Truncated);
    };
    if format != BUNDLE_FORMAT && format != LISTED_FORMAT {
        return Err(ProtocolError::Malformed(format!(
            "the entry's content has format {format}, which this carnet does not know; update carnet"
        )));
    }
    let decoder = zstd::stream::read::Decoder::new(frame)
        .map_err(|e| ProtocolError::Malformed(format!("the entry's content does not unpack: {e}")))?;
    let mut listed = Vec::new();
    decoder
        .take(MAX_UNPACKED_BYTES + 1)
        .read_to_end(&mut listed)
        .map_err(|e| ProtocolError::Malformed(format!("the entry's content does not unpack: {e}")))?;
    if listed.len() as u64 > MAX_UNPACKED_BYTES {
        return Err(ProtocolError::Malformed(
            "the entry's content unpacks to more than 64 MiB".into(),
        ));
    }
    if format == BUNDLE_FORMAT {
        let split = whole_message::<Split>(&listed)?;
        drop(listed);
        return join(&split, docs);
    }
    let parts = whole_message::<Vec<Vec<u8>>>(&listed)?;
    if parts.len() != docs {
        return Err(ProtocolError::Malformed(format!(
            "the entry names {docs} documents but carries changes of {}",
            parts.len()
        )));
    }
    Ok(parts)
}

/// `bytes` decoded as one `T`, with nothing after it.
fn whole_message<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ProtocolError> {
    match postcard::take_from_bytes(bytes) {
        Ok((message, [])) => Ok(message),
        Ok(_) => Err(ProtocolError::Malformed(
            "unexpected bytes after the entry's changes".into(),
        )),
        Err(e) => Err(ProtocolError::Malformed(format!(
            "the entry's changes are damaged: {e}"
        ))),
    }
}

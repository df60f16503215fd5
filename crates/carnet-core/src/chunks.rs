//! Automerge change chunks as bytes: what the sync compresses together.

use crate::CoreError;

/// The first bytes of every Automerge chunk.
const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
/// Magic, checksum and chunk type.
const FIXED_HEADER: usize = 9;
/// The chunk type of a deflated change.
const COMPRESSED_CHANGE: u8 = 2;

/// The same chunks with each compressed change uncompressed (Automerge
/// deflates a large change on its own); changes stored plain and whole
/// documents are copied as they are. Compressing the changes of many case
/// files together then finds what repeats from one to the next; Automerge
/// reads both forms alike.
///
/// # Errors
/// [`CoreError::InvalidDocument`] when `bytes` is not a sequence of whole
/// Automerge chunks.
pub fn uncompressed_changes(bytes: &[u8]) -> Result<Vec<u8>, CoreError> {
    let invalid = |reason: String| CoreError::InvalidDocument { reason };
    let mut out = Vec::with_capacity(bytes.len() * 2);
    let mut rest = bytes;
    while !rest.is_empty() {
        if rest.len() < FIXED_HEADER || rest[..4] != MAGIC {
            return Err(invalid("not an Automerge change chunk".into()));
        }
        let (length, used) = leb128(&rest[FIXED_HEADER..])
            .ok_or_else(|| invalid("a change chunk's length is damaged".into()))?;
        let end = usize::try_from(length)
            .ok()
            .and_then(|length| (FIXED_HEADER + used).checked_add(length))
            .filter(|end| *end <= rest.len())
            .ok_or_else(|| invalid("a change chunk is truncated".into()))?;
        if rest[8] == COMPRESSED_CHANGE {
            let change = automerge::Change::try_from(&rest[..end]).map_err(|e| invalid(e.to_string()))?;
            out.extend_from_slice(change.raw_bytes());
        } else {
            out.extend_from_slice(&rest[..end]);
        }
        rest = &rest[end..];
    }
    Ok(out)
}

/// An unsigned LEB128 number and how many bytes it took.
fn leb128(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut value = 0u64;
    for (i, byte) in bytes.iter().take(10).enumerate() {
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use automerge::{AutoCommit, ReadDoc, transaction::Transactable};

    use super::*;

    #[test]
    fn compressed_chunks_come_out_whole_and_load_to_the_same_changes() {
        let mut doc = AutoCommit::new();
        let note = "Visite à domicile, dossier CAF à compléter. ".repeat(40);
        doc.put(automerge::ROOT, "note", note.as_str()).unwrap();
        doc.commit();
        doc.put(automerge::ROOT, "short", "ok").unwrap();
        doc.commit();
        let stored: Vec<u8> = doc
            .get_changes(&[])
            .into_iter()
            .flat_map(|c| c.clone().bytes().into_owned())
            .collect();
        let plain = uncompressed_changes(&stored).unwrap();
        assert!(plain.len() > stored.len(), "the long change was compressed");
        let mut from_plain = AutoCommit::new();
        from_plain.load_incremental(&plain).unwrap();
        assert_eq!(from_plain.get_heads(), doc.get_heads());
        assert_eq!(
            from_plain
                .get(automerge::ROOT, "note")
                .unwrap()
                .unwrap()
                .0
                .as_str(),
            Some(note.as_str())
        );
        // Already uncompressed: unchanged; a whole document is copied as it is.
        assert_eq!(uncompressed_changes(&plain).unwrap(), plain);
        let saved = doc.save();
        assert_eq!(uncompressed_changes(&saved).unwrap(), saved);
        assert!(uncompressed_changes(&[]).unwrap().is_empty());
    }

    #[test]
    fn damaged_chunks_are_clear_errors() {
        let mut doc = AutoCommit::new();
        doc.put(automerge::ROOT, "a", 1).unwrap();
        doc.commit();
        let stored = doc.get_changes(&[])[0].clone().bytes().into_owned();
        for cut in 1..stored.len() {
            assert!(uncompressed_changes(&stored[..cut]).is_err(), "cut at {cut}");
        }
        let mut other = stored.clone();
        other[0] = 0;
        assert!(uncompressed_changes(&other).is_err());
        assert!(uncompressed_changes(&[0x85, 0x6f, 0x4a, 0x83, 0, 0, 0, 0, 1, 0xff]).is_err());
    }
}

//! What a snapshot sent to the team's hub holds: the saved document and the
//! index rows its sender projected from it, so a device that joins the team
//! writes those rows instead of loading every document (loading is most of
//! the cost of a join). The document stays the truth: rows taken from a
//! snapshot are marked unchecked until the device has loaded the document
//! and projected it itself ([`crate::Store::check_received`]).
//!
//! Layout (format: do not change without bumping [`ROWS_FORMAT`]):
//! `CSNP` (4 bytes), the rows format (big-endian `u32`), the document's
//! length (big-endian `u32`), the saved Automerge document, then a zstd frame
//! holding the projection (view and conflicts) in postcard encoding.
//! Anything else is read as a bare saved document (what snapshots held
//! before they carried rows).

use carnet_core::{CaseFileView, CaseId, Conflict};
use sha2::{Digest, Sha256};

use crate::index::Projection;

const MAGIC: &[u8; 4] = b"CSNP";

/// The format of the rows a snapshot carries. Bump it whenever the view,
/// the conflicts or what the index writes from them change, and whenever
/// carnet-core's schema version does: a device then ignores rows of another
/// format and loads the document instead. The test `rows_format_is_pinned`
/// fails when the encoding changes without a bump.
pub(crate) const ROWS_FORMAT: u32 = 1 + carnet_core::SCHEMA_VERSION as u32 * 1000;

/// The largest projection a snapshot may unpack to.
const MAX_ROWS_BYTES: usize = 16 << 20;

/// A snapshot taken apart: its document, and the rows it carries if any.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Parts<'a> {
    pub(crate) document: &'a [u8],
    pub(crate) rows: Option<Rows<'a>>,
}

/// The rows part of a snapshot, not unpacked yet (done on worker threads).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Rows<'a> {
    format: u32,
    packed: &'a [u8],
}

/// The SHA-256 of a projection's encoding: two projections with the same
/// hash write the same rows.
pub(crate) type RowsHash = [u8; 32];

/// The encoding of the rows of `projection`.
fn rows_plain(projection: &Projection) -> Option<Vec<u8>> {
    postcard::to_stdvec(&(&projection.view, &projection.conflicts)).ok()
}

/// The [`RowsHash`] of `projection`.
pub(crate) fn rows_hash(projection: &Projection) -> Option<RowsHash> {
    rows_plain(projection).map(|plain| Sha256::digest(&plain).into())
}

/// A snapshot of `document` carrying `projection`, made from it; `None`
/// when it cannot be made (the bare document then serves).
pub(crate) fn encode(document: &[u8], projection: &Projection) -> Option<Vec<u8>> {
    let plain = rows_plain(projection)?;
    let packed = zstd::bulk::compress(&plain, 3).ok()?;
    let length = u32::try_from(document.len()).ok()?;
    let mut out = Vec::with_capacity(12 + document.len() + packed.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&ROWS_FORMAT.to_be_bytes());
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(document);
    out.extend_from_slice(&packed);
    Some(out)
}

/// Takes a snapshot apart.
///
/// # Errors
/// A snapshot that starts as one carrying rows but is cut short, in words.
pub(crate) fn parts(content: &[u8]) -> Result<Parts<'_>, String> {
    let Some(rest) = content.strip_prefix(MAGIC) else {
        return Ok(Parts {
            document: content,
            rows: None,
        });
    };
    let cut = || "a snapshot received is cut short; it was ignored".to_owned();
    let (format, rest) = rest.split_first_chunk::<4>().ok_or_else(cut)?;
    let (length, rest) = rest.split_first_chunk::<4>().ok_or_else(cut)?;
    let length = usize::try_from(u32::from_be_bytes(*length)).map_err(|_| cut())?;
    if rest.len() < length {
        return Err(cut());
    }
    let (document, packed) = rest.split_at(length);
    Ok(Parts {
        document,
        rows: Some(Rows {
            format: u32::from_be_bytes(*format),
            packed,
        }),
    })
}

impl Rows<'_> {
    /// The projection carried and its [`rows_hash`], when it is of this
    /// version's format, unpacks and is of case file `id`; `None` otherwise
    /// (the document is then loaded, as for a snapshot without rows).
    pub(crate) fn projection(&self, id: CaseId) -> Option<(Projection, RowsHash)> {
        if self.format != ROWS_FORMAT {
            return None;
        }
        let plain = zstd::bulk::decompress(self.packed, MAX_ROWS_BYTES).ok()?;
        let (view, conflicts): (CaseFileView, Vec<Conflict>) = postcard::from_bytes(&plain).ok()?;
        (view.id == id).then(|| (Projection { view, conflicts }, Sha256::digest(&plain).into()))
    }
}

#[cfg(test)]
mod tests {
    use carnet_core::{
        Agency, CaseFile, DeviceId, Edit, EditContext, LocalDateTime, NewPerson, NewProcedure, NewVisit,
        PersonPatch, ProcedureId, ProcedureStatus, VisitId, VisitKind, Writer,
    };
    use uuid::Uuid;

    use super::*;

    fn writer(n: u128) -> Writer {
        Writer {
            device: DeviceId::from_uuid(Uuid::from_u128(n)),
            session: 1,
        }
    }

    fn ctx(worker: &str) -> EditContext {
        EditContext {
            worker: worker.into(),
            time_ms: 1_780_000_000_000,
            local_time: LocalDateTime::parse("2026-05-28T10:00").unwrap(),
        }
    }

    /// A case file with a visit, a procedure and a conflict (two devices
    /// changed the commune at once), all its ids fixed.
    fn sample() -> (CaseFile, Projection) {
        let person = NewPerson {
            name: "Jeanne Martin".into(),
            commune: "Saint-Flour".into(),
            ..NewPerson::default()
        };
        let id = CaseId::from_uuid(Uuid::from_u128(42));
        let (mut a, _) = CaseFile::create(id, writer(1), person, &ctx("Claire")).unwrap();
        let visit = Edit::AddVisit(NewVisit {
            id: VisitId::from_uuid(Uuid::from_u128(43)),
            at: LocalDateTime::parse("2026-05-27T14:00").unwrap(),
            place: "domicile".into(),
            kind: VisitKind::Home,
            present: vec![],
            topics: vec![],
            duration_min: Some(45),
            note: "Dossier APL à relancer.".into(),
        });
        a.apply(&visit, &ctx("Claire")).unwrap();
        let procedure = Edit::AddProcedure(NewProcedure {
            id: ProcedureId::from_uuid(Uuid::from_u128(44)),
            agency: Agency::Caf,
            what: "APL".into(),
            status: ProcedureStatus::ToDo,
            next_step: String::new(),
            due: None,
        });
        a.apply(&procedure, &ctx("Claire")).unwrap();
        let mut b = CaseFile::load(&a.save(), writer(2)).unwrap();
        let moved = |commune: &str| {
            Edit::UpdatePerson(PersonPatch {
                commune: Some(commune.into()),
                ..PersonPatch::default()
            })
        };
        a.apply(&moved("Murat"), &ctx("Claire")).unwrap();
        let theirs = b.apply(&moved("Allanche"), &ctx("Paul")).unwrap();
        a.receive_changes(&theirs.bytes).unwrap();
        let projection = Projection::of(&mut a);
        assert_eq!(projection.conflicts.len(), 1);
        (a, projection)
    }

    #[test]
    fn a_snapshot_gives_back_its_document_and_rows() {
        let (mut file, projection) = sample();
        let document = file.save();
        let content = encode(&document, &projection).unwrap();
        let parts = parts(&content).unwrap();
        assert_eq!(parts.document, document.as_slice());
        let (rows, hash) = parts.rows.unwrap().projection(file.id()).unwrap();
        assert_eq!(rows.view, projection.view);
        assert_eq!(rows.conflicts, projection.conflicts);
        assert_eq!(Some(hash), rows_hash(&projection));
        let mut other = projection;
        other.view.person.name.push('.');
        assert_ne!(Some(hash), rows_hash(&other));
    }

    #[test]
    fn rows_of_another_case_file_format_or_damaged_are_not_used() {
        let (mut file, projection) = sample();
        let content = encode(&file.save(), &projection).unwrap();
        let rows = parts(&content).unwrap().rows.unwrap();
        assert!(rows.projection(CaseId::random()).is_none());
        let other = Rows {
            format: ROWS_FORMAT + 1,
            packed: rows.packed,
        };
        assert!(other.projection(file.id()).is_none());
        let damaged = Rows {
            format: ROWS_FORMAT,
            packed: &rows.packed[..rows.packed.len() / 2],
        };
        assert!(damaged.projection(file.id()).is_none());
    }

    #[test]
    fn a_bare_document_is_read_as_before_and_a_cut_snapshot_is_refused() {
        let (mut file, projection) = sample();
        let document = file.save();
        assert_eq!(
            parts(&document).unwrap(),
            Parts {
                document: &document,
                rows: None
            }
        );
        let content = encode(&document, &projection).unwrap();
        for end in [4, 9, 12, 12 + document.len() - 1] {
            let error = parts(&content[..end]).unwrap_err();
            assert!(error.contains("cut short"), "{end}: {error}");
        }
    }

    /// The encoding of the rows is part of the format: if this fails, the
    /// view, the conflicts or their encoding changed; bump `ROWS_FORMAT`
    /// and pin the new values.
    #[test]
    fn rows_format_is_pinned() {
        let (_, projection) = sample();
        let plain = postcard::to_stdvec(&(&projection.view, &projection.conflicts)).unwrap();
        let fnv1a = plain.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
        });
        assert_eq!(
            (ROWS_FORMAT, plain.len(), fnv1a),
            (1001, 266, 9_333_158_836_495_583_183)
        );
    }
}

use automerge::{ActorId, AutoCommit, ObjType, ROOT, ReadDoc, ScalarValue, transaction::Transactable};
use proptest::prelude::*;

use sha2::{Digest, Sha256};

use super::*;

const NOTES: [&str; 4] = [
    "Visite à domicile. Mme évoque des difficultés à régler l'électricité ; dossier CAF à compléter, \
     relance prévue auprès de la MSA. Elle préfère qu'on l'appelle après 14 h.",
    "Rendez-vous CPAM décalé. M. a reçu le courrier de la complémentaire santé solidaire, \
     à vérifier ensemble la prochaine fois. Chien au jardin : prévenir avant d'entrer. 🐕",
    "Pas de réponse à la porte, voisin présent : dit que la famille est partie chez des proches \
     jusqu'à jeudi. Laisser un mot, repasser la semaine prochaine.",
    "Échange avec l'assistante sociale du secteur ; aide au logement accordée, \
     premier versement attendu fin du mois. Tâche : vérifier l'ouverture des droits.",
];

/// The changes of a case file's day: a visit with a note as text, typed
/// fields, and for some files a colleague's concurrent edit merged in.
fn day_of_changes(files: usize) -> Vec<Vec<u8>> {
    (0..files)
        .map(|i| {
            let mut doc = AutoCommit::new().with_actor(ActorId::from([1; 16]));
            let visits = doc.put_object(ROOT, "visits", ObjType::Map).unwrap();
            doc.put(ROOT, "name", format!("Personne {i}")).unwrap();
            doc.commit();
            let mut colleague = doc.fork().with_actor(ActorId::from([2; 16]));
            let visit = doc
                .put_object(&visits, format!("visit-{i:04}"), ObjType::Map)
                .unwrap();
            doc.put(&visit, "date", "2025-10-06").unwrap();
            doc.put(&visit, "minutes", 45).unwrap();
            doc.put(&visit, "home", true).unwrap();
            doc.put(&visit, "ended", ScalarValue::Null).unwrap();
            doc.put(&visit, "distance", 12.5).unwrap();
            doc.put(&visit, "rev", ScalarValue::counter(1)).unwrap();
            doc.put(&visit, "at", ScalarValue::Timestamp(1_759_737_600_000))
                .unwrap();
            doc.put(&visit, "blob", ScalarValue::Bytes(vec![0, 159, 146, 150]))
                .unwrap();
            let note = doc.put_object(&visit, "note", ObjType::Text).unwrap();
            doc.splice_text(&note, 0, 0, NOTES[i % NOTES.len()]).unwrap();
            doc.commit_with(
                automerge::transaction::CommitOptions::default().with_time(1_759_737_600 + i as i64),
            );
            if i % 3 == 0 {
                colleague.put(ROOT, "phone", "06 12 34 56 78").unwrap();
                colleague.commit();
                doc.merge(&mut colleague).unwrap();
                doc.splice_text(&note, 0, 0, "Relu : ").unwrap();
                doc.commit_with(automerge::transaction::CommitOptions::default().with_message("relu"));
            }
            doc.get_changes(&[])
                .iter()
                .flat_map(|c| c.raw_bytes().to_vec())
                .collect()
        })
        .collect()
}

/// Each change chunk of a document's changes, plain.
fn change_chunks(part: &[u8]) -> Vec<Vec<u8>> {
    AutoCommit::load(part)
        .unwrap()
        .get_changes(&[])
        .iter()
        .map(|c| c.raw_bytes().to_vec())
        .collect()
}

fn as_slices(parts: &[Vec<u8>]) -> Vec<&[u8]> {
    parts.iter().map(Vec::as_slice).collect()
}

/// The plan, document by document: `0` for a change from the streams, `n + 1`
/// for `n` bytes carried as they are.
fn plan(split: &Split) -> Vec<Vec<u64>> {
    let mut rest = split.plan.as_slice();
    let (docs, _) = take_uleb(&mut rest).unwrap();
    let plan = (0..docs)
        .map(|_| {
            let (pieces, _) = take_uleb(&mut rest).unwrap();
            (0..pieces).map(|_| take_uleb(&mut rest).unwrap().0).collect()
        })
        .collect();
    assert!(rest.is_empty());
    plan
}

fn changes_split(split: &Split) -> usize {
    plan(split).iter().flatten().filter(|p| **p == 0).count()
}

/// A column's stream.
fn column(split: &Split, spec: u64) -> Vec<u8> {
    column_streams(&split.columns).unwrap()[&spec].to_vec()
}

#[test]
fn a_day_of_changes_comes_back_byte_for_byte() {
    let parts = day_of_changes(12);
    let split = split(&as_slices(&parts));
    // Every change went into the streams, none was carried as it is.
    let changes: usize = parts.iter().map(|p| change_chunks(p).len()).sum();
    assert_eq!(changes_split(&split), changes);
    assert!(split.whole.is_empty());
    let joined = join(&split, parts.len()).unwrap();
    assert_eq!(joined, parts);
    // And Automerge reads them back.
    for part in joined {
        let doc = AutoCommit::load(&part).unwrap();
        assert!(doc.get(ROOT, "visits").unwrap().is_some());
    }
}

#[test]
fn notes_with_accents_take_less_metadata() {
    let parts = day_of_changes(4);
    let split = split(&as_slices(&parts));
    let plain_meta: usize = parts
        .iter()
        .flat_map(|p| change_chunks(p))
        .map(|chunk| declared_meta_length(&chunk))
        .sum();
    let short_meta = column(&split, VALUE_META).len();
    assert!(
        short_meta * 2 < plain_meta,
        "{short_meta} bytes against {plain_meta}"
    );
}

/// The length of a change's value metadata column, as Automerge wrote it.
fn declared_meta_length(chunk: &[u8]) -> usize {
    let mut rest = &chunk[FIXED_HEADER + read_uleb(&chunk[FIXED_HEADER..]).unwrap().1..];
    let (deps, _) = take_uleb(&mut rest).unwrap();
    take(&mut rest, deps as usize * HASH_BYTES).unwrap();
    fields_to_columns(&mut rest)
        .unwrap()
        .into_iter()
        .find(|(spec, _)| *spec == VALUE_META)
        .map_or(0, |(_, length)| length)
}

#[test]
fn streams_compress_better_than_the_changes_one_after_the_other() {
    let parts = day_of_changes(30);
    let listed = postcard::to_allocvec(&parts).unwrap();
    let streams = postcard::to_allocvec(&split(&as_slices(&parts))).unwrap();
    let listed = zstd::bulk::compress(&listed, 19).unwrap().len();
    let streams = zstd::bulk::compress(&streams, 19).unwrap().len();
    assert!(streams < listed, "{streams} bytes against {listed}");
}

#[test]
fn what_is_not_a_plain_change_is_carried_as_it_is() {
    let mut doc = AutoCommit::new();
    doc.put(ROOT, "note", "é".repeat(400)).unwrap();
    doc.commit();
    let compressed = doc.get_changes(&[])[0].bytes().to_vec();
    assert_ne!(compressed[8], CHANGE, "a large change is stored deflated");
    let saved = doc.save();
    let plain = doc.get_changes(&[])[0].raw_bytes().to_vec();
    // The same change with its length written in one byte more: Automerge
    // reads it, but it would not come back byte for byte.
    let (length, used) = read_uleb(&plain[FIXED_HEADER..]).unwrap();
    let mut longer = plain[..FIXED_HEADER].to_vec();
    let mut leb = Vec::new();
    write_uleb(&mut leb, length);
    *leb.last_mut().unwrap() |= 0x80;
    leb.push(0);
    longer.extend_from_slice(&leb);
    longer.extend_from_slice(&plain[FIXED_HEADER + used..]);
    let parts: Vec<Vec<u8>> = vec![
        compressed,
        saved,
        Vec::new(),
        b"not automerge at all".to_vec(),
        longer,
        [plain.clone(), b"trailing".to_vec(), plain.clone()].concat(),
        plain[..plain.len() - 1].to_vec(),
    ];
    let split = split(&as_slices(&parts));
    // The two plain changes that are whole chunks go into the streams; what
    // follows bytes that are no chunk is carried as it is.
    let whole = |n: usize| n as u64 + 1;
    assert_eq!(
        plan(&split),
        [
            vec![whole(parts[0].len())],
            vec![whole(parts[1].len())],
            vec![],
            vec![whole(20)],
            vec![whole(parts[4].len())],
            vec![0, whole(8 + plain.len())],
            vec![whole(parts[6].len())],
        ]
    );
    assert_eq!(join(&split, parts.len()).unwrap(), parts);
}

/// `chunk` (a plain change) with `extra` empty columns added to its list.
fn with_empty_columns(chunk: &[u8], extra: &[u64]) -> Vec<u8> {
    let (_, used) = read_uleb(&chunk[FIXED_HEADER..]).unwrap();
    let body = &chunk[FIXED_HEADER + used..];
    let mut rest = body;
    let (deps, _) = take_uleb(&mut rest).unwrap();
    take(&mut rest, deps as usize * HASH_BYTES).unwrap();
    let specs = fields_to_columns(&mut rest).unwrap();
    let mut list = Vec::new();
    write_uleb(&mut list, specs.len() as u64);
    for (spec, length) in &specs {
        write_uleb(&mut list, *spec);
        write_uleb(&mut list, *length as u64);
    }
    let list_starts = body.len() - rest.len() - list.len();
    let mut all: Vec<(u64, usize)> = specs.into_iter().chain(extra.iter().map(|s| (*s, 0))).collect();
    all.sort_unstable();
    let mut new_body = body[..list_starts].to_vec();
    write_uleb(&mut new_body, all.len() as u64);
    for (spec, length) in all {
        write_uleb(&mut new_body, spec);
        write_uleb(&mut new_body, length as u64);
    }
    new_body.extend_from_slice(rest);
    let mut typed = vec![CHANGE];
    write_uleb(&mut typed, new_body.len() as u64);
    let hash = Sha256::new()
        .chain_update(&typed)
        .chain_update(&new_body)
        .finalize();
    [&MAGIC[..], &hash[..4], &typed, &new_body].concat()
}

#[test]
fn a_bundle_never_holds_more_columns_than_a_reader_accepts() {
    // Six changes, each with 12 columns of its own besides Automerge's.
    let parts: Vec<Vec<u8>> = day_of_changes(6)
        .iter()
        .enumerate()
        .map(|(i, part)| {
            let change = &change_chunks(part)[0];
            let extra: Vec<u64> = (0..12).map(|c| 1_000 + 100 * i as u64 + c).collect();
            with_empty_columns(change, &extra)
        })
        .collect();
    let split = split(&as_slices(&parts));
    assert!(column_streams(&split.columns).unwrap().len() as u64 <= MAX_COLUMNS);
    let carried = plan(&split).iter().flatten().filter(|p| **p > 0).count();
    assert!((1..6).contains(&carried), "{:?}", plan(&split));
    assert_eq!(join(&split, parts.len()).unwrap(), parts);
}

#[test]
fn damaged_streams_are_clear_errors() {
    let parts = day_of_changes(3);
    let good = split(&as_slices(&parts));
    let message = |split: &Split, docs: usize| match join(split, docs) {
        Err(ProtocolError::Malformed(m)) => m,
        other => panic!("{other:?}"),
    };
    let mut cut = good.clone();
    cut.head.pop();
    assert!(message(&cut, 3).contains("damaged"));
    let mut left = good.clone();
    left.deps.push(0);
    assert!(message(&left, 3).contains("left after"));
    let mut missing = good.clone();
    missing.columns = columns_without(&good, VALUE_RAW);
    assert!(message(&missing, 3).contains("missing"));
    assert!(message(&good, 4).contains("names 4 documents but carries changes of 3"));
    let mut longer = good.clone();
    longer.plan.push(0);
    assert!(message(&longer, 3).contains("goes on after"));
    // Two bytes, then a piece as long as a number can say.
    let mut huge = Split {
        whole: vec![0, 0],
        ..Split::default()
    };
    for n in [1, 2, 3, u64::MAX] {
        write_uleb(&mut huge.plan, n);
    }
    assert!(message(&huge, 1).contains("64 MiB"));
    // Columns out of order, or more than a change can have.
    let mut disorder = good.clone();
    disorder.columns = [columns_without(&good, 1), vec![1, 0]].concat();
    assert!(message(&disorder, 3).contains("not in order"));
    let mut many = good.clone();
    many.columns = (0..=MAX_COLUMNS as u8 * 2)
        .flat_map(|spec| [spec | 0x80, 1, 0])
        .collect();
    assert!(message(&many, 3).contains("too many"));
}

#[test]
fn value_metadata_that_would_expand_is_refused() {
    // A run of a billion billion values of no length, then one character.
    let mut huge = Rle::default();
    huge.push(1, 1 << 60);
    huge.push(0, 1);
    assert!(full_meta(&huge.finish(), "é".as_bytes(), 10).is_err());
    // A literal of a million values of no length, where the change says
    // its metadata takes 100 bytes: refused once past them.
    let mut literal = Rle::default();
    for i in 0..1_000_000u64 {
        literal.push(2 + i % 2, 1);
    }
    let literal = literal.finish();
    assert!(literal.len() > 1_000_000);
    assert!(matches!(
        full_meta(&literal, &[], 100),
        Err(ProtocolError::Malformed(m)) if m.contains("longer than it says")
    ));
    // A run of nulls has no place in it.
    assert!(full_meta(&[0, 5], &[], 2).is_err());
}

/// The column streams of `split` without the column `spec`.
fn columns_without(split: &Split, spec: u64) -> Vec<u8> {
    let mut out = Vec::new();
    for (s, bytes) in column_streams(&split.columns).unwrap() {
        if s != spec {
            write_uleb(&mut out, s);
            write_uleb(&mut out, bytes.len() as u64);
            out.extend_from_slice(bytes);
        }
    }
    out
}

#[test]
fn runs_are_encoded_as_automerge_encodes_them() {
    let encode = |values: &[u64]| {
        let mut rle = Rle::default();
        for v in values {
            rle.push(*v, 1);
        }
        rle.finish()
    };
    // Runs of two or more, the rest grouped as literals.
    assert_eq!(encode(&[7, 7, 7]), [3, 7]);
    assert_eq!(encode(&[1, 2, 3]), [0x7d, 1, 2, 3]);
    assert_eq!(encode(&[1, 2, 2, 3]), [0x7f, 1, 2, 2, 0x7f, 3]);
    assert_eq!(encode(&[]), [] as [u8; 0]);
    let mut pushed = Rle::default();
    pushed.push(1, 1);
    pushed.push(2, 300);
    pushed.push(2, 2);
    assert_eq!(pushed.finish(), encode(&[[1].as_slice(), &[2; 302]].concat()));
}

proptest! {
    #[test]
    fn any_parts_come_back_as_they_were(parts in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..200), 0..5)) {
        let split = split(&as_slices(&parts));
        prop_assert_eq!(join(&split, parts.len()).unwrap(), parts);
    }

    #[test]
    fn damaged_streams_never_panic(stream in 0usize..4, at in any::<prop::sample::Index>(), byte in any::<u8>(), cut in any::<bool>()) {
        let parts = day_of_changes(2);
        let mut split = split(&as_slices(&parts));
        let target = match stream {
            0 => &mut split.head,
            1 => &mut split.deps,
            2 => &mut split.columns,
            _ => &mut split.plan,
        };
        let i = at.index(target.len());
        if cut {
            target.truncate(i);
        } else {
            target[i] = byte;
        }
        let _ = join(&split, 2);
    }
}

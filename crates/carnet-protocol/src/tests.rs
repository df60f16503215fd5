use proptest::prelude::*;
use uuid::Uuid;

use super::*;

fn keys(n: u8) -> DeviceSecretKeys {
    DeviceSecretKeys::from_seeds([n; 32], [n.wrapping_add(100); 32])
}

fn header(epoch: u32) -> EntryHeader {
    EntryHeader::for_doc(
        Uuid::from_bytes([1; 16]),
        Uuid::from_bytes([2; 16]),
        Uuid::from_bytes([3; 16]),
        epoch,
        Uuid::from_bytes([4; 16]),
    )
}

fn sealed(plaintext: &[u8]) -> SealedEntry {
    SealedEntry::seal(header(1), plaintext, &TeamKey::new(1, [9; 32]), &keys(1), [5; 24]).unwrap()
}

#[test]
fn an_entry_opens_with_the_team_key_and_verifies_with_its_author() {
    let entry = sealed(b"changes of one case file");
    entry.verify(&keys(1).public()).unwrap();
    assert_eq!(
        entry.open(&TeamKey::new(1, [9; 32])).unwrap(),
        b"changes of one case file"
    );
    assert!(
        !entry.ciphertext.windows(7).any(|w| w == b"changes"),
        "the plaintext shows through"
    );
}

#[test]
fn a_forged_or_altered_entry_is_refused() {
    let entry = sealed(b"note");
    assert_eq!(entry.verify(&keys(2).public()), Err(ProtocolError::BadSignature));
    assert_eq!(entry.open(&TeamKey::new(1, [8; 32])), Err(ProtocolError::Decrypt));
    assert_eq!(
        entry.open(&TeamKey::new(2, [9; 32])),
        Err(ProtocolError::UnknownEpoch(1))
    );
    for i in 0..entry.ciphertext.len() {
        let mut bad = entry.clone();
        bad.ciphertext[i] ^= 1;
        assert_eq!(bad.verify(&keys(1).public()), Err(ProtocolError::BadSignature));
        assert_eq!(bad.open(&TeamKey::new(1, [9; 32])), Err(ProtocolError::Decrypt));
    }
    // Moving the entry to another document, author or epoch breaks both checks.
    for change in 0..4 {
        let mut moved = entry.clone();
        match change {
            0 => moved.header.docs = vec![Uuid::from_bytes([7; 16])],
            1 => moved.header.author = Uuid::from_bytes([7; 16]),
            2 => moved.header.team = Uuid::from_bytes([7; 16]),
            _ => moved.header.entry_id = Uuid::from_bytes([7; 16]),
        }
        assert_eq!(moved.verify(&keys(1).public()), Err(ProtocolError::BadSignature));
        assert_eq!(moved.open(&TeamKey::new(1, [9; 32])), Err(ProtocolError::Decrypt));
    }
    let mut short_signature = entry;
    short_signature.signature.truncate(10);
    assert_eq!(
        short_signature.verify(&keys(1).public()),
        Err(ProtocolError::BadSignature)
    );
}

#[test]
fn team_keys_unwrap_with_the_right_code_only() {
    let invite = Uuid::from_bytes([6; 16]);
    let wrapped = wrap_with_code("K7QD-MX2P", &invite, b"team key bytes", [1; 24]).unwrap();
    assert_eq!(
        &**unwrap_with_code("k7qd mx2p", &invite, &wrapped).unwrap(),
        b"team key bytes"
    );
    assert_eq!(
        unwrap_with_code("K7QD-MX2Q", &invite, &wrapped),
        Err(ProtocolError::Unwrap)
    );
    assert_eq!(
        unwrap_with_code("K7QD-MX2P", &Uuid::nil(), &wrapped),
        Err(ProtocolError::Unwrap)
    );
}

#[test]
fn invite_ids_ignore_how_the_code_is_typed() {
    assert_eq!(invite_id("K7QD-MX2P"), invite_id(" k7qd mx2p "));
    assert_ne!(invite_id("K7QD-MX2P"), invite_id("K7QD-MX2Q"));
}

#[test]
fn team_keys_unwrap_on_the_intended_device_only() {
    let wrapped = wrap_for_device(&keys(1).public(), b"epoch 2 key", [3; 32], [4; 24]).unwrap();
    assert_eq!(&**unwrap_for_device(&keys(1), &wrapped).unwrap(), b"epoch 2 key");
    assert_eq!(unwrap_for_device(&keys(2), &wrapped), Err(ProtocolError::Unwrap));
}

#[test]
fn requests_are_signed_by_their_device() {
    let request = Request::Sync(SyncRequest {
        cursor: 7,
        push: vec![sealed(b"x")],
        limit: 100,
        devices_version: 3,
        skip_snapshots: Some(2),
    });
    let signed = SignedRequest::sign(
        Uuid::from_bytes([1; 16]),
        Uuid::from_bytes([3; 16]),
        1000,
        &request,
        &keys(1),
    );
    assert_eq!(signed.open(&keys(1).public()).unwrap(), request);
    assert_eq!(signed.open(&keys(2).public()), Err(ProtocolError::BadSignature));
    let mut replayed_later = signed.clone();
    replayed_later.time_ms += 1;
    assert_eq!(
        replayed_later.open(&keys(1).public()),
        Err(ProtocolError::BadSignature)
    );
    let bytes = encode(&signed);
    assert_eq!(decode::<SignedRequest>(&bytes).unwrap(), signed);
}

#[test]
fn bad_envelopes_are_clear_errors() {
    let bytes = encode(&SyncResponse {
        acks: vec![],
        entries: vec![],
        cursor: 3,
        more: false,
        devices: None,
    });
    assert_eq!(decode::<SyncResponse>(&bytes[..3]), Err(ProtocolError::Truncated));
    assert_eq!(
        decode::<SyncResponse>(&bytes[..bytes.len() - 1]),
        Err(ProtocolError::Truncated)
    );
    assert!(matches!(
        decode::<SyncResponse>(b"GET / HTTP/1.1"),
        Err(ProtocolError::Malformed(_))
    ));
    for version in [PROTOCOL_VERSION - 1, PROTOCOL_VERSION + 1] {
        let mut other = bytes.clone();
        other[4..6].copy_from_slice(&version.to_be_bytes());
        assert_eq!(
            decode::<SyncResponse>(&other),
            Err(ProtocolError::UnknownVersion {
                found: version,
                known: PROTOCOL_VERSION
            })
        );
    }
    let mut longer = bytes;
    longer.push(0);
    assert!(matches!(
        decode::<SyncResponse>(&longer),
        Err(ProtocolError::Malformed(_))
    ));
}

fn bundle_header() -> EntryHeader {
    EntryHeader {
        docs: vec![
            Uuid::from_bytes([2; 16]),
            Uuid::from_bytes([5; 16]),
            Uuid::from_bytes([6; 16]),
        ],
        ..header(1)
    }
}

#[test]
fn an_entry_carries_the_changes_of_several_documents_bound_to_their_ids() {
    let parts: [&[u8]; 3] = [b"first case file", b"", b"third case file, third case file"];
    let plaintext = pack_changes(&parts).unwrap();
    let key = TeamKey::new(1, [9; 32]);
    let entry = SealedEntry::seal(bundle_header(), &plaintext, &key, &keys(1), [5; 24]).unwrap();
    entry.verify(&keys(1).public()).unwrap();
    let opened = unpack_changes(&entry.open(&key).unwrap(), 3).unwrap();
    assert_eq!(opened, parts.map(<[u8]>::to_vec));
    // Dropping, adding or reordering a document breaks both checks.
    let reordered = vec![entry.header.docs[1], entry.header.docs[0], entry.header.docs[2]];
    for docs in [
        entry.header.docs[..2].to_vec(),
        reordered,
        vec![entry.header.docs[0]],
    ] {
        let mut moved = entry.clone();
        moved.header.docs = docs;
        assert_eq!(moved.verify(&keys(1).public()), Err(ProtocolError::BadSignature));
        assert_eq!(moved.open(&key), Err(ProtocolError::Decrypt));
    }
    // One document: its changes as they are.
    assert_eq!(pack_changes(&[b"as is"]).unwrap(), b"as is");
    assert_eq!(unpack_changes(b"as is", 1).unwrap(), vec![b"as is".to_vec()]);
    assert!(pack_changes(&[]).is_err());
}

#[test]
fn only_ordered_lists_of_documents_are_canonical() {
    assert!(header(1).docs_are_canonical());
    assert!(bundle_header().docs_are_canonical());
    let mut h = bundle_header();
    h.docs.swap(0, 1);
    assert!(!h.docs_are_canonical());
    h.docs = vec![Uuid::nil(), Uuid::nil()];
    assert!(!h.docs_are_canonical());
    h.docs.clear();
    assert!(!h.docs_are_canonical());
    h.docs = (0..=MAX_ENTRY_DOCS as u128).map(Uuid::from_u128).collect();
    assert!(!h.docs_are_canonical());
}

#[test]
fn damaged_bundles_are_clear_errors() {
    let packed = pack_changes(&[b"one", b"two"]).unwrap();
    assert_eq!(
        unpack_changes(&packed, 2).unwrap(),
        vec![b"one".to_vec(), b"two".to_vec()]
    );
    assert!(matches!(unpack_changes(&packed, 3), Err(ProtocolError::Malformed(m)) if m.contains("names 3")));
    assert_eq!(unpack_changes(&[], 2), Err(ProtocolError::Truncated));
    let mut other_format = packed.clone();
    other_format[0] = 9;
    assert!(
        matches!(unpack_changes(&other_format, 2), Err(ProtocolError::Malformed(m)) if m.contains("format 9"))
    );
    for cut in 1..packed.len() {
        assert!(unpack_changes(&packed[..cut], 2).is_err(), "cut at {cut}");
    }
    // A bundle sealed under protocols 3 and 4 (format 1: the list of each
    // document's changes) still unpacks: an outbox may hold one.
    let mut listed = vec![1u8];
    let list = postcard::to_allocvec(&vec![b"one".to_vec(), b"two".to_vec()]).unwrap();
    zstd::stream::copy_encode(list.as_slice(), &mut listed, 3).unwrap();
    assert_eq!(
        unpack_changes(&listed, 2).unwrap(),
        vec![b"one".to_vec(), b"two".to_vec()]
    );
    assert_eq!(packed[0], 2, "written in format 2");
    // A small entry that would unpack to a huge one is refused.
    let zeros = vec![0u8; (MAX_UNPACKED_BYTES + 1024) as usize];
    let mut bomb = vec![1u8];
    zstd::stream::copy_encode(zeros.as_slice(), &mut bomb, 3).unwrap();
    assert!(bomb.len() < 64 * 1024);
    assert!(matches!(unpack_changes(&bomb, 2), Err(ProtocolError::Malformed(m)) if m.contains("64 MiB")));
}

#[test]
fn an_entry_saved_under_version_2_still_decodes_and_verifies() {
    let entry = sealed(b"changes waiting in an outbox");
    let old = v2::SealedEntryV2::try_from(&entry).unwrap();
    assert_eq!(old.header.doc, entry.header.docs[0]);
    let mut several = entry.clone();
    several.header.docs.push(Uuid::from_bytes([7; 16]));
    assert!(v2::SealedEntryV2::try_from(&several).is_err());
    let mut saved = b"CRNT".to_vec();
    saved.extend_from_slice(&2u16.to_be_bytes());
    saved.extend_from_slice(&postcard::to_allocvec(&old).unwrap());
    let back = v2::decode_saved_entry(&saved).unwrap();
    assert_eq!(back, entry);
    back.verify(&keys(1).public()).unwrap();
    assert_eq!(v2::decode_saved_entry(&encode(&entry)).unwrap(), entry);
    saved[5] = 1;
    assert!(matches!(
        v2::decode_saved_entry(&saved),
        Err(ProtocolError::UnknownVersion { found: 1, .. })
    ));
}

#[test]
fn what_was_saved_under_versions_3_and_4_decodes_as_saved_but_not_off_the_network() {
    let entry = sealed(b"changes waiting in an outbox");
    let mut saved = encode(&entry);
    for version in [3u16, 4] {
        saved[4..6].copy_from_slice(&version.to_be_bytes());
        assert!(SAME_ENCODING.contains(&version));
        assert!(matches!(
            decode::<SealedEntry>(&saved),
            Err(ProtocolError::UnknownVersion { found, .. }) if found == version
        ));
        assert_eq!(crate::decode_saved::<SealedEntry>(&saved).unwrap(), entry);
        assert_eq!(v2::decode_saved_entry(&saved).unwrap(), entry);
    }
    saved[4..6].copy_from_slice(&(PROTOCOL_VERSION + 1).to_be_bytes());
    assert!(matches!(
        crate::decode_saved::<SealedEntry>(&saved),
        Err(ProtocolError::UnknownVersion { .. })
    ));
}

fn arb_entry() -> impl Strategy<Value = SealedEntry> {
    (
        any::<[u8; 16]>(),
        any::<u32>(),
        any::<[u8; 24]>(),
        prop::collection::vec(any::<u8>(), 0..200),
        prop::collection::vec(any::<u8>(), 0..70),
    )
        .prop_map(|(id, epoch, nonce, ciphertext, signature)| SealedEntry {
            header: EntryHeader {
                team: Uuid::from_bytes(id),
                docs: vec![Uuid::from_bytes(id), Uuid::max()],
                author: Uuid::nil(),
                epoch,
                entry_id: Uuid::from_bytes(id),
            },
            nonce,
            ciphertext,
            signature,
        })
}

proptest! {
    #[test]
    fn unpacking_any_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..300), docs in 0usize..5) {
        let _ = unpack_changes(&bytes, docs);
        let mut framed = vec![1u8];
        framed.extend_from_slice(&bytes);
        let _ = unpack_changes(&framed, docs);
    }

    #[test]
    fn sync_messages_round_trip(
        cursor in any::<u64>(),
        entries in prop::collection::vec(arb_entry(), 0..4),
        more in any::<bool>(),
    ) {
        let response = SyncResponse {
            acks: entries.iter().enumerate().map(|(i, e)| Ack { entry_id: e.header.entry_id, seq: i as u64 }).collect(),
            entries: entries.iter().cloned().enumerate().map(|(i, entry)| LogEntry { seq: cursor.wrapping_add(i as u64), entry }).collect(),
            cursor,
            more,
            devices: None,
        };
        prop_assert_eq!(decode::<SyncResponse>(&encode(&response)).unwrap(), response);
        let request = Request::Sync(SyncRequest { cursor, push: entries, limit: 500, devices_version: cursor, skip_snapshots: more.then_some(cursor) });
        prop_assert_eq!(decode::<Request>(&encode(&request)).unwrap(), request);
    }

    #[test]
    fn decoding_any_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = decode::<SignedRequest>(&bytes);
        let _ = decode::<SyncResponse>(&bytes);
        let mut framed = b"CRNT\x00\x01".to_vec();
        framed.extend_from_slice(&bytes);
        let _ = decode::<Request>(&framed);
        let _ = decode::<SyncResponse>(&framed);
    }
}

use carnet_protocol::{DeviceKey, EntryHeader, Invite, Revocation, Role, SealedEntry, Snapshot};
use uuid::Uuid;

use crate::fixtures::{id, keys, wrapped};
use crate::{HubError, HubStorage, SqliteStorage};

const NOW: i64 = 1_000_000;

fn team() -> Uuid {
    id(100)
}

/// An entry as the storage sees it: it neither opens nor verifies entries.
fn entry(n: u32, size: usize) -> SealedEntry {
    SealedEntry {
        header: EntryHeader {
            team: team(),
            docs: vec![id(50 + (n % 3) as u8)],
            author: id(1),
            epoch: 1,
            entry_id: Uuid::from_u128(u128::from(n) + 1000),
        },
        nonce: [n as u8; 24],
        ciphertext: vec![n as u8; size],
        signature: vec![7; 64],
    }
}

fn invite(n: u8, expires_ms: i64) -> Invite {
    Invite {
        invite_id: id(200 + n),
        role: Role::Worker,
        expires_ms,
        wrapped: wrapped(n),
    }
}

/// A storage with a team whose lead is device 1.
fn with_team() -> SqliteStorage {
    let storage = SqliteStorage::open_in_memory().unwrap();
    storage
        .create_team(team(), id(1), &keys(1).public(), NOW)
        .unwrap();
    storage
}

fn enroll(storage: &SqliteStorage, n: u8, role: Role) {
    let mut invite = invite(n, NOW + 1000);
    invite.role = role;
    storage.put_invite(team(), id(1), &invite, NOW).unwrap();
    storage
        .take_invite(invite.invite_id, id(n), &keys(n).public(), NOW)
        .unwrap();
}

fn seqs(storage: &SqliteStorage, cursor: u64) -> Vec<u64> {
    storage
        .entries_after(team(), cursor, 1000, usize::MAX, None)
        .unwrap()
        .entries
        .iter()
        .map(|e| e.seq)
        .collect()
}

#[test]
fn a_team_is_created_once_with_its_lead_at_epoch_1() {
    let storage = with_team();
    assert_eq!(storage.epoch(team()).unwrap(), Some(1));
    assert_eq!(storage.epoch(id(99)).unwrap(), None);
    let lead = storage.device(team(), id(1)).unwrap().unwrap();
    assert_eq!(lead.role, Role::Lead);
    assert_eq!(lead.keys, keys(1).public());
    assert!(!lead.revoked);
    assert!(lead.invite_id.is_nil());
    let err = storage
        .create_team(team(), id(2), &keys(2).public(), NOW)
        .unwrap_err();
    assert!(matches!(err, HubError::TeamExists), "{err}");
    assert_eq!(storage.devices(team()).unwrap().len(), 1);
}

#[test]
fn appends_number_entries_from_1_without_gaps_and_a_retry_gets_the_same_seq() {
    let storage = with_team();
    let acks = storage
        .append(team(), &[entry(1, 10), entry(2, 10), entry(3, 10)], NOW)
        .unwrap();
    assert_eq!(acks.iter().map(|a| a.seq).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(acks[1].entry_id, entry(2, 10).header.entry_id);
    // A retried push, mixed with a new entry and a duplicate within the push.
    let acks = storage
        .append(
            team(),
            &[entry(2, 10), entry(4, 10), entry(4, 10), entry(1, 10)],
            NOW,
        )
        .unwrap();
    assert_eq!(acks.iter().map(|a| a.seq).collect::<Vec<_>>(), [2, 4, 4, 1]);
    assert_eq!(seqs(&storage, 0), [1, 2, 3, 4]);
    let stored = storage.entries_after(team(), 3, 10, usize::MAX, None).unwrap();
    assert_eq!(stored.entries.len(), 1);
    assert_eq!(stored.entries[0].entry, entry(4, 10));
    // Another team's log starts at 1 too.
    storage
        .create_team(id(101), id(5), &keys(5).public(), NOW)
        .unwrap();
    let mut other = entry(9, 10);
    other.header.team = id(101);
    assert_eq!(storage.append(id(101), &[other], NOW).unwrap()[0].seq, 1);
    assert_eq!(seqs(&storage, 0), [1, 2, 3, 4]);
}

#[test]
fn pages_stop_at_the_limit_or_the_byte_budget_and_say_whether_more_remain() {
    let storage = with_team();
    let entries: Vec<_> = (1..=10).map(|n| entry(n, 1000)).collect();
    storage.append(team(), &entries, NOW).unwrap();
    let page = storage.entries_after(team(), 0, 4, usize::MAX, None).unwrap();
    assert_eq!((page.entries.len(), page.more), (4, true));
    let page = storage.entries_after(team(), 4, 4, usize::MAX, None).unwrap();
    assert_eq!(
        page.entries.iter().map(|e| e.seq).collect::<Vec<_>>(),
        [5, 6, 7, 8]
    );
    assert!(page.more);
    let page = storage.entries_after(team(), 8, 4, usize::MAX, None).unwrap();
    assert_eq!((page.entries.len(), page.more), (2, false));
    let page = storage.entries_after(team(), 10, 4, usize::MAX, None).unwrap();
    assert_eq!((page.entries.len(), page.more), (0, false));
    let page = storage
        .entries_after(team(), u64::MAX, 4, usize::MAX, None)
        .unwrap();
    assert_eq!((page.entries.len(), page.more), (0, false));
    // Each entry weighs a little over 1000 bytes: two fit in 2500.
    let page = storage.entries_after(team(), 0, 100, 2500, None).unwrap();
    assert_eq!((page.entries.len(), page.more), (2, true));
    // One entry comes whatever the budget, so paging moves on.
    let page = storage.entries_after(team(), 0, 100, 10, None).unwrap();
    assert_eq!((page.entries.len(), page.more), (1, true));
    let page = storage.entries_after(team(), 0, 0, usize::MAX, None).unwrap();
    assert_eq!((page.entries.len(), page.more), (0, true));
}

#[test]
fn an_invite_is_taken_once_before_it_expires() {
    let storage = with_team();
    let err = storage
        .take_invite(id(250), id(2), &keys(2).public(), NOW)
        .unwrap_err();
    assert!(matches!(err, HubError::InviteNotFound), "{err}");

    storage
        .put_invite(team(), id(1), &invite(2, NOW + 1000), NOW)
        .unwrap();
    // Registering the same invite again (a retry) is fine; another with its id is not.
    storage
        .put_invite(team(), id(1), &invite(2, NOW + 1000), NOW)
        .unwrap();
    let err = storage
        .put_invite(team(), id(1), &invite(2, NOW + 5000), NOW)
        .unwrap_err();
    assert_eq!(err.code(), "bad_request");

    // At its expiry time exactly, it is still good.
    let enrolment = storage
        .take_invite(id(202), id(2), &keys(2).public(), NOW + 1000)
        .unwrap();
    assert_eq!(enrolment.team, team());
    assert_eq!(enrolment.role, Role::Worker);
    assert_eq!(enrolment.wrapped, wrapped(2));
    let record = storage.device(team(), id(2)).unwrap().unwrap();
    assert_eq!(
        (record.role, record.invite_id, record.revoked),
        (Role::Worker, id(202), false)
    );

    let err = storage
        .take_invite(id(202), id(3), &keys(3).public(), NOW)
        .unwrap_err();
    assert!(matches!(err, HubError::InviteUsed), "{err}");
    assert!(storage.device(team(), id(3)).unwrap().is_none());
    // The device that took it, asking again after a lost answer, gets the same answer...
    assert_eq!(
        storage
            .take_invite(id(202), id(2), &keys(2).public(), NOW + 5000)
            .unwrap(),
        enrolment
    );
    // ...but not with other keys.
    let err = storage
        .take_invite(id(202), id(2), &keys(3).public(), NOW)
        .unwrap_err();
    assert!(matches!(err, HubError::InviteUsed), "{err}");

    // A device in the team already cannot take a second invite.
    storage
        .put_invite(team(), id(1), &invite(4, NOW + 1000), NOW)
        .unwrap();
    let err = storage
        .take_invite(id(204), id(2), &keys(2).public(), NOW)
        .unwrap_err();
    assert_eq!(err.code(), "bad_request");
    storage
        .take_invite(id(204), id(4), &keys(4).public(), NOW)
        .unwrap();

    storage
        .put_invite(team(), id(1), &invite(3, NOW + 1000), NOW)
        .unwrap();
    let err = storage
        .take_invite(id(203), id(3), &keys(3).public(), NOW + 1001)
        .unwrap_err();
    assert!(matches!(err, HubError::InviteExpired), "{err}");
    assert!(storage.device(team(), id(3)).unwrap().is_none());
    assert_eq!(storage.devices(team()).unwrap().len(), 3);
}

fn revocation(device: u8, epoch: u32, for_devices: &[u8]) -> Revocation {
    Revocation {
        device: id(device),
        epoch,
        keys: for_devices
            .iter()
            .map(|&n| DeviceKey {
                device: id(n),
                epoch,
                wrapped: wrapped(n),
            })
            .collect(),
    }
}

#[test]
fn a_revocation_marks_the_device_and_stores_the_next_epoch_in_one_go() {
    let storage = with_team();
    enroll(&storage, 2, Role::Worker);
    enroll(&storage, 3, Role::Worker);

    for (bad, why) in [
        (revocation(2, 3, &[1, 3]), "skips an epoch"),
        (revocation(2, 1, &[1, 3]), "repeats the epoch"),
        (revocation(2, 2, &[1, 2, 3]), "wraps for the revoked device"),
        (revocation(2, 2, &[1, 9]), "wraps for a stranger"),
        (revocation(2, 2, &[1, 3, 3]), "wraps twice for one device"),
        (revocation(9, 2, &[1, 3]), "revokes a stranger"),
        (
            Revocation {
                keys: vec![DeviceKey {
                    device: id(1),
                    epoch: 5,
                    wrapped: wrapped(1),
                }],
                ..revocation(2, 2, &[])
            },
            "wraps for another epoch",
        ),
    ] {
        let err = storage.revoke(team(), &bad, NOW).unwrap_err();
        assert_eq!(err.code(), "bad_request", "{why}: {err}");
        // Nothing changed.
        assert_eq!(storage.epoch(team()).unwrap(), Some(1), "{why}");
        assert!(!storage.device(team(), id(2)).unwrap().unwrap().revoked, "{why}");
        assert!(storage.device_keys(team(), id(1)).unwrap().is_empty(), "{why}");
    }

    // The counted version is the one the list gives: one per device, one
    // more per revocation.
    let version = |storage: &SqliteStorage| {
        let counted = storage.devices_version(team()).unwrap();
        let listed =
            carnet_protocol::devices_version(storage.devices(team()).unwrap().iter().map(|d| &d.revoked));
        assert_eq!(counted, listed);
        counted
    };
    assert_eq!(version(&storage), 3);
    assert_eq!(storage.devices_version(Uuid::from_u128(0xdead)).unwrap(), 0);

    storage.revoke(team(), &revocation(2, 2, &[1, 3]), NOW).unwrap();
    assert_eq!(version(&storage), 4);
    assert_eq!(storage.epoch(team()).unwrap(), Some(2));
    assert!(storage.device(team(), id(2)).unwrap().unwrap().revoked);
    assert!(!storage.device(team(), id(3)).unwrap().unwrap().revoked);
    let keys_3 = storage.device_keys(team(), id(3)).unwrap();
    assert_eq!(keys_3.len(), 1);
    assert_eq!(
        (keys_3[0].device, keys_3[0].epoch, &keys_3[0].wrapped),
        (id(3), 2, &wrapped(3))
    );
    assert!(storage.device_keys(team(), id(2)).unwrap().is_empty());
    // The revoked device cannot come back by joining again with its invite.
    let err = storage
        .take_invite(id(202), id(2), &keys(2).public(), NOW)
        .unwrap_err();
    assert!(matches!(err, HubError::Revoked), "{err}");
    // The same revocation again is a retry; revoking again later is refused.
    storage.revoke(team(), &revocation(2, 2, &[1, 3]), NOW).unwrap();
    assert_eq!(storage.epoch(team()).unwrap(), Some(2));
    let err = storage
        .revoke(team(), &revocation(2, 3, &[1, 3]), NOW)
        .unwrap_err();
    assert_eq!(err.code(), "bad_request");

    // A later revocation adds epoch 3 for those who remain.
    storage.revoke(team(), &revocation(3, 3, &[1]), NOW).unwrap();
    assert_eq!(version(&storage), 5);
    let epochs: Vec<u32> = storage
        .device_keys(team(), id(1))
        .unwrap()
        .iter()
        .map(|k| k.epoch)
        .collect();
    assert_eq!(epochs, [2, 3]);
    assert_eq!(
        storage
            .devices(team())
            .unwrap()
            .iter()
            .filter(|d| d.revoked)
            .count(),
        2
    );
}

#[test]
fn a_revoked_lead_s_unused_invites_are_withdrawn() {
    let storage = with_team();
    enroll(&storage, 2, Role::Lead);
    storage
        .put_invite(team(), id(2), &invite(5, NOW + 1000), NOW)
        .unwrap();
    storage
        .put_invite(team(), id(1), &invite(6, NOW + 1000), NOW)
        .unwrap();
    storage.revoke(team(), &revocation(2, 2, &[1]), NOW).unwrap();
    let err = storage
        .take_invite(id(205), id(5), &keys(5).public(), NOW)
        .unwrap_err();
    assert!(matches!(err, HubError::InviteNotFound), "{err}");
    storage
        .take_invite(id(206), id(6), &keys(6).public(), NOW)
        .unwrap();
}

#[test]
fn the_latest_snapshot_of_each_document_is_kept() {
    let storage = with_team();
    storage
        .append(team(), &(1..=5).map(|n| entry(n, 10)).collect::<Vec<_>>(), NOW)
        .unwrap();
    let snapshot = |covers_seq, n| Snapshot {
        covers_seq,
        entry: entry(n, 20),
    };
    // entry(n) is of document 50 + n % 3: 3 and 6 are one document, 4 another.
    storage.put_snapshot(team(), &snapshot(2, 3), NOW).unwrap();
    storage.put_snapshot(team(), &snapshot(4, 4), NOW).unwrap();
    storage.put_snapshot(team(), &snapshot(1, 6), NOW).unwrap();
    let stored = storage.snapshots(team(), None, usize::MAX).unwrap().snapshots;
    assert_eq!(stored.len(), 2);
    assert!(
        stored.contains(&snapshot(2, 3)),
        "an older snapshot replaced a newer one"
    );
    storage.put_snapshot(team(), &snapshot(5, 6), NOW).unwrap();
    let stored = storage.snapshots(team(), None, usize::MAX).unwrap().snapshots;
    assert!(stored.contains(&snapshot(5, 6)));
    assert!(stored.contains(&snapshot(4, 4)));
    assert_eq!(stored.len(), 2);
    let err = storage.put_snapshot(team(), &snapshot(6, 9), NOW).unwrap_err();
    assert_eq!(err.code(), "bad_request");
    assert_eq!(
        storage
            .snapshots(team(), None, usize::MAX)
            .unwrap()
            .snapshots
            .len(),
        2
    );
}

#[test]
fn everything_acknowledged_is_there_after_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let entries: Vec<_> = (1..=20).map(|n| entry(n, 300)).collect();
    {
        let storage = SqliteStorage::open(dir.path()).unwrap();
        let conn = storage.conn();
        let journal: String = conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        let synchronous: i64 = conn
            .pragma_query_value(None, "synchronous", |r| r.get(0))
            .unwrap();
        assert_eq!(
            (journal.as_str(), synchronous),
            ("wal", 2),
            "WAL with synchronous = FULL"
        );
        drop(conn);
        storage
            .create_team(team(), id(1), &keys(1).public(), NOW)
            .unwrap();
        storage
            .put_invite(team(), id(1), &invite(2, NOW + 1000), NOW)
            .unwrap();
        storage
            .put_invite(team(), id(1), &invite(3, NOW + 1000), NOW)
            .unwrap();
        storage
            .take_invite(id(202), id(2), &keys(2).public(), NOW)
            .unwrap();
        storage.append(team(), &entries[..12], NOW).unwrap();
        storage.append(team(), &entries[12..], NOW).unwrap();
        storage
            .put_snapshot(
                team(),
                &Snapshot {
                    covers_seq: 7,
                    entry: entry(7, 40),
                },
                NOW,
            )
            .unwrap();
        storage.revoke(team(), &revocation(2, 2, &[1]), NOW).unwrap();
    }
    assert!(dir.path().join("hub.db").exists());
    let storage = SqliteStorage::open(dir.path()).unwrap();
    let page = storage.entries_after(team(), 0, 1000, usize::MAX, None).unwrap();
    assert_eq!(
        page.entries.iter().map(|e| e.entry.clone()).collect::<Vec<_>>(),
        entries
    );
    assert_eq!(seqs(&storage, 0), (1..=20).collect::<Vec<_>>());
    assert_eq!(storage.epoch(team()).unwrap(), Some(2));
    assert!(storage.device(team(), id(2)).unwrap().unwrap().revoked);
    assert_eq!(storage.device_keys(team(), id(1)).unwrap().len(), 1);
    assert_eq!(
        storage.snapshots(team(), None, usize::MAX).unwrap().snapshots[0].covers_seq,
        7
    );
    let err = storage
        .take_invite(id(202), id(4), &keys(4).public(), NOW)
        .unwrap_err();
    assert!(matches!(err, HubError::InviteUsed), "{err}");
    storage
        .take_invite(id(203), id(3), &keys(3).public(), NOW)
        .unwrap();
    // The log goes on where it stopped, and old entry ids are still known.
    let acks = storage
        .append(team(), &[entry(5, 300), entry(21, 300)], NOW)
        .unwrap();
    assert_eq!(acks.iter().map(|a| a.seq).collect::<Vec<_>>(), [5, 21]);
}

#[test]
fn a_database_from_a_newer_hub_or_a_missing_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    drop(SqliteStorage::open(dir.path()).unwrap());
    {
        let conn = rusqlite::Connection::open(dir.path().join("hub.db")).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
    }
    let err = SqliteStorage::open(dir.path()).unwrap_err();
    assert!(matches!(err, HubError::NewerDatabase { found: 99, .. }), "{err}");
    let err = SqliteStorage::open(&dir.path().join("missing")).unwrap_err();
    assert!(matches!(err, HubError::Open { .. }), "{err}");
    assert!(err.to_string().contains("data directory"), "{err}");
}

#[test]
fn a_device_starting_from_snapshots_pulls_only_what_they_do_not_hold() {
    let storage = with_team();
    // Entries 1..=9: documents 50 + n % 3, so seq n is of document 50 + n % 3.
    storage
        .append(team(), &(1..=9).map(|n| entry(n, 10)).collect::<Vec<_>>(), NOW)
        .unwrap();
    let snapshot = |covers_seq, n| Snapshot {
        covers_seq,
        entry: entry(n, 20),
    };
    // Document 51 (seqs 1, 4, 7) up to 4; document 52 (seqs 2, 5, 8) up to 8; 50 has none.
    storage.put_snapshot(team(), &snapshot(4, 1), NOW).unwrap();
    storage.put_snapshot(team(), &snapshot(8, 2), NOW).unwrap();
    let page = storage.snapshots(team(), None, usize::MAX).unwrap();
    assert_eq!((page.snapshots.len(), page.version, page.more), (2, 2, false));
    let pulled = |skip| {
        storage
            .entries_after(team(), 0, 100, usize::MAX, skip)
            .unwrap()
            .entries
            .iter()
            .map(|e| e.seq)
            .collect::<Vec<_>>()
    };
    assert_eq!(pulled(Some(page.version)), [3, 6, 7, 9]);
    assert_eq!(pulled(None), (1..=9).collect::<Vec<_>>());
    // Document 52's snapshot is replaced after the device read the pages: its
    // entries all come, since the device may hold the older one.
    storage.put_snapshot(team(), &snapshot(9, 5), NOW).unwrap();
    assert_eq!(pulled(Some(page.version)), [2, 3, 5, 6, 7, 8, 9]);
    // Pages: one snapshot at a time, in document order, then none left.
    let first = storage.snapshots(team(), None, 1).unwrap();
    assert_eq!((first.snapshots.len(), first.more, first.version), (1, true, 3));
    let after = first.snapshots[0].entry.header.docs[0];
    let second = storage.snapshots(team(), Some(after), 1).unwrap();
    assert_eq!((second.snapshots.len(), second.more), (1, false));
    assert!(second.snapshots[0].entry.header.docs[0] > after);
}

#[test]
fn an_entry_of_several_documents_is_skipped_only_when_snapshots_hold_them_all() {
    let storage = with_team();
    let several = |n: u32, docs: &[u8]| SealedEntry {
        header: EntryHeader {
            docs: docs.iter().map(|d| id(*d)).collect(),
            ..entry(n, 10).header
        },
        ..entry(n, 10)
    };
    // 1: documents 60 and 61; 2: documents 61 and 62; 3: document 60 alone.
    let entries = [several(1, &[60, 61]), several(2, &[61, 62]), several(3, &[60])];
    storage.append(team(), &entries, NOW).unwrap();
    let snapshot = |doc: u8| Snapshot {
        covers_seq: 3,
        entry: several(10 + u32::from(doc), &[doc]),
    };
    storage.put_snapshot(team(), &snapshot(60), NOW).unwrap();
    storage.put_snapshot(team(), &snapshot(61), NOW).unwrap();
    let version = storage.snapshots(team(), None, usize::MAX).unwrap().version;
    let page = storage
        .entries_after(team(), 0, 100, usize::MAX, Some(version))
        .unwrap();
    let seqs: Vec<u64> = page.entries.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, [2], "62 has no snapshot; 1 and 3 are held whole");
    assert_eq!(
        page.entries[0].entry, entries[1],
        "read back with its list of documents"
    );
    assert_eq!(page.until, 3);
    let all = storage.entries_after(team(), 0, 100, usize::MAX, None).unwrap();
    assert_eq!(
        all.entries.iter().map(|e| &e.entry).collect::<Vec<_>>(),
        entries.iter().collect::<Vec<_>>()
    );
}

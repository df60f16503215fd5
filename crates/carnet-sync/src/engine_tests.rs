use std::collections::HashMap;

use carnet_protocol::{Ack, DeviceSecretKeys, LogEntry, SyncResponse, TeamKey};

use super::*;
use crate::keys::RosterEntry;

/// A hub reduced to its log, for exercising the engine alone.
#[derive(Default)]
struct LogHub {
    log: Vec<SealedEntry>,
    seq_of: HashMap<Uuid, u64>,
    page: usize,
    keys: HashMap<Uuid, carnet_protocol::DevicePublicKeys>,
}

impl LogHub {
    fn handle(&mut self, bytes: &[u8]) -> Vec<u8> {
        let signed: SignedRequest = decode(bytes).unwrap();
        let Request::Sync(request) = signed.open(&self.keys[&signed.device]).unwrap() else {
            panic!()
        };
        let mut acks = Vec::new();
        for entry in request.push {
            let id = entry.header.entry_id;
            let seq = match self.seq_of.get(&id) {
                Some(seq) => *seq,
                None => {
                    self.log.push(entry);
                    self.seq_of.insert(id, self.log.len() as u64);
                    self.log.len() as u64
                }
            };
            acks.push(Ack { entry_id: id, seq });
        }
        let page = if self.page == 0 { usize::MAX } else { self.page };
        let entries: Vec<LogEntry> = self
            .log
            .iter()
            .enumerate()
            .skip(request.cursor as usize)
            .take(page)
            .map(|(i, entry)| LogEntry {
                seq: i as u64 + 1,
                entry: entry.clone(),
            })
            .collect();
        let cursor = entries.last().map_or(request.cursor, |e| e.seq);
        let more = (cursor as usize) < self.log.len();
        // As the hub does: what was pushed in this request does not come back.
        let pushed: Vec<u64> = acks.iter().map(|a| a.seq).collect();
        let entries = entries.into_iter().filter(|e| !pushed.contains(&e.seq)).collect();
        encode(&Response::Synced(SyncResponse {
            acks,
            entries,
            cursor,
            more,
            devices: None,
        }))
    }
}

const TEAM: Uuid = Uuid::from_bytes([7; 16]);

fn member(n: u8, hub: &mut LogHub) -> Membership {
    let device = Uuid::from_bytes([n; 16]);
    let keys = DeviceSecretKeys::from_seeds([n; 32], [n + 50; 32]);
    hub.keys.insert(device, keys.public());
    Membership::new(TEAM, device, keys, vec![TeamKey::new(1, [42; 32])])
}

fn introduce(all: &mut [&mut Membership]) {
    let known: Vec<(Uuid, RosterEntry)> = all
        .iter()
        .map(|m| {
            (
                m.device,
                RosterEntry {
                    keys: m.keys.public(),
                    revoked: false,
                },
            )
        })
        .collect();
    for m in all.iter_mut() {
        for (device, entry) in &known {
            m.set_device(*device, *entry);
        }
    }
}

fn random(n: u64) -> [u8; 40] {
    let mut r = [0u8; 40];
    r[..8].copy_from_slice(&n.to_be_bytes());
    r[20..28].copy_from_slice(&n.to_le_bytes());
    r
}

/// Runs exchanges until the engine is idle; returns the applied changes.
fn sync(engine: &mut SyncEngine, m: &Membership, hub: &mut LogHub, now: i64) -> Vec<Effect> {
    engine.request_sync();
    let mut effects = Vec::new();
    for _ in 0..20 {
        let Some(Effect::Send(bytes)) = engine.poll(m, now) else {
            break;
        };
        let answer = hub.handle(&bytes);
        effects.extend(engine.on_response(m, now, Ok(&answer)));
    }
    assert!(
        engine.is_idle(),
        "the engine should be done: {:?}",
        engine.status()
    );
    effects
}

fn applied(effects: &[Effect]) -> Vec<Vec<u8>> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Apply { changes, .. } => Some(changes.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn changes_queued_on_one_device_are_applied_on_another_in_one_exchange_each() {
    let mut hub = LogHub::default();
    let (mut a, mut b) = (member(1, &mut hub), member(2, &mut hub));
    introduce(&mut [&mut a, &mut b]);
    let (mut ea, mut eb) = (
        SyncEngine::new(EngineState::default()),
        SyncEngine::new(EngineState::default()),
    );
    let doc = Uuid::from_bytes([9; 16]);
    let one = ea
        .queue(&a, &[(doc, b"change one".as_slice())], random(1))
        .unwrap();
    let two = ea
        .queue(&a, &[(doc, b"change two".as_slice())], random(2))
        .unwrap();
    assert_eq!(ea.status().pending, 2);
    let queued = vec![one.header.entry_id, two.header.entry_id];
    let mut sends = 0;
    ea.request_sync();
    while let Some(Effect::Send(bytes)) = ea.poll(&a, 10) {
        sends += 1;
        let answer = hub.handle(&bytes);
        let effects = ea.on_response(&a, 10, Ok(&answer));
        // Its own entries come back in the log; applying them again is harmless.
        assert!(
            matches!(effects.last(), Some(Effect::Persist(checkpoint)) if checkpoint.acked == queued),
            "both entries leave the saved outbox"
        );
        assert!(ea.state().outbox.is_empty());
    }
    assert_eq!(sends, 1, "push and pull take one round trip");
    assert_eq!(ea.status().pending, 0);
    let effects = sync(&mut eb, &b, &mut hub, 20);
    assert_eq!(
        applied(&effects),
        vec![b"change one".to_vec(), b"change two".to_vec()]
    );
    assert_eq!(eb.state().cursor, 2);
    assert!(
        matches!(effects.last(), Some(Effect::Persist(_))),
        "state is saved after the changes"
    );
}

#[test]
fn a_lost_acknowledgement_is_retried_without_duplicating() {
    let mut hub = LogHub::default();
    let a = member(1, &mut hub);
    let mut engine = SyncEngine::new(EngineState::default());
    engine
        .queue(&a, &[(Uuid::nil(), b"once".as_slice())], random(1))
        .unwrap();
    let Some(Effect::Send(bytes)) = engine.poll(&a, 0) else {
        panic!()
    };
    let _lost = hub.handle(&bytes);
    let failed = TransportError {
        retryable: true,
        message: "the connection dropped".into(),
    };
    assert!(engine.on_response(&a, 0, Err(failed)).is_empty());
    assert_eq!(
        engine.status().last_error.as_deref(),
        Some("the connection dropped")
    );
    assert_eq!(engine.status().pending, 1);
    // Backoff: nothing before a second has passed.
    assert!(engine.poll(&a, 500).is_none());
    let effects = sync(&mut engine, &a, &mut hub, 1_000);
    assert_eq!(hub.log.len(), 1, "the retried push was stored once");
    assert!(
        applied(&effects).is_empty(),
        "acknowledged, it does not come back"
    );
    assert_eq!(engine.state().cursor, 1);
    assert_eq!(engine.status().last_error, None);
}

#[test]
fn backoff_doubles_and_is_capped() {
    let mut hub = LogHub::default();
    let a = member(1, &mut hub);
    let mut engine = SyncEngine::new(EngineState::default());
    engine.request_sync();
    let mut waits = Vec::new();
    let mut now = 0;
    for _ in 0..12 {
        assert!(engine.poll(&a, now).is_some());
        engine.on_response(
            &a,
            now,
            Err(TransportError {
                retryable: true,
                message: "offline".into(),
            }),
        );
        waits.push(engine.status().next_attempt_ms - now);
        now = engine.status().next_attempt_ms;
    }
    assert_eq!(&waits[..4], &[1_000, 2_000, 4_000, 8_000]);
    assert_eq!(*waits.last().unwrap(), 300_000);
}

#[test]
fn a_duplicated_answer_is_ignored() {
    let mut hub = LogHub::default();
    let (mut a, mut b) = (member(1, &mut hub), member(2, &mut hub));
    introduce(&mut [&mut a, &mut b]);
    let mut ea = SyncEngine::new(EngineState::default());
    ea.queue(&a, &[(Uuid::nil(), b"x".as_slice())], random(1))
        .unwrap();
    sync(&mut ea, &a, &mut hub, 0);
    let mut eb = SyncEngine::new(EngineState::default());
    eb.request_sync();
    let Some(Effect::Send(bytes)) = eb.poll(&b, 0) else {
        panic!()
    };
    let answer = hub.handle(&bytes);
    assert_eq!(applied(&eb.on_response(&b, 0, Ok(&answer))).len(), 1);
    assert!(eb.on_response(&b, 0, Ok(&answer)).is_empty());
}

#[test]
fn entries_that_fail_checks_are_rejected_and_the_others_applied() {
    let mut hub = LogHub::default();
    let (mut a, mut b) = (member(1, &mut hub), member(2, &mut hub));
    introduce(&mut [&mut a, &mut b]);
    let stranger = member(3, &mut hub);
    let mut ea = SyncEngine::new(EngineState::default());
    let mut es = SyncEngine::new(EngineState::default());
    ea.queue(&a, &[(Uuid::nil(), b"first".as_slice())], random(1))
        .unwrap();
    sync(&mut ea, &a, &mut hub, 0);
    es.queue(
        &stranger,
        &[(Uuid::nil(), b"from a stranger".as_slice())],
        random(2),
    )
    .unwrap();
    sync(&mut es, &stranger, &mut hub, 0);
    ea.queue(&a, &[(Uuid::nil(), b"third".as_slice())], random(3))
        .unwrap();
    sync(&mut ea, &a, &mut hub, 0);
    // The hub flips a bit in the first entry.
    hub.log[0].ciphertext[0] ^= 1;
    let mut eb = SyncEngine::new(EngineState::default());
    let effects = sync(&mut eb, &b, &mut hub, 0);
    let rejected: Vec<(u64, String)> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Reject { seq, reason, .. } => Some((*seq, reason.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(rejected.len(), 2, "{rejected:?}");
    assert_eq!(rejected[0].0, 1);
    assert!(rejected[0].1.contains("signature"), "{}", rejected[0].1);
    assert_eq!(rejected[1].0, 2);
    assert!(rejected[1].1.contains("not in the team"), "{}", rejected[1].1);
    assert_eq!(applied(&effects), vec![b"third".to_vec()]);
    assert_eq!(eb.state().cursor, 3);
}

#[test]
fn a_long_log_arrives_in_pages_and_an_old_page_is_not_applied_twice() {
    let mut hub = LogHub {
        page: 3,
        ..LogHub::default()
    };
    let (mut a, mut b) = (member(1, &mut hub), member(2, &mut hub));
    introduce(&mut [&mut a, &mut b]);
    let mut ea = SyncEngine::new(EngineState::default());
    for i in 0..10u64 {
        ea.queue(&a, &[(Uuid::nil(), format!("change {i}").as_bytes())], random(i))
            .unwrap();
    }
    sync(&mut ea, &a, &mut hub, 0);
    assert_eq!(hub.log.len(), 10);
    let mut eb = SyncEngine::new(EngineState::default());
    eb.request_sync();
    let Some(Effect::Send(first_request)) = eb.poll(&b, 0) else {
        panic!()
    };
    let first_page = hub.handle(&first_request);
    assert_eq!(applied(&eb.on_response(&b, 0, Ok(&first_page))).len(), 3);
    let mut rest = sync(&mut eb, &b, &mut hub, 0);
    assert_eq!(applied(&rest).len(), 7);
    // An old page delivered again, as the answer to a new request, changes nothing.
    eb.request_sync();
    let Some(Effect::Send(_)) = eb.poll(&b, 0) else {
        panic!()
    };
    rest = eb.on_response(&b, 0, Ok(&first_page));
    assert!(applied(&rest).is_empty());
    assert_eq!(eb.state().cursor, 10);
}

#[test]
fn a_revoked_devices_view_of_new_epochs_is_empty() {
    let mut hub = LogHub::default();
    let (mut a, mut b) = (member(1, &mut hub), member(2, &mut hub));
    introduce(&mut [&mut a, &mut b]);
    a.add_team_key(TeamKey::new(2, [43; 32]));
    let mut ea = SyncEngine::new(EngineState::default());
    ea.queue(&a, &[(Uuid::nil(), b"after the rotation".as_slice())], random(1))
        .unwrap();
    sync(&mut ea, &a, &mut hub, 0);
    let mut eb = SyncEngine::new(EngineState::default());
    let effects = sync(&mut eb, &b, &mut hub, 0);
    assert!(applied(&effects).is_empty());
    assert!(matches!(&effects[0], Effect::Reject { reason, .. } if reason.contains("epoch 2")));
}

#[test]
fn a_sync_asked_for_during_an_exchange_follows_it() {
    let mut hub = LogHub::default();
    let (mut a, mut b) = (member(1, &mut hub), member(2, &mut hub));
    introduce(&mut [&mut a, &mut b]);
    let mut eb = SyncEngine::new(EngineState::default());
    eb.request_sync();
    let Some(Effect::Send(bytes)) = eb.poll(&b, 0) else {
        panic!()
    };
    let answer = hub.handle(&bytes);
    // Meanwhile another device pushes, and this one is asked to sync again.
    let mut ea = SyncEngine::new(EngineState::default());
    ea.queue(&a, &[(Uuid::nil(), b"late".as_slice())], random(1))
        .unwrap();
    sync(&mut ea, &a, &mut hub, 0);
    eb.request_sync();
    eb.on_response(&b, 0, Ok(&answer));
    assert!(!eb.is_idle());
    assert_eq!(applied(&sync(&mut eb, &b, &mut hub, 0)), vec![b"late".to_vec()]);
}

#[test]
fn each_exchange_saves_what_it_changed_not_the_backlog() {
    // A lead uploading a full notebook: the outbox holds many entries and is
    // pushed MAX_PUSH at a time. Every checkpoint names only the entries of
    // its own exchange, and a saved state brought up to date with the
    // checkpoints matches the engine's at every step.
    let mut hub = LogHub {
        page: 1,
        ..LogHub::default()
    };
    let a = member(1, &mut hub);
    let mut engine = SyncEngine::new(EngineState::default());
    let mut saved = EngineState::default();
    let backlog = MAX_PUSH * 3 + 7;
    for i in 0..backlog {
        let entry = engine
            .queue(
                &a,
                &[(Uuid::from_u128(i as u128), b"a case file".as_slice())],
                random(i as u64),
            )
            .unwrap();
        saved.outbox.push(entry);
    }
    assert_eq!(&saved, engine.state());
    engine.request_sync();
    let mut exchanges = 0;
    while let Some(Effect::Send(bytes)) = engine.poll(&a, 0) {
        exchanges += 1;
        let answer = hub.handle(&bytes);
        let effects = engine.on_response(&a, 0, Ok(&answer));
        let Some(Effect::Persist(checkpoint)) = effects.last() else {
            panic!("an answer ends with Persist: {effects:?}");
        };
        assert!(
            checkpoint.acked.len() <= MAX_PUSH,
            "a checkpoint names {} entries",
            checkpoint.acked.len()
        );
        saved.apply(checkpoint);
        assert_eq!(&saved, engine.state(), "after exchange {exchanges}");
        assert!(exchanges < 100_000, "the engine never settles");
    }
    assert!(engine.is_idle());
    assert!(saved.outbox.is_empty());
    assert_eq!(hub.log.len(), backlog);
}

#[test]
fn an_entry_of_several_case_files_applies_to_each_and_its_own_place_is_passed_over() {
    let mut hub = LogHub::default();
    let (mut a, mut b) = (member(1, &mut hub), member(2, &mut hub));
    introduce(&mut [&mut a, &mut b]);
    let (mut ea, mut eb) = (
        SyncEngine::new(EngineState::default()),
        SyncEngine::new(EngineState::default()),
    );
    let (x, y) = (Uuid::from_u128(20), Uuid::from_u128(10));
    let entry = ea
        .queue(
            &a,
            &[(x, b"visit in x".as_slice()), (y, b"visit in y".as_slice())],
            random(1),
        )
        .unwrap();
    assert_eq!(entry.header.docs, vec![y, x], "documents are listed in order");
    let own = sync(&mut ea, &a, &mut hub, 1_000);
    assert!(
        applied(&own).is_empty(),
        "a device's own entry does not come back"
    );
    let Some(Effect::Persist(checkpoint)) = own.last() else {
        panic!("{own:?}")
    };
    assert_eq!(checkpoint.cursor, 1, "its place in the log is passed over");
    assert_eq!(checkpoint.acked_docs, vec![y, x]);
    let received = sync(&mut eb, &b, &mut hub, 1_000);
    let applies: Vec<(u64, Uuid, Vec<u8>)> = received
        .iter()
        .filter_map(|e| match e {
            Effect::Apply {
                seq, doc, changes, ..
            } => Some((*seq, *doc, changes.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        applies,
        vec![(1, y, b"visit in y".to_vec()), (1, x, b"visit in x".to_vec())]
    );
}

#[test]
fn a_claimed_cursor_moves_only_over_received_or_acknowledged_places() {
    let mut hub = LogHub::default();
    let (mut a, mut b) = (member(1, &mut hub), member(2, &mut hub));
    introduce(&mut [&mut a, &mut b]);
    let mut ea = SyncEngine::new(EngineState::default());
    ea.queue(&a, &[(Uuid::nil(), b"one".as_slice())], random(1))
        .unwrap();
    sync(&mut ea, &a, &mut hub, 1_000);
    // b pushes one entry; a hub claims the log goes on to 9 while sending nothing else.
    let mut eb = SyncEngine::new(EngineState::default());
    eb.queue(&b, &[(Uuid::nil(), b"two".as_slice())], random(2))
        .unwrap();
    eb.request_sync();
    let Some(Effect::Send(_)) = eb.poll(&b, 1_000) else {
        panic!()
    };
    let answer = encode(&Response::Synced(SyncResponse {
        acks: vec![Ack {
            entry_id: eb.state().outbox[0].header.entry_id,
            seq: 2,
        }],
        entries: vec![],
        cursor: 9,
        more: false,
        devices: None,
    }));
    let effects = eb.on_response(&b, 1_000, Ok(&answer));
    let Some(Effect::Persist(checkpoint)) = effects.last() else {
        panic!("{effects:?}")
    };
    assert_eq!(
        checkpoint.cursor, 0,
        "place 1 was neither received nor pushed here"
    );
}

#[test]
fn a_push_stops_before_two_megabytes_of_entries() {
    let mut hub = LogHub::default();
    let a = member(1, &mut hub);
    let mut ea = SyncEngine::new(EngineState::default());
    let big = vec![7u8; 900 * 1024];
    for i in 0..4u64 {
        ea.queue(&a, &[(Uuid::from_u128(u128::from(i)), big.as_slice())], random(i))
            .unwrap();
    }
    ea.request_sync();
    let Some(Effect::Send(bytes)) = ea.poll(&a, 1_000) else {
        panic!()
    };
    let signed: SignedRequest = decode(&bytes).unwrap();
    let Request::Sync(request) = signed.open(&a.keys.public()).unwrap() else {
        panic!()
    };
    assert_eq!(request.push.len(), 2, "two entries of 900 KiB, not four");
    let answer = hub.handle(&bytes);
    ea.on_response(&a, 1_000, Ok(&answer));
    assert_eq!(ea.state().outbox.len(), 2);
}

#[test]
fn a_caller_on_a_slow_link_asks_for_smaller_exchanges() {
    let mut hub = LogHub::default();
    let a = member(1, &mut hub);
    let mut ea = SyncEngine::new(EngineState::default());
    let note = vec![7u8; 20 * 1024];
    for i in 0..4u64 {
        ea.queue(
            &a,
            &[(Uuid::from_u128(u128::from(i)), note.as_slice())],
            random(i),
        )
        .unwrap();
    }
    // 30 KiB of entries at most: one entry of 20 KiB, then one at a time;
    // a limit of nothing still sends one entry, so the outbox drains.
    for (limits, pushed) in [((30 * 1024, 7), 1), ((0, 0), 1), ((45 * 1024, 500), 2)] {
        ea.set_limits(ExchangeLimits {
            push_bytes: limits.0,
            pull_entries: limits.1,
        });
        ea.request_sync();
        let Some(Effect::Send(bytes)) = ea.poll(&a, 1_000) else {
            panic!()
        };
        let signed: SignedRequest = decode(&bytes).unwrap();
        let Request::Sync(request) = signed.open(&a.keys.public()).unwrap() else {
            panic!()
        };
        assert_eq!(request.push.len(), pushed, "{limits:?}");
        assert_eq!(request.limit, limits.1.max(1), "{limits:?}");
        let answer = hub.handle(&bytes);
        ea.on_response(&a, 1_000, Ok(&answer));
    }
    assert!(ea.state().outbox.is_empty());
}

#[test]
fn a_state_saved_under_protocol_2_resumes_with_its_outbox() {
    let mut hub = LogHub::default();
    let a = member(1, &mut hub);
    let entry = a
        .seal(Uuid::from_u128(5), b"waiting since version 2", random(1))
        .unwrap();
    let old = carnet_protocol::v2::SealedEntryV2::try_from(&entry).unwrap();
    #[derive(Serialize)]
    struct SavedV2 {
        cursor: u64,
        outbox: Vec<carnet_protocol::v2::SealedEntryV2>,
        skip_snapshots: Option<u64>,
    }
    let mut saved = b"CRNT".to_vec();
    saved.extend_from_slice(&2u16.to_be_bytes());
    saved.extend_from_slice(
        &postcard::to_allocvec(&SavedV2 {
            cursor: 4,
            outbox: vec![old],
            skip_snapshots: None,
        })
        .unwrap(),
    );
    let state = EngineState::decode_saved(&saved).unwrap();
    assert_eq!((state.cursor, state.outbox.clone()), (4, vec![entry]));
    assert_eq!(EngineState::decode_saved(&encode(&state)).unwrap(), state);
    let mut engine = SyncEngine::new(state);
    sync(&mut engine, &a, &mut hub, 1_000);
    assert_eq!(
        hub.log.len(),
        1,
        "the entry saved under version 2 reached the hub"
    );
    hub.log[0].verify(&a.keys.public()).unwrap();
}

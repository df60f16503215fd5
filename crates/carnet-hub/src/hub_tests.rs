use carnet_protocol::{
    DeviceKey, Invite, PROTOCOL_VERSION, Request, Response, Revocation, Role, SealedEntry, SignedRequest,
    SyncRequest, encode,
};
use uuid::Uuid;

use crate::fixtures::{Member, NOW, TestTeam, id, invite, join, keys, roomy, team_key, wrapped};
use crate::{HubConfig, HubError, HubStorage, MAX_BODY_BYTES, MAX_CLOCK_SKEW_MS, MAX_ENTRY_BYTES, RateLimit};

#[track_caller]
fn assert_code(result: Result<Response, HubError>, code: &str) -> HubError {
    match result {
        Err(error) => {
            assert_eq!(error.code(), code, "{error}");
            error
        }
        Ok(response) => panic!("expected {code}, got {response:?}"),
    }
}

fn devices(t: &TestTeam, member: &Member) -> (Vec<carnet_protocol::DeviceRecord>, u32, Vec<DeviceKey>) {
    match t.send(member, &Request::Devices).unwrap() {
        Response::Devices(list) => (list.devices, list.epoch, list.keys),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_new_team_has_its_lead_and_the_workers_who_joined() {
    let t = TestTeam::new();
    let (records, epoch, wrapped_keys) = devices(&t, &t.worker);
    assert_eq!(epoch, 1);
    assert!(wrapped_keys.is_empty());
    assert_eq!(records.len(), 2);
    assert_eq!((records[0].device, records[0].role), (t.lead.device, Role::Lead));
    assert_eq!(
        (records[1].device, records[1].role),
        (t.worker.device, Role::Worker)
    );
    assert_eq!(records[1].keys, t.worker.keys.public());
    assert_eq!(records[1].invite_id, invite(2, Role::Worker).invite_id);
}

#[test]
fn a_team_is_created_once_and_only_with_a_signature_by_the_keys_it_enrolls() {
    let t = TestTeam::new();
    // The lead asking again (its answer was lost) is told the team exists as it asked.
    let again = Request::CreateTeam {
        keys: t.lead.keys.public(),
    };
    assert_eq!(t.send(&t.lead, &again).unwrap(), Response::TeamCreated);
    // Anyone else, known or not, is refused.
    let stranger = Member::new(3, t.team());
    let theirs = Request::CreateTeam {
        keys: stranger.keys.public(),
    };
    assert_code(t.send(&stranger, &theirs), "team_exists");
    assert_code(
        t.send(
            &t.worker,
            &Request::CreateTeam {
                keys: t.worker.keys.public(),
            },
        ),
        "team_exists",
    );

    // A request signed by other keys than those it enrolls creates nothing.
    let newcomer = Member::new(4, id(101));
    let forged = SignedRequest::sign(
        id(101),
        newcomer.device,
        NOW,
        &Request::CreateTeam {
            keys: newcomer.keys.public(),
        },
        &keys(9),
    );
    assert_code(t.hub.handle(NOW, &encode(&forged)), "unauthenticated");
    assert_eq!(t.hub.storage().epoch(id(101)).unwrap(), None);
    let create = Request::CreateTeam {
        keys: newcomer.keys.public(),
    };
    assert_eq!(t.send(&newcomer, &create).unwrap(), Response::TeamCreated);

    let nil_team = Member::new(5, Uuid::nil());
    let create = Request::CreateTeam {
        keys: nil_team.keys.public(),
    };
    assert_code(t.send(&nil_team, &create), "bad_request");
}

#[test]
fn an_invite_enrolls_one_device_before_it_expires() {
    let t = TestTeam::new();
    let join_request = |member: &Member, invite_id| Request::Join {
        invite_id,
        keys: member.keys.public(),
    };
    let used = invite(2, Role::Worker).invite_id;
    let newcomer = Member::new(3, Uuid::nil());
    assert_code(t.send(&newcomer, &join_request(&newcomer, used)), "invite_used");
    assert_code(
        t.send(&newcomer, &join_request(&newcomer, id(250))),
        "invite_not_found",
    );

    // The worker who joined, asking again with the same keys, gets the same answer.
    let mut retry = Member::new(2, Uuid::nil());
    retry.keys = t.worker.keys.clone();
    match t.send(&retry, &join_request(&retry, used)).unwrap() {
        Response::Joined { team, role, .. } => assert_eq!((team, role), (t.team(), Role::Worker)),
        other => panic!("{other:?}"),
    }

    let short = Invite {
        expires_ms: NOW + 1000,
        ..invite(3, Role::Worker)
    };
    assert_eq!(
        t.send(&t.lead, &Request::CreateInvite(short.clone())).unwrap(),
        Response::InviteCreated
    );
    let late = newcomer.sign(&join_request(&newcomer, short.invite_id));
    assert_code(t.hub.handle(NOW + 1001, &late), "invite_expired");

    // A join signed by other keys than those it enrolls uses nothing up.
    let fresh = invite(4, Role::Lead);
    t.send(&t.lead, &Request::CreateInvite(fresh.clone())).unwrap();
    let forged = SignedRequest::sign(
        Uuid::nil(),
        newcomer.device,
        NOW,
        &join_request(&newcomer, fresh.invite_id),
        &keys(9),
    );
    assert_code(t.hub.handle(NOW, &encode(&forged)), "unauthenticated");
    // Joining names no team.
    let in_team = Member::new(3, t.team());
    assert_code(
        t.send(&in_team, &join_request(&in_team, fresh.invite_id)),
        "bad_request",
    );
    assert_eq!(devices(&t, &t.lead).0.len(), 2);
    match t
        .send(&newcomer, &join_request(&newcomer, fresh.invite_id))
        .unwrap()
    {
        Response::Joined { role, wrapped: w, .. } => assert_eq!((role, w), (Role::Lead, fresh.wrapped)),
        other => panic!("{other:?}"),
    }
    assert_eq!(devices(&t, &t.lead).0.len(), 3);

    let expired = Invite {
        expires_ms: NOW - 1,
        ..invite(5, Role::Worker)
    };
    assert_code(t.send(&t.lead, &Request::CreateInvite(expired)), "bad_request");
}

#[test]
fn a_worker_can_neither_invite_nor_revoke_and_changes_nothing_trying() {
    let t = TestTeam::new();
    let err = assert_code(
        t.send(&t.worker, &Request::CreateInvite(invite(7, Role::Lead))),
        "forbidden",
    );
    assert_eq!(err.status(), 403);
    let revoke_lead = Request::Revoke(Revocation {
        device: t.lead.device,
        epoch: 2,
        keys: vec![],
    });
    assert_code(t.send(&t.worker, &revoke_lead), "forbidden");
    let newcomer = Member::new(7, Uuid::nil());
    let join_request = Request::Join {
        invite_id: invite(7, Role::Lead).invite_id,
        keys: newcomer.keys.public(),
    };
    assert_code(t.send(&newcomer, &join_request), "invite_not_found");
    let (records, epoch, _) = devices(&t, &t.lead);
    assert_eq!(epoch, 1);
    assert!(records.iter().all(|r| !r.revoked));
}

#[test]
fn pushed_entries_are_acknowledged_once_and_pulled_in_pages_as_they_were_sealed() {
    let mut t = TestTeam::new();
    let entries: Vec<SealedEntry> = (0..3)
        .map(|i| t.worker.entry(10, format!("visit {i}").as_bytes()))
        .collect();
    let first = t.sync(&t.worker, 0, entries.clone(), 100);
    assert_eq!(first.acks.iter().map(|a| a.seq).collect::<Vec<_>>(), [1, 2, 3]);
    assert!(
        first.entries.is_empty(),
        "what was just pushed does not come back"
    );
    assert_eq!((first.cursor, first.more), (3, false));
    // The same push again, as after a lost answer: same seqs, nothing added.
    let retry = t.sync(&t.worker, 3, entries.clone(), 100);
    assert_eq!(retry.acks, first.acks);
    assert!(retry.entries.is_empty());
    assert_eq!(retry.cursor, 3);
    assert_eq!(t.log_len(), 3);

    let page = t.sync(&t.lead, 0, vec![], 2);
    assert_eq!((page.entries.len(), page.cursor, page.more), (2, 2, true));
    let rest = t.sync(&t.lead, page.cursor, vec![], 2);
    assert_eq!((rest.entries.len(), rest.cursor, rest.more), (1, 3, false));
    // What the lead pulls is what the worker sealed: it verifies and opens.
    for (pulled, sent) in page.entries.iter().chain(&rest.entries).zip(&entries) {
        assert_eq!(&pulled.entry, sent);
        pulled.entry.verify(&t.worker.keys.public()).unwrap();
        assert!(pulled.entry.open(&team_key(1)).unwrap().starts_with(b"visit "));
    }
}

#[test]
fn an_entry_of_several_documents_is_stored_with_its_list_and_badly_listed_ones_are_refused() {
    let mut t = TestTeam::new();
    let docs = vec![Uuid::from_u128(1), Uuid::from_u128(2)];
    let bundle = t.worker.entry_for(docs.clone(), b"two case files");
    let lead_entry = t.lead.entry(11, b"the lead's");
    t.sync(&t.lead, 0, vec![lead_entry], 100);
    let answer = t.sync(&t.worker, 0, vec![bundle.clone()], 100);
    assert_eq!(answer.acks[0].seq, 2);
    assert_eq!(
        answer.entries.len(),
        1,
        "the lead's entry comes, not the worker's own"
    );
    assert_eq!(answer.cursor, 2);
    let pulled = t.sync(&t.lead, 1, vec![], 100);
    assert_eq!(pulled.entries[0].entry, bundle);
    assert_eq!(pulled.entries[0].entry.header.docs, docs);
    pulled.entries[0].entry.verify(&t.worker.keys.public()).unwrap();
    for bad in [vec![docs[1], docs[0]], vec![docs[0], docs[0]], vec![]] {
        let entry = t.worker.entry_for(bad, b"badly listed");
        let push = Request::Sync(SyncRequest {
            cursor: 0,
            push: vec![entry],
            limit: 100,
            devices_version: 0,
            skip_snapshots: None,
        });
        assert_code(t.send(&t.worker, &push), "bad_request");
    }
}

#[test]
fn an_answer_stops_near_the_byte_budget() {
    let mut t = TestTeam::with_config(HubConfig {
        max_response_bytes: 3000,
        ..roomy()
    });
    let entries: Vec<_> = (0..5).map(|_| t.worker.entry(10, &[7; 1000])).collect();
    let answer = t.sync(&t.worker, 0, entries, 1000);
    assert_eq!(answer.acks.len(), 5);
    assert_eq!((answer.entries.len(), answer.cursor, answer.more), (0, 2, true));
    let answer = t.sync(&t.lead, 0, vec![], 1000);
    assert_eq!((answer.entries.len(), answer.cursor, answer.more), (2, 2, true));
}

#[test]
fn a_push_with_one_bad_entry_is_refused_whole() {
    let mut t = TestTeam::new();
    let kept = t.worker.entry(10, b"kept");
    let before = t.sync(&t.worker, 0, vec![kept], 10);
    assert_eq!(before.acks.len(), 1);
    let good = t.worker.entry(10, b"good");

    let by_lead = t.lead.entry(10, b"the lead's");
    // Signed by the worker, but naming the lead as its author.
    let mut posing = Member::new(1, t.team());
    posing.keys = t.worker.keys.clone();
    let posing_as_lead = posing.entry(10, b"posing");
    let mut altered = t.worker.entry(10, b"altered");
    altered.ciphertext[0] ^= 1;
    let mut resigned_elsewhere = t.worker.entry(10, b"signed by another key");
    resigned_elsewhere.signature = t.lead.entry(10, b"x").signature;
    let mut oversized = t.worker.entry(10, b"big");
    oversized.ciphertext = vec![0; MAX_ENTRY_BYTES + 1];
    let mut other_team = Member::new(2, id(99));
    other_team.keys = t.worker.keys.clone();
    let for_other_team = other_team.entry(10, b"elsewhere");
    let mut future_epoch = t.worker.entry(10, b"epoch 2");
    future_epoch.header.epoch = 2;
    let future_epoch = SealedEntry::seal(
        future_epoch.header,
        b"epoch 2",
        &team_key(2),
        &t.worker.keys,
        [3; 24],
    )
    .unwrap();

    for (bad, code, why) in [
        (by_lead, "bad_request", "authored and signed by another device"),
        (
            posing_as_lead,
            "bad_request",
            "naming another device as its author",
        ),
        (altered, "bad_request", "altered after signing"),
        (resigned_elsewhere, "bad_request", "signature of another device"),
        (oversized, "too_large", "over 1 MiB"),
        (for_other_team, "bad_request", "for another team"),
        (future_epoch, "bad_request", "epoch the team has not started"),
    ] {
        let result = t.send(
            &t.worker,
            &Request::Sync(SyncRequest {
                cursor: 0,
                push: vec![good.clone(), bad],
                limit: 10,
                devices_version: 0,
                skip_snapshots: None,
            }),
        );
        let err = result.expect_err(why);
        assert_eq!(err.code(), code, "{why}: {err}");
        assert_eq!(t.log_len(), 1, "{why}: the log changed");
    }
    let too_many = vec![good.clone(); 1001];
    let err = t
        .send(
            &t.worker,
            &Request::Sync(SyncRequest {
                cursor: 0,
                push: too_many,
                limit: 10,
                devices_version: 0,
                skip_snapshots: None,
            }),
        )
        .unwrap_err();
    assert_eq!((err.code(), err.status()), ("too_large", 413));
    assert_eq!(t.log_len(), 1);
    // The good entry alone goes through.
    assert_eq!(t.sync(&t.worker, 1, vec![good], 10).acks[0].seq, 2);
}

#[test]
fn unknown_devices_and_wrong_signatures_are_unauthenticated() {
    let mut t = TestTeam::new();
    let mut stranger = Member::new(9, t.team());
    let push = Request::Sync(SyncRequest {
        cursor: 0,
        push: vec![stranger.entry(10, b"intruder")],
        limit: 10,
        devices_version: 0,
        skip_snapshots: None,
    });
    let err = assert_code(t.send(&stranger, &push), "unauthenticated");
    assert_eq!(err.status(), 401);
    // The worker's id with another key.
    let mut impostor = Member::new(9, t.team());
    impostor.device = t.worker.device;
    assert_code(t.send(&impostor, &Request::Devices), "unauthenticated");
    // A signed request altered in transit.
    let mut signed = SignedRequest::sign(t.team(), t.worker.device, NOW, &Request::Devices, &t.worker.keys);
    signed.time_ms += 1;
    assert_code(t.hub.handle(NOW, &encode(&signed)), "unauthenticated");
    // A real device in a team it is not in.
    let mut elsewhere = Member::new(2, id(99));
    elsewhere.keys = t.worker.keys.clone();
    assert_code(t.send(&elsewhere, &Request::Devices), "unauthenticated");
    let pushed = t.worker.entry(10, b"x");
    let mut lost = Member::new(2, t.team());
    lost.keys = keys(8);
    let request = Request::Sync(SyncRequest {
        cursor: 0,
        push: vec![pushed],
        limit: 10,
        devices_version: 0,
        skip_snapshots: None,
    });
    assert_code(t.send(&lost, &request), "unauthenticated");
    assert_eq!(t.log_len(), 0);
}

#[test]
fn a_revoked_device_is_refused_with_a_message_saying_what_to_do() {
    let mut t = TestTeam::new();
    let third = join(&t.hub, 3, t.team(), &t.lead, invite(3, Role::Worker));
    let queued = t.worker.entry(10, b"written before the revocation");

    assert_code(
        t.send(
            &t.lead,
            &Request::Revoke(Revocation {
                device: t.worker.device,
                epoch: 3,
                keys: vec![],
            }),
        ),
        "bad_request",
    );
    assert_code(
        t.send(
            &t.lead,
            &Request::Revoke(Revocation {
                device: t.lead.device,
                epoch: 2,
                keys: vec![],
            }),
        ),
        "bad_request",
    );
    assert_eq!(
        devices(&t, &t.worker).1,
        1,
        "a refused revocation changed the epoch"
    );

    assert_eq!(t.revoke_worker().unwrap(), Response::Revoked);
    let sync = Request::Sync(SyncRequest {
        cursor: 0,
        push: vec![queued],
        limit: 10,
        devices_version: 0,
        skip_snapshots: None,
    });
    let err = assert_code(t.send(&t.worker, &sync), "revoked");
    assert_eq!(
        err.to_string(),
        "this device was revoked by the team lead; ask for a new invite"
    );
    assert_eq!(err.status(), 403);
    assert_code(t.send(&t.worker, &Request::Devices), "revoked");
    assert_code(t.send(&t.worker, &Request::Snapshots { after: None }), "revoked");
    assert_eq!(t.log_len(), 0);
    // Someone holding only the revoked device's id learns nothing more.
    let mut impostor = Member::new(9, t.team());
    impostor.device = t.worker.device;
    assert_code(t.send(&impostor, &Request::Devices), "unauthenticated");

    let (records, epoch, lead_keys) = devices(&t, &t.lead);
    assert_eq!(epoch, 2);
    assert!(records.iter().any(|r| r.device == t.worker.device && r.revoked));
    assert_eq!(lead_keys.len(), 1);
    assert_eq!((lead_keys[0].epoch, &lead_keys[0].wrapped), (2, &wrapped(9)));
    // The third device was not given the new key in this revocation: it has none.
    assert!(devices(&t, &third).2.is_empty());
    // The same revocation again is a retry.
    assert_eq!(t.revoke_worker().unwrap(), Response::Revoked);
    assert_eq!(devices(&t, &t.lead).1, 2);
}

#[test]
fn requests_too_far_from_the_hub_s_clock_are_refused() {
    let t = TestTeam::new();
    for skew in [
        MAX_CLOCK_SKEW_MS + 1,
        -MAX_CLOCK_SKEW_MS - 1,
        i64::MIN,
        i64::MAX - NOW,
    ] {
        let body = t.worker.sign_at(NOW.saturating_add(skew), &Request::Devices);
        let err = assert_code(t.hub.handle(NOW, &body), "bad_request");
        assert!(err.to_string().contains("clock"), "{err}");
    }
    for skew in [MAX_CLOCK_SKEW_MS, -MAX_CLOCK_SKEW_MS] {
        let body = t.worker.sign_at(NOW + skew, &Request::Devices);
        assert!(t.hub.handle(NOW, &body).is_ok());
    }
}

#[test]
fn bytes_that_are_not_a_request_are_clear_errors() {
    let mut t = TestTeam::new();
    let request = Request::Sync(SyncRequest {
        cursor: 0,
        push: vec![t.worker.entry(10, b"x")],
        limit: 10,
        devices_version: 0,
        skip_snapshots: None,
    });
    let body = t.worker.sign(&request);
    for cut in [0, 3, 6, body.len() / 2, body.len() - 1] {
        let err = assert_code(t.hub.handle(NOW, &body[..cut]), "bad_request");
        assert_eq!(err.status(), 400);
    }
    assert_code(t.hub.handle(NOW, b"GET / HTTP/1.1\r\n\r\n"), "bad_request");
    assert_code(t.hub.handle(NOW, &[0xff; 100]), "bad_request");
    let mut longer = body.clone();
    longer.push(0);
    assert_code(t.hub.handle(NOW, &longer), "bad_request");
    let mut newer = body.clone();
    newer[4..6].copy_from_slice(&(PROTOCOL_VERSION + 1).to_be_bytes());
    let err = assert_code(t.hub.handle(NOW, &newer), "unsupported_version");
    assert!(err.to_string().contains("update carnet"), "{err}");
    assert_code(t.hub.handle(NOW, &vec![0; MAX_BODY_BYTES + 1]), "too_large");
    assert_eq!(t.log_len(), 0);
    // The same body, whole, is fine.
    assert!(matches!(t.hub.handle(NOW, &body).unwrap(), Response::Synced(_)));
}

#[test]
fn snapshots_keep_the_latest_per_document_and_the_log_leaves_out_what_they_hold() {
    let mut t = TestTeam::new();
    let snapshots_now = |t: &TestTeam| match t.send(&t.lead, &Request::Snapshots { after: None }).unwrap() {
        Response::Snapshots {
            snapshots,
            version,
            more,
        } => {
            assert!(!more);
            (snapshots, version)
        }
        other => panic!("{other:?}"),
    };
    assert_eq!(snapshots_now(&t), (vec![], 0));
    let entries = vec![
        t.worker.entry(9, b"z"),
        t.worker.entry(10, b"a"),
        t.worker.entry(10, b"b"),
        t.worker.entry(11, b"c"),
        t.worker.entry(11, b"d"),
    ];
    t.sync(&t.worker, 0, entries, 10);
    let of_10 = t.worker.snapshot(10, 3);
    let of_11 = t.lead.snapshot(11, 5);
    assert_eq!(
        t.send(&t.worker, &Request::PutSnapshot(of_10.clone())).unwrap(),
        Response::SnapshotStored
    );
    assert_eq!(
        t.send(&t.lead, &Request::PutSnapshot(of_11.clone())).unwrap(),
        Response::SnapshotStored
    );
    // The worker cannot store the lead's snapshot, nor one past the log.
    assert_code(
        t.send(&t.worker, &Request::PutSnapshot(of_11.clone())),
        "bad_request",
    );
    let ahead = t.worker.snapshot(12, 6);
    assert_code(t.send(&t.worker, &Request::PutSnapshot(ahead)), "bad_request");
    let (snapshots, version) = snapshots_now(&t);
    assert_eq!((snapshots.len(), version), (2, 2));
    assert!(snapshots.contains(&of_10) && snapshots.contains(&of_11));
    // A device holding those snapshots pulls document 9's entry only.
    let answer = match t.send(
        &t.worker,
        &Request::Sync(SyncRequest {
            cursor: 0,
            push: vec![],
            limit: 10,
            devices_version: 0,
            skip_snapshots: Some(version),
        }),
    ) {
        Ok(Response::Synced(answer)) => answer,
        other => panic!("{other:?}"),
    };
    assert_eq!(answer.entries.iter().map(|e| e.seq).collect::<Vec<_>>(), [1]);
    // The cursor moves past what was left out, so the next sync does not pull it.
    assert_eq!((answer.cursor, answer.more), (5, false));
}

#[test]
fn each_device_has_its_own_rate_limit() {
    let t = TestTeam::with_config(HubConfig {
        rate_limit: RateLimit {
            per_second: 1.0,
            burst: 3,
        },
        ..HubConfig::default()
    });
    // Creating the team and the invite took two of the lead's three tokens.
    assert!(t.send(&t.lead, &Request::Devices).is_ok());
    let err = assert_code(t.send(&t.lead, &Request::Devices), "rate_limited");
    assert_eq!(err.status(), 429);
    assert!(err.is_retryable());
    for _ in 0..3 {
        assert!(t.send(&t.worker, &Request::Devices).is_ok());
    }
    assert_code(t.send(&t.worker, &Request::Devices), "rate_limited");
    // A second later, one more.
    let later = t.lead.sign(&Request::Devices);
    assert!(t.hub.handle(NOW + 1000, &later).is_ok());
    assert_code(t.hub.handle(NOW + 1000, &later), "rate_limited");
}

#[test]
fn a_sync_answer_carries_the_device_list_only_when_it_changed() {
    let t = TestTeam::new();
    let ask = |t: &TestTeam, devices_version: u64| match t.send(
        &t.worker,
        &Request::Sync(SyncRequest {
            cursor: 0,
            push: vec![],
            limit: 10,
            devices_version,
            skip_snapshots: None,
        }),
    ) {
        Ok(Response::Synced(answer)) => answer.devices,
        other => panic!("{other:?}"),
    };
    let list = ask(&t, 0).expect("a device without the list gets it");
    assert_eq!(list.devices.len(), 2);
    assert_eq!(
        list.version,
        carnet_protocol::devices_version(list.devices.iter().map(|d| &d.revoked))
    );
    assert_eq!(ask(&t, list.version), None);
    let newcomer = join(&t.hub, 3, t.team(), &t.lead, invite(3, Role::Worker));
    let after_join = ask(&t, list.version).expect("a new device changes the list");
    assert_eq!(after_join.version, list.version + 1);
    assert!(after_join.devices.iter().any(|d| d.device == newcomer.device));
}

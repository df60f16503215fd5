//! Teams, devices and entries for the tests. The team key lives here, on
//! the "devices": the hub under test never sees it.

use carnet_protocol::{
    DeviceKey, DeviceSecretKeys, EntryHeader, Invite, Request, Response, Role, SealedEntry, SignedRequest,
    Snapshot, SyncRequest, SyncResponse, TeamKey, Wrapped, encode,
};
use uuid::Uuid;

use crate::{Hub, HubConfig, HubError, RateLimit, SqliteStorage};

/// The hub's clock in the tests.
pub(crate) const NOW: i64 = 1_760_000_000_000;

pub(crate) fn keys(n: u8) -> DeviceSecretKeys {
    DeviceSecretKeys::from_seeds([n; 32], [n.wrapping_add(100); 32])
}

pub(crate) fn id(n: u8) -> Uuid {
    Uuid::from_bytes([n; 16])
}

pub(crate) fn team_key(epoch: u32) -> TeamKey {
    TeamKey::new(epoch, [epoch as u8 + 40; 32])
}

/// Something sealed that only the team could open (the hub stores it as is).
pub(crate) fn wrapped(n: u8) -> Wrapped {
    Wrapped {
        ephemeral: [n; 32],
        nonce: [n; 24],
        ciphertext: vec![n; 48],
    }
}

/// A config whose rate limit no test reaches unless it means to.
pub(crate) fn roomy() -> HubConfig {
    HubConfig {
        rate_limit: RateLimit {
            per_second: 1000.0,
            burst: 100_000,
        },
        ..HubConfig::default()
    }
}

/// One device of a test team.
#[derive(Debug)]
pub(crate) struct Member {
    pub(crate) device: Uuid,
    pub(crate) keys: DeviceSecretKeys,
    pub(crate) team: Uuid,
    next_entry: u32,
}

impl Member {
    pub(crate) fn new(n: u8, team: Uuid) -> Self {
        Self {
            device: id(n),
            keys: keys(n),
            team,
            next_entry: 0,
        }
    }

    pub(crate) fn sign(&self, request: &Request) -> Vec<u8> {
        self.sign_at(NOW, request)
    }

    pub(crate) fn sign_at(&self, time_ms: i64, request: &Request) -> Vec<u8> {
        encode(&SignedRequest::sign(
            self.team,
            self.device,
            time_ms,
            request,
            &self.keys,
        ))
    }

    /// A sealed snapshot of document `doc` covering the log up to `covers_seq`.
    pub(crate) fn snapshot(&mut self, doc: u8, covers_seq: u64) -> Snapshot {
        Snapshot {
            covers_seq,
            entry: self.entry(doc, b"the whole document"),
        }
    }

    /// A sealed entry of document `doc`, written by this device.
    pub(crate) fn entry(&mut self, doc: u8, plaintext: &[u8]) -> SealedEntry {
        self.entry_for(vec![id(doc)], plaintext)
    }

    /// An entry naming `docs` as they are (in order or not).
    pub(crate) fn entry_for(&mut self, docs: Vec<Uuid>, plaintext: &[u8]) -> SealedEntry {
        self.next_entry += 1;
        let header = EntryHeader {
            team: self.team,
            docs,
            author: self.device,
            epoch: 1,
            entry_id: Uuid::from_u128(
                u128::from(self.device.as_bytes()[0]) << 64 | u128::from(self.next_entry),
            ),
        };
        let mut nonce = [0; 24];
        nonce[..4].copy_from_slice(&self.next_entry.to_be_bytes());
        SealedEntry::seal(header, plaintext, &team_key(1), &self.keys, nonce).unwrap()
    }
}

/// A hub in memory with a team: a lead (device 1) and a worker (device 2).
#[derive(Debug)]
pub(crate) struct TestTeam {
    pub(crate) hub: Hub<SqliteStorage>,
    pub(crate) lead: Member,
    pub(crate) worker: Member,
}

pub(crate) fn invite(n: u8, role: Role) -> Invite {
    Invite {
        invite_id: id(200 + n),
        role,
        expires_ms: NOW + 86_400_000,
        wrapped: wrapped(n),
    }
}

impl TestTeam {
    pub(crate) fn new() -> Self {
        Self::with_config(roomy())
    }

    pub(crate) fn with_config(config: HubConfig) -> Self {
        let hub = Hub::new(SqliteStorage::open_in_memory().unwrap(), config);
        let team = id(100);
        let lead = Member::new(1, team);
        assert_eq!(
            hub.handle(
                NOW,
                &lead.sign(&Request::CreateTeam {
                    keys: lead.keys.public()
                })
            )
            .unwrap(),
            Response::TeamCreated
        );
        let worker = join(&hub, 2, team, &lead, invite(2, Role::Worker));
        Self { hub, lead, worker }
    }

    pub(crate) fn team(&self) -> Uuid {
        self.lead.team
    }

    pub(crate) fn send(&self, member: &Member, request: &Request) -> Result<Response, HubError> {
        self.hub.handle(NOW, &member.sign(request))
    }

    pub(crate) fn sync(
        &self,
        member: &Member,
        cursor: u64,
        push: Vec<SealedEntry>,
        limit: u32,
    ) -> SyncResponse {
        match self.send(
            member,
            &Request::Sync(SyncRequest {
                cursor,
                push,
                limit,
                devices_version: 0,
                skip_snapshots: None,
            }),
        ) {
            Ok(Response::Synced(response)) => response,
            other => panic!("sync answered {other:?}"),
        }
    }

    /// The whole log, as a device starting from nothing pulls it.
    pub(crate) fn log_len(&self) -> usize {
        self.sync(&self.lead, 0, vec![], 1000).entries.len()
    }

    pub(crate) fn revoke_worker(&self) -> Result<Response, HubError> {
        self.send(
            &self.lead,
            &Request::Revoke(carnet_protocol::Revocation {
                device: self.worker.device,
                epoch: 2,
                keys: vec![DeviceKey {
                    device: self.lead.device,
                    epoch: 2,
                    wrapped: wrapped(9),
                }],
            }),
        )
    }
}

/// Registers `invite` as `lead` and joins with device `n`.
pub(crate) fn join(hub: &Hub<SqliteStorage>, n: u8, team: Uuid, lead: &Member, invite: Invite) -> Member {
    assert_eq!(
        hub.handle(NOW, &lead.sign(&Request::CreateInvite(invite.clone())))
            .unwrap(),
        Response::InviteCreated
    );
    let mut joiner = Member::new(n, Uuid::nil());
    let answer = hub
        .handle(
            NOW,
            &joiner.sign(&Request::Join {
                invite_id: invite.invite_id,
                keys: joiner.keys.public(),
            }),
        )
        .unwrap();
    assert_eq!(
        answer,
        Response::Joined {
            team,
            role: invite.role,
            wrapped: invite.wrapped
        }
    );
    joiner.team = team;
    joiner
}

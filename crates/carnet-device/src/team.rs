//! Team membership and sync for a device: create a team, invite, join, and
//! exchange work with the hub through the sans-I/O engine of `carnet-sync`.
//! The transport is a trait so tests can call a hub in-process; the `carnet`
//! binary uses [`HttpTransport`].

use std::collections::BTreeMap;
use std::time::Duration;

use carnet_core::CaseId;
use carnet_protocol::{
    DeviceList, DevicePublicKeys, DeviceSecretKeys, Invite, Request, Response, Role, SignedRequest, TeamKey,
    decode, encode, invite_id, unwrap_with_code, v2, wrap_with_code,
};
use carnet_store::{CheckReport, OutboxUpdate, Received, SyncRecord, TeamDevice, TeamRecord};
use carnet_sync::{Checkpoint, Effect, EngineState, Membership, RosterEntry, SyncEngine, TransportError};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{Device, DeviceError};

type Res<T> = Result<T, DeviceError>;

/// How an invite lasts before the hub refuses it.
const INVITE_LIFETIME_MS: i64 = 7 * 24 * 3600 * 1000;
/// Letters of invite codes: no 0/O, 1/I to misread.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
/// At most this many exchanges in one `sync` (pages of a long log).
const MAX_EXCHANGES: usize = 1_000;
/// A document gets a fresh snapshot on the hub once this many log entries
/// were seen for it since the last one, so a device joining later starts
/// from snapshots and a short tail instead of the whole log.
const SNAPSHOT_AFTER: u32 = 16;
/// How long one `sync` spends at most checking case files whose index rows
/// came with a snapshot (a joining device's 10,000 take a few minutes of
/// syncs; the tablet syncs again soon while some are left).
const CHECK_BUDGET: Duration = Duration::from_secs(2);
/// Case files checked in one transaction, so a save made meanwhile waits
/// a fraction of a second at most.
const CHECK_BATCH: u32 = 50;
/// At most this many snapshots sent by one `sync`, to keep it short.
const SNAPSHOTS_PER_SYNC: u32 = 20;
/// The changes of several case files go into one entry, compressed together,
/// up to this many bytes before compression; a case file with more changes
/// goes alone. A day's work fits in one; compressed, an entry is then about
/// 40 KB at most, which GPRS sends in under 20 s: a sealed entry cannot be
/// split later, so it must get through the slowest link in one push.
const BUNDLE_BYTES: usize = 128 * 1024;

/// Sends one request to the hub and returns its answer.
pub trait Transport {
    /// Posts an encoded `SignedRequest`; returns the encoded `Response`.
    ///
    /// # Errors
    /// [`TransportError`] when the hub cannot be reached or refuses.
    fn post(&mut self, body: &[u8]) -> Result<Vec<u8>, TransportError>;
}

/// The hub over HTTP(S).
#[derive(Debug)]
pub struct HttpTransport {
    agent: ureq::Agent,
    url: String,
}

impl HttpTransport {
    /// A transport to the hub at `hub_url` (`http://host:port`).
    #[must_use]
    pub fn new(hub_url: &str) -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        Self {
            agent,
            url: format!("{}/v1/rpc", hub_url.trim_end_matches('/')),
        }
    }
}

#[derive(Deserialize)]
struct HubErrorBody {
    code: String,
    message: String,
}

impl Transport for HttpTransport {
    fn post(&mut self, body: &[u8]) -> Result<Vec<u8>, TransportError> {
        let offline = |e: ureq::Error| TransportError {
            retryable: true,
            message: format!("the hub cannot be reached ({e}); your work is kept and will be sent later"),
        };
        let mut response = self
            .agent
            .post(&self.url)
            .header("content-type", "application/octet-stream")
            .send(body)
            .map_err(offline)?;
        let status = response.status().as_u16();
        let bytes = response
            .body_mut()
            .with_config()
            .limit(64 * 1024 * 1024)
            .read_to_vec()
            .map_err(offline)?;
        if status == 200 {
            return Ok(bytes);
        }
        match serde_json::from_slice::<HubErrorBody>(&bytes) {
            Ok(e) => Err(TransportError {
                retryable: matches!(e.code.as_str(), "rate_limited" | "internal"),
                message: format!("the hub refused: {} ({})", e.message, e.code),
            }),
            Err(_) => Err(TransportError {
                retryable: true,
                message: format!("the hub answered with status {status}"),
            }),
        }
    }
}

/// What the invite code unlocks (format: sealed under the code; do not change
/// without a protocol version bump).
#[derive(Serialize, Deserialize)]
struct InviteSecret {
    team_keys: Vec<(u32, [u8; 32])>,
    lead: DevicePublicKeys,
}

/// A new invite.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    /// The code to give the new device, e.g. `K7QD-MX2P-9FHT`.
    pub code: String,
    /// The role it gives.
    pub role: String,
    /// After this (ms since the Unix epoch) it is refused.
    pub expires_ms: i64,
}

/// What one `sync` did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncReport {
    /// Round trips made.
    pub exchanges: usize,
    /// Entries received and applied.
    pub applied: usize,
    /// Entries received and refused, with the reason.
    pub rejected: Vec<String>,
    /// Entries still waiting for the hub's acknowledgement.
    pub pending: usize,
    /// Snapshots of long-lived documents sent to the hub.
    pub snapshots: usize,
    /// Case files whose index rows came with a snapshot, checked against
    /// their document by this sync (for two seconds at most).
    pub checked: usize,
    /// Case files of that kind left to check.
    pub unchecked: u64,
}

/// The sync status line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncStatusView {
    /// The team, if any.
    pub team: Option<TeamRecord>,
    /// Last successful sync.
    pub last_sync_ms: Option<i64>,
    /// Changes not yet acknowledged by the hub.
    pub pending: usize,
    /// The last error in words.
    pub last_error: Option<String>,
}

fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    rand::rng().fill_bytes(&mut bytes);
    bytes
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Lead => "lead",
        Role::Worker => "worker",
    }
}

fn refused(e: TransportError) -> DeviceError {
    DeviceError::Sync {
        message: e.message,
        retryable: e.retryable,
    }
}

fn protocol(e: carnet_protocol::ProtocolError) -> DeviceError {
    DeviceError::Sync {
        message: e.to_string(),
        retryable: e.is_retryable(),
    }
}

impl Device {
    fn now_ms(&self) -> i64 {
        self.clock().now().time_ms
    }

    fn device_uuid(&self) -> Uuid {
        *self.identity().device_id.as_uuid()
    }

    fn exchange(
        &self,
        transport: &mut dyn Transport,
        team: Uuid,
        keys: &DeviceSecretKeys,
        request: &Request,
    ) -> Res<Response> {
        let signed = SignedRequest::sign(team, self.device_uuid(), self.now_ms(), request, keys);
        let answer = transport.post(&encode(&signed)).map_err(refused)?;
        decode(&answer).map_err(protocol)
    }

    /// Creates a team on the hub with this device as its lead.
    ///
    /// # Errors
    /// [`DeviceError::Sync`] when the hub refuses or cannot be reached; store errors.
    pub fn create_team(&mut self, hub_url: &str, transport: &mut dyn Transport) -> Res<TeamRecord> {
        if self.store().team()?.is_some() {
            return Err(carnet_store::StoreError::AlreadyInTeam.into());
        }
        let secrets = (random::<32>(), random::<32>());
        let keys = DeviceSecretKeys::from_seeds(secrets.0, secrets.1);
        let team = Uuid::new_v4();
        match self.exchange(
            transport,
            team,
            &keys,
            &Request::CreateTeam { keys: keys.public() },
        )? {
            Response::TeamCreated => {}
            other => return Err(unexpected(&other)),
        }
        let record = TeamRecord {
            team_id: team.to_string(),
            hub_url: hub_url.to_owned(),
            role: "lead".into(),
        };
        self.store_mut()
            .join_team(&record, &secrets, &[(1, random::<32>())])?;
        self.write_roster_entry()?;
        Ok(record)
    }

    fn membership(&self) -> Res<(TeamRecord, Membership)> {
        let team = self.store().team()?.ok_or_else(|| {
            DeviceError::Input(
                "this device is not in a team yet: run `carnet team create` or `carnet team join`".into(),
            )
        })?;
        let team_id: Uuid = team
            .team_id
            .parse()
            .map_err(|_| DeviceError::Input("the stored team id is damaged".into()))?;
        let secrets = self.store().team_secrets()?;
        let keys = DeviceSecretKeys::from_seeds(secrets.0, secrets.1);
        let mut team_keys = Vec::new();
        for (epoch, key) in self.store().team_keys()? {
            if let Ok(bytes) = <[u8; 32]>::try_from(key.as_slice()) {
                team_keys.push(TeamKey::new(epoch, bytes));
            }
        }
        let mut membership = Membership::new(team_id, self.device_uuid(), keys, team_keys);
        let devices = self.store().team_devices()?;
        membership.set_devices_version_from(devices.iter().map(|d| &d.revoked));
        for device in devices {
            let (Ok(id), Ok(sign), Ok(agree)) = (
                device.device_id.parse::<Uuid>(),
                <[u8; 32]>::try_from(device.sign_key.as_slice()),
                <[u8; 32]>::try_from(device.agree_key.as_slice()),
            ) else {
                continue;
            };
            membership.set_device(
                id,
                RosterEntry {
                    keys: DevicePublicKeys { sign, agree },
                    revoked: device.revoked,
                },
            );
        }
        Ok((team, membership))
    }

    /// Lead only: registers a single-use invite on the hub and returns its code.
    ///
    /// # Errors
    /// [`DeviceError::Sync`] when the hub refuses (a worker cannot invite); store errors.
    pub fn invite(&mut self, role: Role, transport: &mut dyn Transport) -> Res<Invitation> {
        let (_, membership) = self.membership()?;
        let letters: Vec<u8> = random::<12>()
            .iter()
            .map(|b| CODE_ALPHABET[usize::from(*b) % CODE_ALPHABET.len()])
            .collect();
        let code = letters
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join("-");
        let team_keys = self
            .store()
            .team_keys()?
            .into_iter()
            .filter_map(|(epoch, key)| <[u8; 32]>::try_from(key.as_slice()).ok().map(|k| (epoch, k)))
            .collect();
        let secret = InviteSecret {
            team_keys,
            lead: membership.keys.public(),
        };
        let id = invite_id(&code);
        let wrapped = wrap_with_code(&code, &id, &encode(&secret), random::<24>()).map_err(protocol)?;
        let expires_ms = self.now_ms() + INVITE_LIFETIME_MS;
        let invite = Invite {
            invite_id: id,
            role,
            expires_ms,
            wrapped,
        };
        match self.exchange(
            transport,
            membership.team,
            &membership.keys,
            &Request::CreateInvite(invite),
        )? {
            Response::InviteCreated => Ok(Invitation {
                code,
                role: role_name(role).into(),
                expires_ms,
            }),
            other => Err(unexpected(&other)),
        }
    }

    /// Joins a team with an invite code.
    ///
    /// # Errors
    /// [`DeviceError::Sync`] for a wrong, used or expired code or an unreachable hub; store errors.
    pub fn join_team(&mut self, hub_url: &str, code: &str, transport: &mut dyn Transport) -> Res<TeamRecord> {
        if self.store().team()?.is_some() {
            return Err(carnet_store::StoreError::AlreadyInTeam.into());
        }
        let secrets = (random::<32>(), random::<32>());
        let keys = DeviceSecretKeys::from_seeds(secrets.0, secrets.1);
        let id = invite_id(code);
        let request = Request::Join {
            invite_id: id,
            keys: keys.public(),
        };
        let (team, role, wrapped) = match self.exchange(transport, Uuid::nil(), &keys, &request)? {
            Response::Joined { team, role, wrapped } => (team, role, wrapped),
            other => return Err(unexpected(&other)),
        };
        let opened = unwrap_with_code(code, &id, &wrapped).map_err(protocol)?;
        // Made by the lead's device, perhaps before an update.
        let secret: InviteSecret = carnet_protocol::decode_saved(&opened).map_err(protocol)?;
        let record = TeamRecord {
            team_id: team.to_string(),
            hub_url: hub_url.to_owned(),
            role: role_name(role).into(),
        };
        self.store_mut().join_team(&record, &secrets, &secret.team_keys)?;
        self.write_roster_entry()?;
        // Without the snapshots (the hub unreachable again, a damaged one) the
        // first sync pulls the whole log instead: slower, nothing lost.
        let _ = self.start_from_snapshots(transport);
        Ok(record)
    }

    /// A device that just joined takes the latest snapshot of each document,
    /// then pulls the log without the entries those snapshots hold: the
    /// snapshots and the tail of the log, not the whole log. Returns how many
    /// documents came from snapshots.
    fn start_from_snapshots(&mut self, transport: &mut dyn Transport) -> Res<usize> {
        let record = self.store().sync_record()?;
        if !record.engine.is_empty() {
            return Ok(0);
        }
        self.refresh_devices(transport)?;
        let (_, membership) = self.membership()?;
        let mut version = None;
        let mut after = None;
        let mut taken = 0;
        loop {
            let request = Request::Snapshots { after };
            let (snapshots, page_version, more) =
                match self.exchange(transport, membership.team, &membership.keys, &request)? {
                    Response::Snapshots {
                        snapshots,
                        version,
                        more,
                    } => (snapshots, version, more),
                    other => return Err(unexpected(&other)),
                };
            // The first page's version: a snapshot replaced while the pages
            // came is newer, and its document's entries then all come from the log.
            version.get_or_insert(page_version);
            let mut page = Vec::with_capacity(snapshots.len());
            for snapshot in &snapshots {
                let content = membership.open(&snapshot.entry).map_err(|e| DeviceError::Sync {
                    message: format!("a snapshot was refused ({e})"),
                    retryable: false,
                })?;
                let Some(doc) = snapshot.entry.header.single_doc() else {
                    return Err(DeviceError::Sync {
                        message: "a snapshot names several case files; update carnet".into(),
                        retryable: false,
                    });
                };
                page.push((doc, content));
            }
            // One transaction per page of snapshots.
            if let Some(reason) = self
                .apply_documents(membership.team, &page, true)?
                .into_iter()
                .flatten()
                .next()
            {
                return Err(DeviceError::Input(reason));
            }
            taken += page.len();
            match snapshots.last() {
                Some(last) if more => after = last.entry.header.single_doc(),
                _ => break,
            }
        }
        if taken == 0 {
            return Ok(0);
        }
        // Every snapshot is in: the log is pulled without what they hold.
        let started = SyncRecord {
            engine: saved_state(&Checkpoint {
                cursor: 0,
                skip_snapshots: version,
                ..Checkpoint::default()
            }),
            ..record
        };
        self.store_mut()
            .save_sync_record(&started, OutboxUpdate::default())?;
        Ok(taken)
    }

    /// Lead only: revokes a device (a lost tablet) and rotates the team key.
    /// The hub refuses the device at once; the new key is wrapped for each
    /// remaining device, so entries written from now on are unreadable to it.
    ///
    /// # Errors
    /// [`DeviceError::Input`] for an unknown device or this device itself,
    /// [`DeviceError::Sync`] when the hub refuses; store errors.
    pub fn revoke(&mut self, device: &str, transport: &mut dyn Transport) -> Res<u32> {
        let devices = self.refresh_devices(transport)?;
        let wanted = device.trim().to_lowercase();
        let matching: Vec<&TeamDevice> = devices
            .iter()
            .filter(|d| d.device_id.starts_with(&wanted))
            .collect();
        let [target] = matching.as_slice() else {
            return Err(DeviceError::Input(format!(
                "{device:?} matches {} devices of the team; give more of its id (see `carnet team devices`)",
                matching.len()
            )));
        };
        let target: Uuid = target
            .device_id
            .parse()
            .map_err(|_| DeviceError::Input("the device id is damaged".into()))?;
        if target == self.device_uuid() {
            return Err(DeviceError::Input("a device cannot revoke itself".into()));
        }
        let (_, membership) = self.membership()?;
        let epoch = membership.current_key().map_or(1, |k| k.epoch() + 1);
        let key = random::<32>();
        let mut keys = Vec::new();
        for d in devices.iter().filter(|d| !d.revoked) {
            let (Ok(id), Ok(sign), Ok(agree)) = (
                d.device_id.parse::<Uuid>(),
                <[u8; 32]>::try_from(d.sign_key.as_slice()),
                <[u8; 32]>::try_from(d.agree_key.as_slice()),
            ) else {
                continue;
            };
            if id == target {
                continue;
            }
            let recipient = DevicePublicKeys { sign, agree };
            let wrapped = carnet_protocol::wrap_for_device(&recipient, &key, random::<32>(), random::<24>())
                .map_err(protocol)?;
            keys.push(carnet_protocol::DeviceKey {
                device: id,
                epoch,
                wrapped,
            });
        }
        let revocation = carnet_protocol::Revocation {
            device: target,
            epoch,
            keys,
        };
        match self.exchange(
            transport,
            membership.team,
            &membership.keys,
            &Request::Revoke(revocation),
        )? {
            Response::Revoked => {}
            other => return Err(unexpected(&other)),
        }
        self.store_mut().add_team_key(epoch, &key)?;
        self.refresh_devices(transport)?;
        Ok(epoch)
    }

    /// Asks the hub for the team's devices and keeps their public keys.
    ///
    /// # Errors
    /// [`DeviceError::Sync`]; store errors.
    pub fn refresh_devices(&mut self, transport: &mut dyn Transport) -> Res<Vec<TeamDevice>> {
        let (_, mut membership) = self.membership()?;
        match self.exchange(transport, membership.team, &membership.keys, &Request::Devices)? {
            Response::Devices(list) => self.keep_device_list(&mut membership, &list),
            other => Err(unexpected(&other)),
        }
    }

    /// Stores the hub's device list and the team keys it brings.
    fn keep_device_list(&mut self, membership: &mut Membership, list: &DeviceList) -> Res<Vec<TeamDevice>> {
        for key in membership.apply_device_list(list) {
            self.store_mut().add_team_key(key.epoch(), key.bytes())?;
        }
        let devices: Vec<TeamDevice> = list
            .devices
            .iter()
            .map(|d| TeamDevice {
                device_id: d.device.to_string(),
                sign_key: d.keys.sign.to_vec(),
                agree_key: d.keys.agree.to_vec(),
                role: role_name(d.role).into(),
                revoked: d.revoked,
            })
            .collect();
        self.store_mut().set_team_devices(&devices)?;
        Ok(devices)
    }

    /// Exchanges work with the hub until nothing is left to send or receive.
    ///
    /// # Errors
    /// [`DeviceError::Sync`] when the hub cannot be reached or refuses (work
    /// stays queued); store errors.
    pub fn sync(&mut self, transport: &mut dyn Transport) -> Res<SyncReport> {
        let mut result = self.sync_log(transport);
        if let Err(DeviceError::Sync { message, .. }) = &result {
            let mut record = self.store().sync_record()?;
            record.last_error = Some(message.clone());
            self.store_mut()
                .save_sync_record(&record, OutboxUpdate::default())?;
        }
        // Local work, done online or not.
        let (checked, unchecked) = self.check_for(CHECK_BUDGET)?;
        if let Ok(report) = &mut result {
            report.checked = checked;
            report.unchecked = unchecked;
        }
        result
    }

    /// Checks case files whose index rows came with a snapshot, a batch at
    /// a time, until none is left or `budget` has passed. Returns how many
    /// were checked and how many are left.
    fn check_for(&mut self, budget: Duration) -> Res<(usize, u64)> {
        let started = std::time::Instant::now();
        let mut checked = 0;
        let mut left = self.store().unchecked_count()?;
        while left > 0 && started.elapsed() < budget {
            let report = self.check_received(CHECK_BATCH)?;
            checked += report.checked;
            left = report.left;
        }
        Ok((checked, left))
    }

    fn sync_log(&mut self, transport: &mut dyn Transport) -> Res<SyncReport> {
        let (_, mut membership) = self.membership()?;
        let mut record = self.store().sync_record()?;
        let mut state: EngineState = if record.engine.is_empty() {
            EngineState::default()
        } else {
            EngineState::decode_saved(&record.engine).map_err(protocol)?
        };
        if !state.outbox.is_empty() {
            // Saved before the outbox had rows of its own: move it there once.
            let legacy = std::mem::take(&mut state.outbox);
            let sealed: Vec<(String, Vec<u8>)> = legacy
                .iter()
                .map(|e| (e.header.entry_id.to_string(), encode(e)))
                .collect();
            record.engine = encode(&state);
            self.store_mut().save_sync_record(
                &record,
                OutboxUpdate {
                    sealed: &sealed,
                    ..OutboxUpdate::default()
                },
            )?;
        }
        for bytes in self.store().outbox()? {
            state
                .outbox
                .push(v2::decode_saved_entry(&bytes).map_err(protocol)?);
        }
        let mut engine = SyncEngine::new(state);
        // Seal what was changed here since the last sync: the changes of
        // many case files in one entry, compressed together.
        let outgoing = self.store().outgoing()?;
        if let Some(last) = outgoing.last().map(|o| o.seq) {
            let mut by_case: BTreeMap<String, Vec<u8>> = BTreeMap::new();
            for change in outgoing {
                by_case
                    .entry(change.case_id)
                    .or_default()
                    .extend_from_slice(&change.bytes);
            }
            let mut sealed = Vec::new();
            for bundle in bundles(by_case)? {
                let parts: Vec<(Uuid, &[u8])> = bundle
                    .iter()
                    .map(|(doc, bytes)| (*doc, bytes.as_slice()))
                    .collect();
                let entry = engine
                    .queue(&membership, &parts, random::<40>())
                    .map_err(protocol)?;
                sealed.push((entry.header.entry_id.to_string(), encode(&entry)));
            }
            self.store_mut().save_sync_record(
                &record,
                OutboxUpdate {
                    sealed: &sealed,
                    sealed_up_to: Some(last),
                    acked: &[],
                },
            )?;
        }
        let mut report = SyncReport::default();
        // Log entries seen per document since the last saved state.
        let mut seen: BTreeMap<String, u32> = BTreeMap::new();
        engine.request_sync();
        self.pace.start_sync();
        while report.exchanges < MAX_EXCHANGES {
            engine.set_limits(self.pace.limits());
            let Some(Effect::Send(body)) = engine.poll(&membership, self.now_ms()) else {
                break;
            };
            report.exchanges += 1;
            let started = std::time::Instant::now();
            let answer = transport.post(&body);
            let took = started.elapsed();
            let failure = answer.as_ref().err().cloned();
            let effects = engine.on_response(
                &membership,
                self.now_ms(),
                answer.as_deref().map_err(Clone::clone),
            );
            // The entries of one answer are applied together, in one store
            // transaction, before the checkpoint that follows them is saved.
            let mut page: Vec<(Uuid, Vec<u8>)> = Vec::new();
            let mut page_seqs: Vec<u64> = Vec::new();
            for effect in effects {
                match effect {
                    Effect::Apply {
                        seq,
                        doc,
                        author,
                        changes,
                    } => {
                        // Own entries are counted when acknowledged (one
                        // pushed in an earlier exchange may still come back).
                        if author != membership.device {
                            *seen.entry(doc.to_string()).or_insert(0) += 1;
                        }
                        page.push((doc, changes));
                        page_seqs.push(seq);
                    }
                    Effect::Reject { seq, reason, .. } => {
                        report.rejected.push(format!("entry {seq}: {reason}"))
                    }
                    Effect::Persist(checkpoint) => {
                        // Content that decrypts but is not a change of that case file
                        // is refused like a bad entry; the log goes on past it.
                        // Anything else (a full disk…) stops before the cursor moves.
                        let outcomes =
                            self.apply_documents(membership.team, &std::mem::take(&mut page), false)?;
                        for (seq, outcome) in std::mem::take(&mut page_seqs).into_iter().zip(outcomes) {
                            match outcome {
                                None => report.applied += 1,
                                Some(reason) => report.rejected.push(format!("entry {seq}: {reason}")),
                            }
                        }
                        for doc in &checkpoint.acked_docs {
                            *seen.entry(doc.to_string()).or_insert(0) += 1;
                        }
                        self.store_mut().count_log_entries(&std::mem::take(&mut seen))?;
                        let status = engine.status();
                        let saved = SyncRecord {
                            engine: saved_state(&checkpoint),
                            last_sync_ms: status.last_sync_ms,
                            last_error: status.last_error.clone(),
                        };
                        let acked: Vec<String> = checkpoint.acked.iter().map(Uuid::to_string).collect();
                        self.store_mut().save_sync_record(
                            &saved,
                            OutboxUpdate {
                                acked: &acked,
                                ..OutboxUpdate::default()
                            },
                        )?;
                    }
                    Effect::Devices(list) => {
                        self.keep_device_list(&mut membership, &list)?;
                    }
                    Effect::Send(_) => {}
                }
            }
            if let Some(error) = failure {
                if error.retryable {
                    self.pace.failed();
                }
                return Err(refused(error));
            }
            self.pace.exchanged(took, !engine.is_idle());
            if engine.status().last_error.is_some() {
                let message = engine.status().last_error.clone().unwrap_or_default();
                return Err(DeviceError::Sync {
                    message,
                    retryable: true,
                });
            }
        }
        report.pending = engine.state().outbox.len();
        if engine.is_idle() {
            // The work is exchanged already: a snapshot the hub does not take
            // now is sent again after a later sync.
            report.snapshots = match self.send_snapshots(transport, &membership, engine.state().cursor) {
                Ok(sent) => sent,
                Err(DeviceError::Sync { .. }) => 0,
                Err(e) => return Err(e),
            };
        }
        Ok(report)
    }

    /// Sends snapshots of the documents that gathered many log entries since
    /// their last one. Each covers the log up to `cursor`: everything up to
    /// there is applied here (documents still waiting for changes are left
    /// for a later sync).
    fn send_snapshots(
        &mut self,
        transport: &mut dyn Transport,
        membership: &Membership,
        cursor: u64,
    ) -> Res<usize> {
        let mut sent = 0;
        for case in self
            .store()
            .snapshot_candidates(SNAPSHOT_AFTER, SNAPSHOTS_PER_SYNC)?
        {
            let Ok(doc) = case.parse::<Uuid>() else {
                continue;
            };
            if !self.store().held_changes(&case)?.is_empty() {
                continue;
            }
            let content = if doc == membership.team {
                self.roster_bytes()?
            } else {
                let id = CaseId::from_uuid(doc);
                if !self.store().contains(id)? {
                    continue;
                }
                self.store().snapshot(id)?
            };
            let entry = membership.seal(doc, &content, random::<40>()).map_err(protocol)?;
            let request = Request::PutSnapshot(carnet_protocol::Snapshot {
                covers_seq: cursor,
                entry,
            });
            match self.exchange(transport, membership.team, &membership.keys, &request)? {
                Response::SnapshotStored => {
                    self.store_mut().snapshot_sent(&case)?;
                    sent += 1;
                }
                other => return Err(unexpected(&other)),
            }
        }
        Ok(sent)
    }

    /// Applies content received for documents of the team, in order: the
    /// roster (whose document id is the team id) at once, the case files
    /// together in one store transaction (as snapshots, which may carry
    /// their index rows, when `snapshots`). Returns, for each item, `None`
    /// when it was applied (or held until what it needs arrives) or why it
    /// was refused.
    ///
    /// # Errors
    /// Store errors (then no case file of the batch was written).
    fn apply_documents(
        &mut self,
        team: Uuid,
        items: &[(Uuid, Vec<u8>)],
        snapshots: bool,
    ) -> Res<Vec<Option<String>>> {
        let mut outcomes = vec![None; items.len()];
        let mut cases: Vec<(CaseId, &[u8])> = Vec::with_capacity(items.len());
        let mut at = Vec::with_capacity(items.len());
        for (i, (doc, content)) in items.iter().enumerate() {
            if *doc == team {
                match self.apply_roster_changes(content) {
                    Ok(()) => {}
                    Err(DeviceError::Input(reason)) => outcomes[i] = Some(reason),
                    Err(DeviceError::Store(carnet_store::StoreError::Core(e))) => {
                        outcomes[i] = Some(e.to_string());
                    }
                    Err(e) => return Err(e),
                }
            } else {
                cases.push((CaseId::from_uuid(*doc), content));
                at.push(i);
            }
        }
        if !cases.is_empty() {
            let received = if snapshots {
                self.store_mut().receive_snapshots(&cases)?
            } else {
                self.store_mut().receive(&cases)?
            };
            for (i, received) in at.into_iter().zip(received) {
                if let Received::Refused(reason) = received {
                    outcomes[i] = Some(reason);
                }
            }
        }
        Ok(outcomes)
    }

    /// Checks up to `limit` case files whose index rows came with a
    /// snapshot when the device joined (see [`carnet_store::Store::check_received`]): the
    /// caseload, search and conflicts then come from the documents as this
    /// device reads them. The tablet does it in the background after a sync.
    ///
    /// # Errors
    /// Store errors.
    pub fn check_received(&mut self, limit: u32) -> Res<CheckReport> {
        Ok(self.store_mut().check_received(limit)?)
    }

    /// The sync status line.
    ///
    /// # Errors
    /// Store errors.
    pub fn sync_status(&self) -> Res<SyncStatusView> {
        let record = self.store().sync_record()?;
        // A state saved before the outbox had rows of its own may hold entries.
        let legacy = if record.engine.is_empty() {
            0
        } else {
            EngineState::decode_saved(&record.engine)
                .map(|s| s.outbox.len())
                .unwrap_or(0)
        };
        let (outbox, outgoing) = self.store().pending_counts()?;
        Ok(SyncStatusView {
            team: self.store().team()?,
            last_sync_ms: record.last_sync_ms,
            pending: legacy + outbox + outgoing,
            last_error: record.last_error,
        })
    }
}

/// The changes of the case files of one entry.
type Bundle = Vec<(Uuid, Vec<u8>)>;

/// The changes of each case file grouped into the entries of one push: as
/// many case files as fit in [`BUNDLE_BYTES`] once uncompressed, so the
/// entry compresses them together; a case file alone in its entry keeps its
/// changes as stored (Automerge compressed them already).
fn bundles(by_case: BTreeMap<String, Vec<u8>>) -> Res<Vec<Bundle>> {
    let cases = by_case
        .into_iter()
        .map(|(case, stored)| {
            let doc: Uuid = case
                .parse()
                .map_err(|_| DeviceError::Input("a queued change names no case file".into()))?;
            Ok((doc, stored))
        })
        .collect::<Res<Vec<(Uuid, Vec<u8>)>>>()?;
    if cases.len() == 1 {
        // The most common sync (one case file changed): nothing to inflate.
        return Ok(vec![cases]);
    }
    let mut out = Vec::new();
    // Each part with its changes as stored and uncompressed.
    let mut current: Vec<(Uuid, Vec<u8>, Vec<u8>)> = Vec::new();
    let mut size = 0;
    let mut flush = |current: &mut Vec<(Uuid, Vec<u8>, Vec<u8>)>| {
        if current.len() == 1 {
            out.extend(current.drain(..).map(|(doc, stored, _)| vec![(doc, stored)]));
        } else if !current.is_empty() {
            out.push(current.drain(..).map(|(doc, _, plain)| (doc, plain)).collect());
        }
    };
    for (doc, stored) in cases {
        let plain = carnet_core::uncompressed_changes(&stored)?;
        if size + plain.len() > BUNDLE_BYTES || current.len() == carnet_protocol::MAX_ENTRY_DOCS {
            flush(&mut current);
            size = 0;
        }
        size += plain.len();
        current.push((doc, stored, plain));
    }
    flush(&mut current);
    Ok(out)
}

/// The engine's state as saved in the sync record: the cursor, the outbox
/// being kept one entry per row beside it.
fn saved_state(checkpoint: &Checkpoint) -> Vec<u8> {
    encode(&EngineState {
        cursor: checkpoint.cursor,
        outbox: Vec::new(),
        skip_snapshots: checkpoint.skip_snapshots,
    })
}

fn unexpected(response: &Response) -> DeviceError {
    let _ = response;
    DeviceError::Sync {
        message: "the hub gave an unexpected answer".into(),
        retryable: false,
    }
}

#[cfg(test)]
#[path = "team_tests.rs"]
mod tests;

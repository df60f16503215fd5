//! The hub's service, without HTTP: decode a signed request, check its time,
//! authenticate the device, check its role, do what it asks.

use carnet_protocol::{
    DeviceList, DevicePublicKeys, DeviceRecord, Invite, ProtocolError, Request, Response, Revocation, Role,
    SealedEntry, SignedRequest, Snapshot, SyncRequest, SyncResponse, decode, devices_version,
};
use uuid::Uuid;

use crate::HubError;
use crate::rate::{Caller, RateLimit, RateLimiter};
use crate::storage::HubStorage;

/// The largest request body the hub reads.
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;
/// The largest ciphertext of one pushed entry.
pub const MAX_ENTRY_BYTES: usize = 1024 * 1024;
/// The largest ciphertext of one snapshot (a whole document; it must fit in a request).
pub const MAX_SNAPSHOT_BYTES: usize = 7 * 1024 * 1024;
/// The most entries one push may carry.
pub const MAX_PUSH_ENTRIES: usize = 1000;
/// The most entries one answer carries, whatever the device asks.
pub const MAX_PULL_ENTRIES: u32 = 1000;
/// How far a request's time may be from the hub's clock: a captured request
/// cannot be replayed later than this.
pub const MAX_CLOCK_SKEW_MS: i64 = 10 * 60 * 1000;
/// By default, the entries of one answer stop at about this many bytes.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;

/// What can be tuned in a hub.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HubConfig {
    /// Requests per device.
    pub rate_limit: RateLimit,
    /// The entries of one sync answer stop at about this many bytes (`more` is set).
    pub max_response_bytes: usize,
}

impl Default for HubConfig {
    fn default() -> Self {
        Self {
            rate_limit: RateLimit::default(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }
}

/// The hub: relays the sealed entries of teams' devices and keeps them
/// durably in order, without holding any key that opens them.
#[derive(Debug)]
pub struct Hub<S> {
    storage: S,
    config: HubConfig,
    limiter: RateLimiter,
}

const JOIN_WITH_TEAM: HubError =
    HubError::BadRequest("a device joining sends an empty team id; update carnet");

/// The error for a request body that does not open with a device's key.
fn opening_error(error: &ProtocolError) -> HubError {
    match error {
        ProtocolError::BadSignature => HubError::Unauthenticated,
        other => HubError::from_decoding(other),
    }
}

fn body_of(signed: &SignedRequest) -> Result<Request, HubError> {
    decode(&signed.body).map_err(|e| HubError::from_decoding(&e))
}

impl<S: HubStorage> Hub<S> {
    /// A hub over `storage`.
    pub fn new(storage: S, config: HubConfig) -> Self {
        Self {
            storage,
            limiter: RateLimiter::new(config.rate_limit),
            config,
        }
    }

    /// Its storage.
    pub fn storage(&self) -> &S {
        &self.storage
    }

    /// Its configuration.
    pub fn config(&self) -> &HubConfig {
        &self.config
    }

    /// Decodes a request body: an encoded [`SignedRequest`].
    ///
    /// # Errors
    /// [`HubError::TooLarge`], [`HubError::UnsupportedVersion`] or [`HubError::BadRequest`].
    pub fn decode_request(body: &[u8]) -> Result<SignedRequest, HubError> {
        if body.len() > MAX_BODY_BYTES {
            return Err(HubError::TooLarge(
                "the body is over 8 MiB; push fewer entries at a time",
            ));
        }
        decode(body).map_err(|e| HubError::from_decoding(&e))
    }

    /// Answers a request body (an encoded [`SignedRequest`]) received at `now_ms`.
    ///
    /// # Errors
    /// Every [`HubError`]; a refused request changes nothing.
    pub fn handle(&self, now_ms: i64, body: &[u8]) -> Result<Response, HubError> {
        let signed = Self::decode_request(body)?;
        self.handle_signed(now_ms, &signed)
    }

    /// Answers a decoded request received at `now_ms`.
    ///
    /// # Errors
    /// Every [`HubError`]; a refused request changes nothing.
    pub fn handle_signed(&self, now_ms: i64, signed: &SignedRequest) -> Result<Response, HubError> {
        if signed.time_ms.abs_diff(now_ms) > MAX_CLOCK_SKEW_MS.unsigned_abs() {
            return Err(HubError::ClockSkew);
        }
        if signed.device.is_nil() {
            return Err(HubError::BadRequest("the device id is empty; update carnet"));
        }
        if signed.team.is_nil() {
            return match body_of(signed)? {
                Request::Join { invite_id, keys } => self.join(now_ms, signed, invite_id, &keys),
                _ => Err(HubError::BadRequest(
                    "the team id is empty; only a device joining omits it",
                )),
            };
        }
        let Some(record) = self.storage.device(signed.team, signed.device)? else {
            return match body_of(signed)? {
                Request::CreateTeam { keys } => self.create_team(now_ms, signed, &keys),
                Request::Join { .. } => Err(JOIN_WITH_TEAM),
                _ => Err(HubError::Unauthenticated),
            };
        };
        let request = signed.open(&record.keys).map_err(|e| opening_error(&e))?;
        if record.revoked {
            return Err(HubError::Revoked);
        }
        self.take_token(
            Caller::Device {
                team: signed.team,
                device: signed.device,
            },
            now_ms,
        )?;
        let team = signed.team;
        match request {
            // The team's creator asking again after a lost answer.
            Request::CreateTeam { keys } => {
                if record.role == Role::Lead && record.invite_id.is_nil() && keys == record.keys {
                    Ok(Response::TeamCreated)
                } else {
                    Err(HubError::TeamExists)
                }
            }
            Request::Join { .. } => Err(JOIN_WITH_TEAM),
            Request::CreateInvite(invite) => self.create_invite(now_ms, team, &record, &invite),
            Request::Sync(sync) => self.sync(now_ms, team, &record, &sync),
            Request::Devices => Ok(Response::Devices(self.device_list(team, &record)?)),
            Request::Revoke(revocation) => self.revoke(now_ms, team, &record, &revocation),
            Request::PutSnapshot(snapshot) => self.put_snapshot(now_ms, team, &record, &snapshot),
            Request::Snapshots { after } => self.snapshots(team, after),
        }
    }

    fn take_token(&self, caller: Caller, now_ms: i64) -> Result<(), HubError> {
        if self.limiter.allow(caller, now_ms) {
            Ok(())
        } else {
            Err(HubError::RateLimited)
        }
    }

    fn create_team(
        &self,
        now_ms: i64,
        signed: &SignedRequest,
        keys: &DevicePublicKeys,
    ) -> Result<Response, HubError> {
        signed.open(keys).map_err(|e| opening_error(&e))?;
        self.take_token(
            Caller::Device {
                team: signed.team,
                device: signed.device,
            },
            now_ms,
        )?;
        self.storage
            .create_team(signed.team, signed.device, keys, now_ms)?;
        Ok(Response::TeamCreated)
    }

    fn join(
        &self,
        now_ms: i64,
        signed: &SignedRequest,
        invite_id: Uuid,
        keys: &DevicePublicKeys,
    ) -> Result<Response, HubError> {
        signed.open(keys).map_err(|e| opening_error(&e))?;
        self.take_token(Caller::Invite(invite_id), now_ms)?;
        let enrolment = self.storage.take_invite(invite_id, signed.device, keys, now_ms)?;
        Ok(Response::Joined {
            team: enrolment.team,
            role: enrolment.role,
            wrapped: enrolment.wrapped,
        })
    }

    fn create_invite(
        &self,
        now_ms: i64,
        team: Uuid,
        device: &DeviceRecord,
        invite: &Invite,
    ) -> Result<Response, HubError> {
        if device.role != Role::Lead {
            return Err(HubError::Forbidden);
        }
        if invite.expires_ms <= now_ms {
            return Err(HubError::BadRequest(
                "the invite has expired already; check the device's date and make a new invite",
            ));
        }
        self.storage.put_invite(team, device.device, invite, now_ms)?;
        Ok(Response::InviteCreated)
    }

    fn sync(
        &self,
        now_ms: i64,
        team: Uuid,
        device: &DeviceRecord,
        sync: &SyncRequest,
    ) -> Result<Response, HubError> {
        if sync.push.len() > MAX_PUSH_ENTRIES {
            return Err(HubError::TooLarge(
                "a push carries at most 1000 entries; send the rest in the next request",
            ));
        }
        if !sync.push.is_empty() {
            let epoch = self.current_epoch(team)?;
            for entry in &sync.push {
                check_entry(team, device, epoch, entry, MAX_ENTRY_BYTES)?;
            }
        }
        let acks = self.storage.append(team, &sync.push, now_ms)?;
        let limit = sync.limit.min(MAX_PULL_ENTRIES);
        let page = self.storage.entries_after(
            team,
            sync.cursor,
            limit,
            self.config.max_response_bytes,
            sync.skip_snapshots,
        )?;
        let cursor = page.until.max(sync.cursor);
        // What this request pushed does not go back: the device holds it,
        // and its acks give the places the cursor passes over.
        let mut entries = page.entries;
        if !acks.is_empty() {
            let pushed: std::collections::HashSet<u64> = acks.iter().map(|a| a.seq).collect();
            entries.retain(|e| !pushed.contains(&e.seq));
        }
        // The device list travels only when it changed, so the steady state
        // stays one small exchange (and the list is read only then).
        let devices = if self.storage.devices_version(team)? == sync.devices_version {
            None
        } else {
            Some(self.device_list(team, device)?)
        };
        Ok(Response::Synced(SyncResponse {
            acks,
            entries,
            cursor,
            more: page.more,
            devices,
        }))
    }

    fn current_epoch(&self, team: Uuid) -> Result<u32, HubError> {
        self.storage
            .epoch(team)?
            .ok_or(HubError::BadRequest("there is no such team on this hub"))
    }

    fn device_list(&self, team: Uuid, device: &DeviceRecord) -> Result<DeviceList, HubError> {
        let devices = self.storage.devices(team)?;
        Ok(DeviceList {
            version: devices_version(devices.iter().map(|d| &d.revoked)),
            devices,
            epoch: self.current_epoch(team)?,
            keys: self.storage.device_keys(team, device.device)?,
        })
    }

    fn revoke(
        &self,
        now_ms: i64,
        team: Uuid,
        device: &DeviceRecord,
        revocation: &Revocation,
    ) -> Result<Response, HubError> {
        if device.role != Role::Lead {
            return Err(HubError::Forbidden);
        }
        if revocation.device == device.device {
            return Err(HubError::BadRequest(
                "a device cannot revoke itself; ask another lead of the team to revoke it",
            ));
        }
        self.storage.revoke(team, revocation, now_ms)?;
        Ok(Response::Revoked)
    }

    fn put_snapshot(
        &self,
        now_ms: i64,
        team: Uuid,
        device: &DeviceRecord,
        snapshot: &Snapshot,
    ) -> Result<Response, HubError> {
        let epoch = self.current_epoch(team)?;
        check_entry(team, device, epoch, &snapshot.entry, MAX_SNAPSHOT_BYTES)?;
        if snapshot.entry.header.single_doc().is_none() {
            return Err(HubError::BadRequest(
                "a snapshot holds one document; update carnet",
            ));
        }
        self.storage.put_snapshot(team, snapshot, now_ms)?;
        Ok(Response::SnapshotStored)
    }

    fn snapshots(&self, team: Uuid, after: Option<Uuid>) -> Result<Response, HubError> {
        let page = self
            .storage
            .snapshots(team, after, self.config.max_response_bytes)?;
        Ok(Response::Snapshots {
            snapshots: page.snapshots,
            version: page.version,
            more: page.more,
        })
    }
}

/// The checks the hub can make on an entry it cannot open: its size, that it
/// is for this team and was written by the device pushing it, under an epoch
/// the team has started, and signed by that device.
fn check_entry(
    team: Uuid,
    device: &DeviceRecord,
    epoch: u32,
    entry: &SealedEntry,
    max_bytes: usize,
) -> Result<(), HubError> {
    if entry.ciphertext.len() > max_bytes {
        return Err(HubError::TooLarge(
            "an entry is over the size limit; save the change in smaller parts",
        ));
    }
    let header = &entry.header;
    if !header.docs_are_canonical() {
        return Err(HubError::BadRequest(
            "an entry must name its documents once each, in order, and at most 4096; update carnet",
        ));
    }
    if header.team != team {
        return Err(HubError::BadRequest(
            "an entry is for another team than the request",
        ));
    }
    if header.author != device.device {
        return Err(HubError::BadRequest(
            "an entry names another device as its author; a device pushes only what it wrote",
        ));
    }
    if header.epoch == 0 || header.epoch > epoch {
        return Err(HubError::BadRequest(
            "an entry uses a key epoch the team has not started; update carnet",
        ));
    }
    entry.verify(&device.keys).map_err(|_| {
        tracing::warn!(%team, device = %device.device, entry = %header.entry_id, "entry signature refused");
        HubError::BadRequest("an entry's signature does not match this device's key; it was altered")
    })
}

//! What the hub keeps, behind a trait so the SQLite store can give way to
//! another database without touching the service.

use carnet_protocol::{
    Ack, DeviceKey, DevicePublicKeys, DeviceRecord, Invite, LogEntry, Revocation, Role, SealedEntry,
    Snapshot, Wrapped,
};
use uuid::Uuid;

use crate::HubError;

/// A device enrolled with an invite: what the hub answers the joining device.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Enrolment {
    /// The team the invite was for.
    pub team: Uuid,
    /// The role the invite gives.
    pub role: Role,
    /// What the lead sealed under the invite code.
    pub wrapped: Wrapped,
}

/// A page of a team's log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogPage {
    /// Entries in order of `seq`.
    pub entries: Vec<LogEntry>,
    /// Whether entries follow the last one of this page.
    pub more: bool,
    /// The place in the log this page accounts for: its last entry, or the
    /// end of the log when entries were left out after it.
    pub until: u64,
}

/// A page of a team's snapshots.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnapshotPage {
    /// In document order.
    pub snapshots: Vec<Snapshot>,
    /// The team's snapshot version when the page was read.
    pub version: u64,
    /// Whether more documents follow.
    pub more: bool,
}

/// The hub's durable state: teams, devices, invites, key epochs, each team's
/// log of sealed entries and the latest snapshot of each document.
///
/// Every method that writes does so in one transaction and returns once it is
/// durable, or changes nothing and returns an error. Methods return
/// [`HubError::Internal`] when the database fails.
pub trait HubStorage: Send + Sync + 'static {
    /// Creates a team at key epoch 1 with `lead` as its first device, a lead.
    ///
    /// # Errors
    /// [`HubError::TeamExists`] when the team id is taken.
    fn create_team(
        &self,
        team: Uuid,
        lead: Uuid,
        keys: &DevicePublicKeys,
        now_ms: i64,
    ) -> Result<(), HubError>;

    /// Registers an invite to `team`, made by the device `created_by`.
    ///
    /// # Errors
    /// [`HubError::BadRequest`] when an invite with that id exists already.
    fn put_invite(&self, team: Uuid, created_by: Uuid, invite: &Invite, now_ms: i64) -> Result<(), HubError>;

    /// Takes an invite, atomically: checks that it exists, is unused and has
    /// not expired, then marks it used and enrolls `device` in its team with
    /// `keys` and the invite's role. Taking the invite again with the same
    /// device and keys (a retry after a lost answer) answers the same.
    ///
    /// # Errors
    /// [`HubError::InviteNotFound`], [`HubError::InviteUsed`],
    /// [`HubError::InviteExpired`], [`HubError::Revoked`] for a retry by a
    /// device revoked since, [`HubError::BadRequest`] when the device is
    /// already in the team.
    fn take_invite(
        &self,
        invite_id: Uuid,
        device: Uuid,
        keys: &DevicePublicKeys,
        now_ms: i64,
    ) -> Result<Enrolment, HubError>;

    /// One device of a team, revoked or not.
    ///
    /// # Errors
    /// Database failures only.
    fn device(&self, team: Uuid, device: Uuid) -> Result<Option<DeviceRecord>, HubError>;

    /// Every device of a team, revoked ones included, in order of enrolment.
    ///
    /// # Errors
    /// Database failures only.
    fn devices(&self, team: Uuid) -> Result<Vec<DeviceRecord>, HubError>;

    /// The version of the team's device list
    /// ([`carnet_protocol::devices_version`]), which every sync compares
    /// with the device's; storage may count it without reading the list.
    ///
    /// # Errors
    /// Database failures only.
    fn devices_version(&self, team: Uuid) -> Result<u64, HubError> {
        let devices = self.devices(team)?;
        Ok(carnet_protocol::devices_version(
            devices.iter().map(|d| &d.revoked),
        ))
    }

    /// Revokes a device and stores the next epoch's team key wrapped for the
    /// remaining devices, in one transaction; the revoked device's unused
    /// invites are withdrawn. Revoking again at the same epoch (a retry) is a
    /// no-op.
    ///
    /// # Errors
    /// [`HubError::BadRequest`] when the device is not in the team or already
    /// revoked, when the epoch is not the current one plus one, or when a
    /// wrapped key is for another epoch, a revoked device or a device outside
    /// the team.
    fn revoke(&self, team: Uuid, revocation: &Revocation, now_ms: i64) -> Result<(), HubError>;

    /// The team keys wrapped for one device, in order of epoch.
    ///
    /// # Errors
    /// Database failures only.
    fn device_keys(&self, team: Uuid, device: Uuid) -> Result<Vec<DeviceKey>, HubError>;

    /// The team's current key epoch (`None` when there is no such team).
    ///
    /// # Errors
    /// Database failures only.
    fn epoch(&self, team: Uuid) -> Result<Option<u32>, HubError>;

    /// Appends entries to the team's log in one transaction and returns one
    /// acknowledgement per entry, in order, once the transaction is durable.
    /// Sequence numbers start at 1 and have no gaps. An entry whose
    /// `entry_id` is in the log already keeps its place: its ack carries the
    /// `seq` it got the first time.
    ///
    /// # Errors
    /// Database failures only (the caller checks the entries).
    fn append(&self, team: Uuid, entries: &[SealedEntry], now_ms: i64) -> Result<Vec<Ack>, HubError>;

    /// At most `limit` entries of the team's log after `cursor`, stopping
    /// before the entries' ciphertext and signatures pass `max_bytes` (one
    /// entry is returned whatever its size, so paging always moves on).
    /// With `skip_snapshots`, entries held by a snapshot of at most that
    /// version (covering the entry's place in the log) are left out.
    ///
    /// # Errors
    /// Database failures only.
    fn entries_after(
        &self,
        team: Uuid,
        cursor: u64,
        limit: u32,
        max_bytes: usize,
        skip_snapshots: Option<u64>,
    ) -> Result<LogPage, HubError>;

    /// Stores a document's snapshot, unless one covering more of the log is
    /// stored already (then this is a no-op).
    ///
    /// # Errors
    /// [`HubError::BadRequest`] when `covers_seq` is past the end of the log.
    fn put_snapshot(&self, team: Uuid, snapshot: &Snapshot, now_ms: i64) -> Result<(), HubError>;

    /// A page of the latest snapshot of each document of the team, in
    /// document order after `after`, within `max_bytes` (at least one), with
    /// the team's snapshot version as of this read.
    ///
    /// # Errors
    /// Database failures only.
    fn snapshots(&self, team: Uuid, after: Option<Uuid>, max_bytes: usize) -> Result<SnapshotPage, HubError>;
}

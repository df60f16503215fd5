//! What a device holds to take part in a team: its own keys, the team keys
//! it has received, and the public keys of the team's devices.

use std::collections::{BTreeMap, HashMap};

use carnet_protocol::{
    DeviceList, DevicePublicKeys, DeviceSecretKeys, EntryHeader, ProtocolError, SealedEntry, TeamKey,
    devices_version, pack_changes, unwrap_for_device,
};
use uuid::Uuid;

/// A device of the team as this device knows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RosterEntry {
    /// Its public keys.
    pub keys: DevicePublicKeys,
    /// Revoked devices' later entries are refused.
    pub revoked: bool,
}

/// One device's membership of a team.
#[derive(Clone, Debug)]
pub struct Membership {
    /// The team.
    pub team: Uuid,
    /// This device.
    pub device: Uuid,
    /// This device's secret keys.
    pub keys: DeviceSecretKeys,
    team_keys: BTreeMap<u32, TeamKey>,
    roster: HashMap<Uuid, RosterEntry>,
    /// The version of the device list the roster came from (0: none yet).
    pub devices_version: u64,
}

impl Membership {
    /// A membership with the team keys received so far.
    #[must_use]
    pub fn new(team: Uuid, device: Uuid, keys: DeviceSecretKeys, team_keys: Vec<TeamKey>) -> Self {
        let mut roster = HashMap::new();
        roster.insert(
            device,
            RosterEntry {
                keys: keys.public(),
                revoked: false,
            },
        );
        Self {
            team,
            device,
            keys,
            team_keys: team_keys.into_iter().map(|k| (k.epoch(), k)).collect(),
            roster,
            devices_version: 0,
        }
    }

    /// Takes the hub's device list: the devices' public keys, and the team
    /// keys of later epochs wrapped for this device. Returns the team keys it
    /// could unwrap, for the caller to store; a key that does not unwrap is
    /// left out (entries under it are then refused with a clear reason).
    pub fn apply_device_list(&mut self, list: &DeviceList) -> Vec<TeamKey> {
        for record in &list.devices {
            self.roster.insert(
                record.device,
                RosterEntry {
                    keys: record.keys,
                    revoked: record.revoked,
                },
            );
        }
        self.devices_version = list.version;
        let mut received = Vec::new();
        for wrapped in list.keys.iter().filter(|k| k.device == self.device) {
            if let Ok(bytes) = unwrap_for_device(&self.keys, &wrapped.wrapped)
                && let Ok(key) = <[u8; 32]>::try_from(bytes.as_slice())
            {
                let key = TeamKey::new(wrapped.epoch, key);
                self.team_keys.insert(key.epoch(), key.clone());
                received.push(key);
            }
        }
        received
    }

    /// Sets the version of the device list the roster holds, computed from
    /// the devices' revoked flags as the hub computes it.
    pub fn set_devices_version_from<'a>(&mut self, revoked: impl IntoIterator<Item = &'a bool>) {
        self.devices_version = devices_version(revoked);
    }

    /// Adds a team key (after a rotation).
    pub fn add_team_key(&mut self, key: TeamKey) {
        self.team_keys.insert(key.epoch(), key);
    }

    /// The newest team key, which new entries use.
    #[must_use]
    pub fn current_key(&self) -> Option<&TeamKey> {
        self.team_keys.values().next_back()
    }

    /// Records a device of the team.
    pub fn set_device(&mut self, device: Uuid, entry: RosterEntry) {
        self.roster.insert(device, entry);
    }

    /// The known device, if any.
    #[must_use]
    pub fn device(&self, device: &Uuid) -> Option<&RosterEntry> {
        self.roster.get(device)
    }

    /// Seals content of one document as this device, under the newest team
    /// key. `random` gives the entry id (16 bytes) and the nonce (24 bytes).
    ///
    /// # Errors
    /// [`ProtocolError::UnknownEpoch`] when the device has no team key.
    pub fn seal(&self, doc: Uuid, content: &[u8], random: [u8; 40]) -> Result<SealedEntry, ProtocolError> {
        self.seal_for(vec![doc], content, random)
    }

    /// Seals the changes of several documents into one entry (see
    /// [`carnet_protocol::pack_changes`]), in document order, so that what
    /// repeats from one case file to the next is compressed once.
    ///
    /// # Errors
    /// [`ProtocolError::UnknownEpoch`] when the device has no team key;
    /// [`ProtocolError::Malformed`] when `parts` is empty, names a document
    /// twice or more than [`carnet_protocol::MAX_ENTRY_DOCS`].
    pub fn seal_changes(
        &self,
        parts: &[(Uuid, &[u8])],
        random: [u8; 40],
    ) -> Result<SealedEntry, ProtocolError> {
        let mut sorted: Vec<&(Uuid, &[u8])> = parts.iter().collect();
        sorted.sort_by_key(|(doc, _)| *doc);
        let docs: Vec<Uuid> = sorted.iter().map(|(doc, _)| *doc).collect();
        let changes: Vec<&[u8]> = sorted.iter().map(|(_, changes)| *changes).collect();
        let content = pack_changes(&changes)?;
        self.seal_for(docs, &content, random)
    }

    fn seal_for(
        &self,
        docs: Vec<Uuid>,
        content: &[u8],
        random: [u8; 40],
    ) -> Result<SealedEntry, ProtocolError> {
        let key = self.current_key().ok_or(ProtocolError::UnknownEpoch(0))?;
        let mut id = [0u8; 16];
        id.copy_from_slice(&random[..16]);
        let mut nonce = [0u8; 24];
        nonce.copy_from_slice(&random[16..]);
        let header = EntryHeader {
            team: self.team,
            docs,
            author: self.device,
            epoch: key.epoch(),
            entry_id: uuid::Builder::from_random_bytes(id).into_uuid(),
        };
        if !header.docs_are_canonical() {
            return Err(ProtocolError::Malformed(
                "an entry names each of its case files once, and at most 4096".into(),
            ));
        }
        SealedEntry::seal(header, content, key, &self.keys, nonce)
    }

    /// Checks an entry's author and signature, then decrypts it.
    ///
    /// # Errors
    /// [`OpenError::UnknownAuthor`] when the signer is not a device of the
    /// team, [`OpenError::Protocol`] for a bad signature, a missing epoch or
    /// ciphertext that does not decrypt.
    pub fn open(&self, entry: &SealedEntry) -> Result<Vec<u8>, OpenError> {
        if entry.header.team != self.team {
            return Err(OpenError::OtherTeam);
        }
        let author = self
            .roster
            .get(&entry.header.author)
            .ok_or(OpenError::UnknownAuthor)?;
        entry.verify(&author.keys)?;
        let key = self
            .team_keys
            .get(&entry.header.epoch)
            .ok_or(OpenError::Protocol(ProtocolError::UnknownEpoch(
                entry.header.epoch,
            )))?;
        Ok(entry.open(key)?)
    }
}

/// Why a received entry was not applied.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OpenError {
    /// Signed by a device that is not in the team.
    #[error("the entry is signed by a device that is not in the team; it was ignored")]
    UnknownAuthor,
    /// Meant for another team.
    #[error("the entry belongs to another team; it was ignored")]
    OtherTeam,
    /// Altered, forged, or under a key this device does not have.
    #[error(transparent)]
    Protocol(#[from] ProtocolError),
}

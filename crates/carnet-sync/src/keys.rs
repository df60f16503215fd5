//! What a device holds to take part in a team: its own keys, the team keys
//! it has received, and the public keys of the team's devices.

use std::collections::{BTreeMap, HashMap};

use carnet_protocol::{DevicePublicKeys, DeviceSecretKeys, ProtocolError, SealedEntry, TeamKey};
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
        }
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

//! The team roster on the device: this device writes its own entry (worker
//! and device name, role) when it creates or joins a team and when it is
//! renamed; entries from the others arrive through the hub like case-file
//! changes. `team_members` joins it with the hub's device list, which is
//! where revocations and public keys come from.

use carnet_core::{Roster, RosterMember};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Device, DeviceError};

type Res<T> = Result<T, DeviceError>;

/// A device of the team, with the names its holder gave.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TeamMember {
    /// The device id.
    pub device_id: String,
    /// The worker who holds it (none until its roster entry arrives).
    pub worker: Option<String>,
    /// The device's name (none until its roster entry arrives).
    pub device_name: Option<String>,
    /// `lead` or `worker`, as the hub enrolled it.
    pub role: String,
    /// Revoked by a lead.
    pub revoked: bool,
    /// This device.
    pub this_device: bool,
}

impl Device {
    fn roster_doc(&self) -> Res<Roster> {
        let writer = self.store().writer();
        Ok(match self.store().roster()? {
            Some(bytes) => Roster::load(&bytes, writer)?,
            None => Roster::new(writer),
        })
    }

    fn team_key(&self) -> Res<String> {
        self.store()
            .team()?
            .map(|t| t.team_id)
            .ok_or_else(|| DeviceError::Input("this device is not in a team yet".into()))
    }

    /// Writes this device's roster entry (after creating or joining a team,
    /// or a rename) and queues it for the hub.
    pub(crate) fn write_roster_entry(&mut self) -> Res<()> {
        let Some(team) = self.store().team()? else {
            return Ok(());
        };
        let identity = self.identity().clone();
        let mut roster = self.roster_doc()?;
        let change = roster.set_member(&RosterMember {
            device: identity.device_id,
            worker: identity.worker,
            device_name: identity.device_name,
            role: team.role,
            joined_ms: self.clock().now().time_ms,
        })?;
        let doc = roster.save();
        self.store_mut().save_roster(&doc, Some(&change))?;
        Ok(())
    }

    /// Renames this device; in a team, the new name reaches the others with
    /// the next sync.
    ///
    /// # Errors
    /// [`DeviceError::Input`] for an empty name; store errors.
    pub fn rename_device(&mut self, name: &str) -> Res<()> {
        let name = name.trim();
        if name.is_empty() {
            return Err(DeviceError::Input("give the device a name".into()));
        }
        self.store_mut().set_device_name(name)?;
        self.write_roster_entry()
    }

    /// Takes roster changes received from the hub. Changes that wait for
    /// others are held until those arrive.
    pub(crate) fn apply_roster_changes(&mut self, changes: &[u8]) -> Res<()> {
        let key = self.team_key()?;
        let held = self.store().held_changes(&key)?;
        let mut roster = self.roster_doc()?;
        roster.receive_changes(changes)?;
        for bytes in &held {
            roster.receive_changes(bytes)?;
        }
        let waiting = roster.is_waiting();
        let doc = roster.save();
        self.store_mut().save_roster(&doc, None)?;
        if waiting {
            self.store_mut().hold_changes(&key, changes)?;
        } else if !held.is_empty() {
            self.store_mut().clear_held_changes(&key)?;
        }
        Ok(())
    }

    /// The whole roster document, for a snapshot.
    pub(crate) fn roster_bytes(&self) -> Res<Vec<u8>> {
        Ok(self.roster_doc()?.save())
    }

    /// The team's devices as the hub lists them, with the worker and device
    /// names from the roster.
    ///
    /// # Errors
    /// Store errors; a damaged roster document.
    pub fn team_members(&self) -> Res<Vec<TeamMember>> {
        let roster = self.roster_doc()?.members();
        let me = self.identity().device_id.to_string();
        let mut members: Vec<TeamMember> = self
            .store()
            .team_devices()?
            .into_iter()
            .map(|d| {
                let named = roster.iter().find(|m| m.device.to_string() == d.device_id);
                TeamMember {
                    this_device: d.device_id == me,
                    worker: named.map(|m| m.worker.clone()),
                    device_name: named.map(|m| m.device_name.clone()),
                    device_id: d.device_id,
                    role: d.role,
                    revoked: d.revoked,
                }
            })
            .collect();
        // Before the first sync the hub's list is not here yet: this device at least.
        if !members.iter().any(|m| m.this_device)
            && let Some(team) = self.store().team()?
        {
            let identity = self.identity();
            members.insert(
                0,
                TeamMember {
                    device_id: me,
                    worker: Some(identity.worker.clone()),
                    device_name: Some(identity.device_name.clone()),
                    role: team.role,
                    revoked: false,
                    this_device: true,
                },
            );
        }
        Ok(members)
    }
}

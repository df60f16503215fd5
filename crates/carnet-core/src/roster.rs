//! The team roster: which worker holds which device, as an Automerge
//! document synced through the hub like a case file, so the hub sees device
//! ids and public keys but never names.
//!
//! Schema (format: stored on devices and synced; do not change without a
//! new key): the root map holds one map per device, keyed by the device id,
//! with `worker`, `device_name`, `role` and `joined_ms`. Each device writes
//! only its own entry, so concurrent joins never conflict.

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ReadDoc, Value};
use serde::{Deserialize, Serialize};

use crate::case_file::{get_int, get_str};
use crate::{CoreError, DeviceId, Writer};

type Res<T> = Result<T, CoreError>;

/// One device of the team as its holder described it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterMember {
    /// The device.
    pub device: DeviceId,
    /// The worker who holds it.
    pub worker: String,
    /// What the worker calls the device ("tablette du bureau").
    pub device_name: String,
    /// `lead` or `worker`, as the device was invited.
    pub role: String,
    /// When it joined (milliseconds since the Unix epoch).
    pub joined_ms: i64,
}

/// The roster document.
#[derive(Debug)]
pub struct Roster {
    doc: AutoCommit,
}

impl Roster {
    /// An empty roster, written to by `writer`.
    #[must_use]
    pub fn new(writer: impl Into<Writer>) -> Self {
        Self {
            doc: AutoCommit::new().with_actor(writer.into().actor()),
        }
    }

    /// Opens a saved roster.
    ///
    /// # Errors
    /// [`CoreError::InvalidDocument`] for bytes that are not a roster.
    pub fn load(bytes: &[u8], writer: impl Into<Writer>) -> Res<Self> {
        let doc = AutoCommit::load(bytes).map_err(|e| CoreError::InvalidDocument {
            reason: e.to_string(),
        })?;
        Ok(Self {
            doc: doc.with_actor(writer.into().actor()),
        })
    }

    /// Writes (or rewrites) the entry of `member.device` and returns the
    /// change, to be stored and sent.
    ///
    /// # Errors
    /// [`CoreError::InvalidDocument`] when the document holds something else
    /// at that device's key.
    pub fn set_member(&mut self, member: &RosterMember) -> Res<Vec<u8>> {
        let heads = self.doc.get_heads();
        let key = member.device.to_string();
        let invalid = |e: automerge::AutomergeError| CoreError::InvalidDocument {
            reason: e.to_string(),
        };
        let entry = match self.doc.get(automerge::ROOT, &key).map_err(invalid)? {
            Some((Value::Object(ObjType::Map), id)) => id,
            _ => self
                .doc
                .put_object(automerge::ROOT, &key, ObjType::Map)
                .map_err(invalid)?,
        };
        for (field, value) in [
            ("worker", &member.worker),
            ("device_name", &member.device_name),
            ("role", &member.role),
        ] {
            if get_str(&self.doc, &entry, field) != *value {
                self.doc.put(&entry, field, value.as_str()).map_err(invalid)?;
            }
        }
        if get_int(&self.doc, &entry, "joined_ms").is_none() {
            self.doc
                .put(&entry, "joined_ms", member.joined_ms)
                .map_err(invalid)?;
        }
        self.doc.commit();
        Ok(self.doc.save_after(&heads))
    }

    /// Takes changes from another device. Nothing is changed when the bytes
    /// do not parse.
    ///
    /// # Errors
    /// [`CoreError::InvalidDocument`] for bytes that are not Automerge changes.
    pub fn receive_changes(&mut self, bytes: &[u8]) -> Res<()> {
        let invalid = |e: automerge::AutomergeError| CoreError::InvalidDocument {
            reason: e.to_string(),
        };
        AutoCommit::new().load_incremental(bytes).map_err(invalid)?;
        self.doc.load_incremental(bytes).map_err(invalid)?;
        Ok(())
    }

    /// Whether changes wait for others they depend on.
    pub fn is_waiting(&mut self) -> bool {
        !self.doc.get_missing_deps(&[]).is_empty()
    }

    /// The whole document, to store.
    pub fn save(&mut self) -> Vec<u8> {
        self.doc.save()
    }

    /// Every member, ordered by the time they joined. Entries that are not
    /// readable members (a device id that does not parse) are skipped.
    #[must_use]
    pub fn members(&self) -> Vec<RosterMember> {
        let mut members: Vec<RosterMember> = self
            .doc
            .map_range(automerge::ROOT, ..)
            .filter_map(|item| {
                let device: DeviceId = item.key.parse().ok()?;
                let automerge::ValueRef::Object(ObjType::Map) = item.value else {
                    return None;
                };
                let entry = item.id();
                Some(RosterMember {
                    device,
                    worker: get_str(&self.doc, &entry, "worker"),
                    device_name: get_str(&self.doc, &entry, "device_name"),
                    role: get_str(&self.doc, &entry, "role"),
                    joined_ms: get_int(&self.doc, &entry, "joined_ms").unwrap_or(0),
                })
            })
            .collect();
        members.sort_by_key(|m| (m.joined_ms, m.device));
        members
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(device: DeviceId, worker: &str, joined_ms: i64) -> RosterMember {
        RosterMember {
            device,
            worker: worker.into(),
            device_name: format!("tablette de {worker}"),
            role: "worker".into(),
            joined_ms,
        }
    }

    #[test]
    fn devices_that_join_at_once_all_appear_after_merging() {
        let (a, b) = (DeviceId::random(), DeviceId::random());
        let mut lead = Roster::new(a);
        let first = lead.set_member(&member(a, "Léa", 1)).unwrap();
        // The worker starts from an empty roster, before it has received the lead's.
        let mut worker = Roster::new(b);
        let second = worker.set_member(&member(b, "Bruno", 2)).unwrap();
        lead.receive_changes(&second).unwrap();
        worker.receive_changes(&first).unwrap();
        assert_eq!(lead.members(), worker.members());
        let names: Vec<String> = lead.members().into_iter().map(|m| m.worker).collect();
        assert_eq!(names, ["Léa", "Bruno"]);
        assert!(!lead.is_waiting());
    }

    #[test]
    fn renaming_a_device_keeps_when_it_joined_and_survives_a_reload() {
        let a = DeviceId::random();
        let mut roster = Roster::new(a);
        roster.set_member(&member(a, "Léa", 5)).unwrap();
        let mut renamed = member(a, "Léa", 99);
        renamed.device_name = "tablette de Léa (neuve)".into();
        let change = roster.set_member(&renamed).unwrap();
        assert!(!change.is_empty());
        let mut reloaded = Roster::load(&roster.save(), a).unwrap();
        let members = reloaded.members();
        assert_eq!(members.len(), 1);
        assert_eq!(
            (members[0].device_name.as_str(), members[0].joined_ms),
            ("tablette de Léa (neuve)", 5)
        );
        assert!(!reloaded.is_waiting());
    }

    #[test]
    fn bytes_that_are_not_changes_change_nothing() {
        let a = DeviceId::random();
        let mut roster = Roster::new(a);
        roster.set_member(&member(a, "Léa", 1)).unwrap();
        let before = roster.members();
        assert!(roster.receive_changes(b"not automerge").is_err());
        assert_eq!(roster.members(), before);
        assert!(Roster::load(b"garbage", a).is_err());
    }
}

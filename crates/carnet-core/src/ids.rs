//! Identifier newtypes. Every id crossing an API is one of these, never a bare
//! string or UUID, so a visit id cannot be passed where a case id is expected.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::CoreError;

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A new random id.
            #[must_use]
            pub fn random() -> Self {
                Self(Uuid::new_v4())
            }

            /// Wraps an existing UUID.
            #[must_use]
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            /// The UUID inside.
            #[must_use]
            pub const fn as_uuid(&self) -> &Uuid {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = CoreError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s.trim())
                    .map(Self)
                    .map_err(|_| CoreError::InvalidId { what: $what, value: s.to_owned() })
            }
        }
    };
}

uuid_id!(
    /// One case file: a person or a household.
    CaseId,
    "case file"
);
uuid_id!(
    /// One visit inside a case file.
    VisitId,
    "visit"
);
uuid_id!(
    /// One rights procedure ("démarche") inside a case file.
    ProcedureId,
    "procedure"
);
uuid_id!(
    /// One follow-up task inside a case file.
    TaskId,
    "task"
);
uuid_id!(
    /// One comment inside a case file.
    CommentId,
    "comment"
);
uuid_id!(
    /// One device (tablet or laptop). It is also the Automerge actor of every
    /// change the device writes.
    DeviceId,
    "device"
);

impl DeviceId {
    /// The device that wrote changes under `actor`, if the actor is a Carnet
    /// writer (the device's 16 bytes, then 4 bytes of session).
    #[must_use]
    pub fn from_actor(actor: &automerge::ActorId) -> Option<Self> {
        let bytes = actor.to_bytes();
        match bytes.len() {
            16 | 20 => Uuid::from_slice(&bytes[..16]).ok().map(Self),
            _ => None,
        }
    }
}

/// Who writes changes: a device, in one run of a program. Two programs open
/// on one device at once (the app and the command line) must never write
/// under the same Automerge actor, so each run picks its own session number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Writer {
    /// The device.
    pub device: DeviceId,
    /// This run's session number.
    pub session: u32,
}

impl Writer {
    /// The Automerge actor id: the device's 16 bytes then the session's 4
    /// (format: do not change without a version bump).
    #[must_use]
    pub fn actor(&self) -> automerge::ActorId {
        let mut bytes = [0u8; 20];
        bytes[..16].copy_from_slice(self.device.0.as_bytes());
        bytes[16..].copy_from_slice(&self.session.to_be_bytes());
        automerge::ActorId::from(bytes)
    }
}

impl From<DeviceId> for Writer {
    fn from(device: DeviceId) -> Self {
        Self { device, session: 0 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_strings() {
        let id = CaseId::random();
        let parsed: CaseId = id.to_string().parse().unwrap();
        assert_eq!(id, parsed);
    }

    #[test]
    fn a_bad_id_says_what_it_was_for() {
        let err = "not-a-uuid".parse::<VisitId>().unwrap_err();
        assert!(err.to_string().contains("visit"), "{err}");
    }

    #[test]
    fn writers_are_actors_that_name_their_device() {
        let device = DeviceId::random();
        let one = Writer { device, session: 1 };
        let two = Writer { device, session: 2 };
        assert_ne!(one.actor(), two.actor());
        assert_eq!(DeviceId::from_actor(&one.actor()), Some(device));
        assert_eq!(
            DeviceId::from_actor(&automerge::ActorId::from(*device.as_uuid().as_bytes())),
            Some(device)
        );
        assert_eq!(DeviceId::from_actor(&automerge::ActorId::from([1u8; 3])), None);
    }
}

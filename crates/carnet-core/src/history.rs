//! What each change of a case file did, who made it, when and on which device.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ids::DeviceId;

/// The change message Carnet writes. Format: three lines, `carnet/1`, the
/// edit label, the worker's name (do not change without a version bump).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ChangeNote {
    pub(crate) label: String,
    pub(crate) worker: String,
}

const NOTE_MAGIC: &str = "carnet/1";

impl ChangeNote {
    pub(crate) fn encode(label: &str, worker: &str) -> String {
        let worker: String = worker
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        format!("{NOTE_MAGIC}\n{label}\n{worker}")
    }

    pub(crate) fn decode(message: &str) -> Option<Self> {
        let mut lines = message.splitn(3, '\n');
        if lines.next()? != NOTE_MAGIC {
            return None;
        }
        Some(Self {
            label: lines.next()?.to_owned(),
            worker: lines.next().unwrap_or_default().to_owned(),
        })
    }
}

/// One change in a case file's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// The change hash (hex).
    pub hash: String,
    /// The device that wrote it, when it is a Carnet device.
    pub device: Option<DeviceId>,
    /// The worker named in the change.
    pub worker: Option<String>,
    /// When, in milliseconds since the Unix epoch (the writer's clock).
    pub time_ms: i64,
    /// What kind of edit ("visit.add", "procedure.set"…), or "unknown".
    pub label: String,
    /// The paths of what the change touched (`visits/<id>/note`…).
    pub touched: Vec<String>,
}

/// One value among several concurrent ones.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ConflictValue {
    /// The value, in the field's text form.
    pub value: String,
    /// The device that wrote it.
    pub device: Option<DeviceId>,
    /// The worker who wrote it.
    pub worker: Option<String>,
    /// When, in milliseconds since the Unix epoch.
    pub time_ms: i64,
}

/// A field that holds concurrent values after a merge.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Conflict {
    /// The field (`procedures/<id>/status`…).
    pub field: String,
    /// The value shown everywhere until it is resolved.
    pub shown: String,
    /// Every concurrent value with its author.
    pub values: Vec<ConflictValue>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_round_trip_and_strip_control_characters() {
        let text = ChangeNote::encode("visit.add", "Anne\nMarie");
        let note = ChangeNote::decode(&text).unwrap();
        assert_eq!(
            note,
            ChangeNote {
                label: "visit.add".into(),
                worker: "Anne Marie".into()
            }
        );
        assert_eq!(ChangeNote::decode("hello"), None);
    }
}

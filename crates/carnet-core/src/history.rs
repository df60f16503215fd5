//! What each change of a case file did, who made it, when and on which device.

use std::collections::{BTreeSet, HashMap};

use automerge::ChangeHash;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ids::DeviceId;
use crate::model::CaseFileView;

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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
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
    /// Each field the change set, with its value before and after (for a
    /// note: what was added and removed).
    #[serde(default)]
    pub fields: Vec<FieldChange>,
}

/// What one change did to one field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FieldChange {
    /// The field (`procedures/<id>/status`…).
    pub field: String,
    /// Its value just before, in text form; `None` when it did not exist yet
    /// or for a note (see `diff`).
    pub before: Option<String>,
    /// Its value just after; `None` for a note (see `diff`).
    pub after: Option<String>,
    /// For a note: the text as a sequence of kept, added and removed parts
    /// (word by word); empty for other fields.
    pub diff: Vec<DiffPart>,
}

/// One part of a text diff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DiffPart {
    /// `same`, `added` or `removed`.
    pub op: String,
    /// The text of the part.
    pub text: String,
}

/// A stretch of a merged text written by one author.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TextPart {
    /// The text.
    pub text: String,
    /// The device that wrote it.
    pub device: Option<DeviceId>,
    /// The worker who wrote it.
    pub worker: Option<String>,
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
    /// Every concurrent value with its author. For a note edited
    /// concurrently: each author's version as they left it.
    pub values: Vec<ConflictValue>,
    /// For a note: the merged text (`shown`) cut into the parts each author
    /// wrote; empty for other fields.
    #[serde(default)]
    pub parts: Vec<TextPart>,
}

/// A case file as it stood at an instant (see [`crate::CaseFile::as_of`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct CaseFileAsOf {
    /// The instant, in milliseconds since the Unix epoch.
    pub as_of_ms: i64,
    /// The case file as it stood then.
    pub case: CaseFileView,
    /// The heads (hex) of the changes it is made of.
    pub heads: Vec<String>,
    /// How many changes it is made of.
    pub changes: usize,
    /// Changes stamped at or before the instant that were left out because
    /// they build on a change stamped after it (a device whose clock was behind).
    pub held_back: usize,
}

/// One change as far as dating it goes: its hash, its dependencies, its time.
pub(crate) struct DatedChange {
    pub(crate) hash: ChangeHash,
    pub(crate) deps: Vec<ChangeHash>,
    pub(crate) time_ms: i64,
}

/// Which changes make up a document as it stood at `time_ms`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Cut {
    /// The heads of the changes taken, sorted.
    pub(crate) heads: Vec<ChangeHash>,
    /// How many changes were taken.
    pub(crate) taken: usize,
    /// Changes stamped at or before `time_ms` that were not taken.
    pub(crate) held_back: usize,
}

/// Chooses the changes of a document as it stood at `time_ms`: a change is
/// taken when it is stamped at or before `time_ms` and so is every change it
/// depends on, directly or not.
///
/// Timestamps come from each writer's clock, so they can disagree with
/// causality: a device whose clock is behind may stamp a change earlier than
/// a change it builds on. Such a change cannot have existed before the change
/// it builds on, which is after the instant, so it is held back rather than
/// pulling the later change in: nothing stamped after the instant ever shows.
/// A change whose dependencies are not in `changes` is held back too.
pub(crate) fn cut_at(changes: &[DatedChange], time_ms: i64) -> Cut {
    let by_hash: HashMap<ChangeHash, &DatedChange> = changes.iter().map(|c| (c.hash, c)).collect();
    let mut taken: HashMap<ChangeHash, bool> = HashMap::with_capacity(changes.len());
    for change in changes {
        // Depth-first without recursion: a long history must not overflow the stack.
        let mut stack = vec![(change.hash, false)];
        while let Some((hash, deps_done)) = stack.pop() {
            if taken.contains_key(&hash) {
                continue;
            }
            let Some(c) = by_hash.get(&hash) else {
                taken.insert(hash, false);
                continue;
            };
            if c.time_ms > time_ms {
                taken.insert(hash, false);
            } else if deps_done {
                let ok = c.deps.iter().all(|d| taken.get(d).copied().unwrap_or(false));
                taken.insert(hash, ok);
            } else {
                stack.push((hash, true));
                stack.extend(
                    c.deps
                        .iter()
                        .filter(|d| !taken.contains_key(*d))
                        .map(|d| (*d, false)),
                );
            }
        }
    }
    let is_taken = |h: &ChangeHash| taken.get(h).copied().unwrap_or(false);
    let depended_on: BTreeSet<ChangeHash> = changes
        .iter()
        .filter(|c| is_taken(&c.hash))
        .flat_map(|c| c.deps.iter().copied())
        .collect();
    let mut heads: Vec<ChangeHash> = changes
        .iter()
        .map(|c| c.hash)
        .filter(|h| is_taken(h) && !depended_on.contains(h))
        .collect();
    heads.sort();
    heads.dedup();
    let taken_count = changes.iter().filter(|c| is_taken(&c.hash)).count();
    let stamped_before = changes.iter().filter(|c| c.time_ms <= time_ms).count();
    Cut {
        heads,
        taken: taken_count,
        held_back: stamped_before - taken_count,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash(n: u8) -> ChangeHash {
        ChangeHash([n; 32])
    }

    fn change(n: u8, deps: &[u8], time_ms: i64) -> DatedChange {
        DatedChange {
            hash: hash(n),
            deps: deps.iter().map(|d| hash(*d)).collect(),
            time_ms,
        }
    }

    #[test]
    fn a_cut_takes_what_was_stamped_by_then_and_holds_back_what_builds_on_later_changes() {
        // 1 ← 2 ← 3 on one device; 4 (a device behind by an hour) builds on 3
        // but is stamped before it; 5 is concurrent with 3, stamped before it.
        let changes = [
            change(1, &[], 100),
            change(2, &[1], 200),
            change(3, &[2], 300),
            change(4, &[3], 250),
            change(5, &[2], 260),
        ];
        let cases = [
            (50, vec![], 0, 0),
            (100, vec![1], 1, 0),
            (199, vec![1], 1, 0),
            (200, vec![2], 2, 0),
            (255, vec![2], 2, 1),
            (270, vec![5], 3, 1),
            (300, vec![4, 5], 5, 0),
            (i64::MAX, vec![4, 5], 5, 0),
        ];
        for (time, heads, taken, held_back) in cases {
            let cut = cut_at(&changes, time);
            assert_eq!(
                cut,
                Cut {
                    heads: heads.into_iter().map(hash).collect(),
                    taken,
                    held_back
                },
                "at {time}"
            );
        }
    }

    #[test]
    fn a_change_whose_dependency_is_missing_is_held_back() {
        let changes = [change(1, &[], 100), change(3, &[1, 2], 150)];
        let cut = cut_at(&changes, 200);
        assert_eq!((cut.heads, cut.taken, cut.held_back), (vec![hash(1)], 1, 1));
    }

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

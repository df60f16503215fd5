//! The lead's review: what changed across the team since the last review
//! point, grouped by case file; marking a new point; sign-off (a visit
//! reviewed) and comments for the worker.

use carnet_core::{CaseId, ChangeHash, CommentId, Edit, HistoryEntry};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{CaseDetail, Device, DeviceError};

type Res<T> = Result<T, DeviceError>;

/// The changes one case file received since the last review point.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CaseChanges {
    /// The case file.
    pub case_id: CaseId,
    /// The person's name.
    pub name: String,
    /// Whether the case file is new since the last review point.
    pub new_case: bool,
    /// The changes, oldest first, each with who, when, which device and
    /// what it did.
    pub changes: Vec<HistoryEntry>,
    /// The case file's heads (hex) with these changes: what marking it
    /// reviewed records ([`Device::mark_reviewed`]).
    pub heads: Vec<String>,
}

/// A case file as the lead saw it, to mark reviewed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReviewedCase {
    /// The case file.
    pub case_id: CaseId,
    /// Its heads (hex) as shown ([`CaseChanges::heads`]).
    pub heads: Vec<String>,
}

/// Everything that changed since the last review point.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SinceReview {
    /// When the last review point was marked (milliseconds since the Unix
    /// epoch), or `None` before the first one (then everything is new).
    pub since_ms: Option<i64>,
    /// How many case files changed.
    pub total_cases: u64,
    /// How many changes in all.
    pub total_changes: u64,
    /// The case files, the most recently changed first, at most `limit`.
    pub cases: Vec<CaseChanges>,
    /// When this list was read (this device's store clock, milliseconds):
    /// pass it back to [`Device::mark_reviewed`].
    pub read_ms: i64,
}

/// A review point just marked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReviewMarked {
    /// When (milliseconds since the Unix epoch).
    pub at_ms: i64,
    /// How many case files had changed since the previous point.
    pub cases: u64,
}

impl Device {
    /// Every change since the last review point, grouped by case file, the
    /// most recently changed case file first; at most `limit` case files
    /// (the totals count them all). "Since" is exact: a change counts when
    /// it is not among the changes a case file held at the point, whatever
    /// its writer's clock said, so a colleague who syncs days later is
    /// still seen.
    ///
    /// # Errors
    /// Store errors; a damaged case file is an error, not skipped.
    pub fn since_review(&self, limit: usize) -> Res<SinceReview> {
        let since_ms = self.store().review_point()?;
        let read_ms = self.store().clock_ms();
        let mut cases = Vec::new();
        let mut total_changes = 0u64;
        for id in self.store().cases_to_review()? {
            let seen = self.store().reviewed_heads(id)?;
            let mut stored = self.store().load(id)?;
            let changes = stored.file.history_since(seen.as_deref().unwrap_or(&[]));
            if changes.is_empty() {
                continue;
            }
            total_changes += changes.len() as u64;
            cases.push(CaseChanges {
                case_id: id,
                name: stored.file.view().person.name,
                new_case: seen.is_none(),
                changes,
                heads: stored.file.heads().iter().map(ToString::to_string).collect(),
            });
        }
        let latest = |c: &CaseChanges| c.changes.iter().map(|h| h.time_ms).max().unwrap_or(0);
        cases.sort_by(|a, b| latest(b).cmp(&latest(a)).then(a.name.cmp(&b.name)));
        let total_cases = cases.len() as u64;
        cases.truncate(limit);
        Ok(SinceReview {
            since_ms,
            total_cases,
            total_changes,
            cases,
            read_ms,
        })
    }

    /// Marks a review point now: everything that changed so far counts as
    /// reviewed (what a script asks for; a screen marks what it showed with
    /// [`Device::mark_reviewed`]).
    ///
    /// # Errors
    /// Store errors; nothing is marked on error.
    pub fn mark_review_point(&mut self) -> Res<ReviewMarked> {
        // Read the time first: a change arriving while the heads are read
        // is looked at again next time rather than missed.
        let at_ms = self.store().clock_ms();
        let mut heads = Vec::new();
        let mut changed = 0u64;
        for id in self.store().cases_to_review()? {
            let seen = self.store().reviewed_heads(id)?;
            let mut stored = self.store().load(id)?;
            let now = stored.file.heads();
            if seen.as_ref() != Some(&now) {
                changed += 1;
            }
            heads.push((id, now));
        }
        self.store_mut().mark_review_point(&heads, at_ms, at_ms)?;
        Ok(ReviewMarked {
            at_ms,
            cases: changed,
        })
    }

    /// Marks reviewed the case files the lead was shown, as they were shown
    /// (their heads, read at `read_ms` as [`SinceReview::read_ms`] says), and
    /// a review point now. A change that arrived after the list was read, and
    /// a case file that was not shown, stay to review.
    ///
    /// # Errors
    /// [`DeviceError::Input`] for heads that are not change hashes; not
    /// found; store errors. Nothing is marked on error.
    pub fn mark_reviewed(&mut self, shown: &[ReviewedCase], read_ms: i64) -> Res<ReviewMarked> {
        let mut heads = Vec::with_capacity(shown.len());
        for case in shown {
            self.store().find_case(&case.case_id.to_string())?;
            let parsed = case
                .heads
                .iter()
                .map(|h| {
                    h.parse::<ChangeHash>()
                        .map_err(|_| DeviceError::Input(format!("{h:?} is not a change hash")))
                })
                .collect::<Res<Vec<_>>>()?;
            heads.push((case.case_id, parsed));
        }
        let at_ms = self.store().clock_ms();
        self.store_mut()
            .mark_review_point(&heads, read_ms.min(at_ms), at_ms)?;
        Ok(ReviewMarked {
            at_ms,
            cases: heads.len() as u64,
        })
    }

    /// Adds a comment on a case file for its worker, signed with this
    /// device's worker and the time.
    ///
    /// # Errors
    /// Not found, an empty comment; store errors.
    pub fn add_comment(&mut self, case: &str, text: &str) -> Res<CaseDetail> {
        let id = self.store().find_case(case)?;
        self.edit(
            id,
            &Edit::AddComment {
                id: CommentId::random(),
                text: text.to_owned(),
            },
        )?;
        self.show(&id.to_string())
    }
}

#[cfg(test)]
#[path = "review_tests.rs"]
mod tests;

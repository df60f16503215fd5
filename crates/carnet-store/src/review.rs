//! The lead's review points: when the last one was marked, and the heads each
//! case file had then, so that "what changed since my last review" is exact
//! whatever the writers' clocks said.

use carnet_core::{CaseId, ChangeHash};
use rusqlite::{OptionalExtension, TransactionBehavior, params};

use crate::StoreError;
use crate::store::{Store, now_ms};

type Res<T> = Result<T, StoreError>;

fn parse_heads(text: &str) -> Vec<ChangeHash> {
    text.split_whitespace().filter_map(|h| h.parse().ok()).collect()
}

impl Store {
    /// When the last review point was marked (milliseconds since the Unix
    /// epoch, this device's clock), or `None` before the first one.
    ///
    /// # Errors
    /// Database errors.
    pub fn review_point(&self) -> Res<Option<i64>> {
        Ok(self
            .conn
            .query_row("SELECT at_ms FROM review_point WHERE singleton = 1", [], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// The heads a case file had at the last review point, or `None` when it
    /// was not on this device then.
    ///
    /// # Errors
    /// Database errors.
    pub fn reviewed_heads(&self, id: CaseId) -> Res<Option<Vec<ChangeHash>>> {
        let text: Option<String> = self
            .conn
            .query_row(
                "SELECT heads FROM review_heads WHERE case_id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        Ok(text.as_deref().map(parse_heads))
    }

    /// The case files that may hold changes not reviewed yet: those written
    /// on this device (edited here or received) since they were last
    /// reviewed, and those never reviewed.
    ///
    /// # Errors
    /// Database errors.
    pub fn cases_to_review(&self) -> Res<Vec<CaseId>> {
        let mut stmt = self.conn.prepare(
            "SELECT d.case_id FROM documents d LEFT JOIN review_heads r ON r.case_id = d.case_id
             WHERE r.case_id IS NULL OR d.updated_ms >= r.at_ms ORDER BY d.case_id",
        )?;
        let ids = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ids.iter().filter_map(|id| id.parse().ok()).collect())
    }

    /// Marks case files reviewed as they stood when they were read at
    /// `read_ms` (read the clock before the heads, so that a change arriving
    /// meanwhile is looked at again), and the review point at `at_ms`. Case
    /// files left out keep what they had: changes not shown stay to review.
    /// One transaction: all or nothing.
    ///
    /// # Errors
    /// Database errors; nothing is written on error.
    pub fn mark_review_point(
        &mut self,
        heads: &[(CaseId, Vec<ChangeHash>)],
        read_ms: i64,
        at_ms: i64,
    ) -> Res<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let mut put = tx.prepare_cached(
                "INSERT INTO review_heads (case_id, heads, at_ms) VALUES (?1, ?2, ?3)
                 ON CONFLICT (case_id) DO UPDATE SET heads = excluded.heads, at_ms = excluded.at_ms",
            )?;
            for (id, case_heads) in heads {
                let text: Vec<String> = case_heads.iter().map(ToString::to_string).collect();
                put.execute(params![id.to_string(), text.join(" "), read_ms])?;
            }
        }
        tx.execute(
            "INSERT INTO review_point (singleton, at_ms) VALUES (1, ?1)
             ON CONFLICT (singleton) DO UPDATE SET at_ms = excluded.at_ms",
            [at_ms],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The store's clock, the one [`Store::cases_to_review`] compares with.
    #[must_use]
    pub fn clock_ms(&self) -> i64 {
        now_ms()
    }
}

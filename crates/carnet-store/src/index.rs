//! The derived index: a projection of each case file into plain tables for
//! the caseload list, search, due tasks and conflicts. It is written in the
//! same transaction as the document, and `reindex` rebuilds it from scratch.

use carnet_core::{CaseFile, CaseFileView, CaseId};
use rusqlite::{Connection, OptionalExtension, params};

use crate::StoreError;
use crate::fold::fold;

/// Removes a case file from the index.
pub(crate) fn remove(conn: &Connection, id: CaseId) -> Result<(), StoreError> {
    let key = id.to_string();
    let row: Option<i64> = conn
        .query_row("SELECT row FROM caseload WHERE case_id = ?1", [&key], |r| {
            r.get(0)
        })
        .optional()?;
    if let Some(row) = row {
        conn.execute("DELETE FROM search WHERE rowid = ?1", [row])?;
    }
    for table in [
        "caseload",
        "visit_index",
        "procedure_index",
        "task_index",
        "conflict_index",
    ] {
        conn.execute(&format!("DELETE FROM {table} WHERE case_id = ?1"), [&key])?;
    }
    Ok(())
}

/// Writes a case file's rows, replacing the old ones, and returns the view
/// they were projected from (callers show it rather than build it again).
pub(crate) fn project(conn: &Connection, file: &mut CaseFile) -> Result<CaseFileView, StoreError> {
    remove(conn, file.id())?;
    let view = file.view();
    let conflicts = file.conflicts();
    let key = view.id.to_string();
    let live_visits = || view.visits.iter().filter(|v| !v.archived);
    let last_visit = live_visits()
        .filter_map(|v| v.at.as_ref())
        .map(|at| at.as_str())
        .max();
    let open_procedures = view.procedures.iter().filter(|p| p.status.is_open()).count();
    let next_task_due = view
        .tasks
        .iter()
        .filter(|t| !t.done)
        .filter_map(|t| t.due.as_ref())
        .min();
    conn.execute(
        "INSERT INTO caseload (case_id, name, sort_key, commune, commune_key, last_visit, visits,
                               open_procedures, next_task_due, conflicts, read_only, archived)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            key,
            view.person.name,
            fold(&view.person.name),
            view.person.commune,
            fold(&view.person.commune),
            last_visit,
            live_visits().count() as i64,
            open_procedures as i64,
            next_task_due.map(|d| d.as_str()),
            conflicts.len() as i64,
            view.read_only.is_some(),
            view.archived,
        ],
    )?;
    let row = conn.last_insert_rowid();
    let mut notes = view.person.situation.clone();
    for visit in live_visits() {
        notes.push('\n');
        notes.push_str(&visit.note);
    }
    conn.execute(
        "INSERT INTO search (rowid, case_id, name, commune, notes) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![row, key, view.person.name, view.person.commune, notes],
    )?;
    let mut visit = conn.prepare_cached(
        "INSERT INTO visit_index (visit_id, case_id, at, worker, archived) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for v in &view.visits {
        visit.execute(params![
            v.id.to_string(),
            key,
            v.at.as_ref().map(|a| a.as_str()),
            v.worker,
            v.archived
        ])?;
    }
    let mut procedure = conn.prepare_cached(
        "INSERT INTO procedure_index (procedure_id, case_id, agency, what, status, due)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for p in &view.procedures {
        procedure.execute(params![
            p.id.to_string(),
            key,
            p.agency.code(),
            p.what,
            p.status.code(),
            p.due.as_ref().map(|d| d.as_str())
        ])?;
    }
    let mut task = conn.prepare_cached(
        "INSERT INTO task_index (task_id, case_id, title, due, done, assignee) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for t in &view.tasks {
        task.execute(params![
            t.id.to_string(),
            key,
            t.title,
            t.due.as_ref().map(|d| d.as_str()),
            t.done,
            t.assignee
        ])?;
    }
    let mut conflict = conn.prepare_cached(
        "INSERT INTO conflict_index (case_id, field, shown, values_count) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for c in &conflicts {
        conflict.execute(params![key, c.field, c.shown, c.values.len() as i64])?;
    }
    conn.execute("DELETE FROM broken WHERE case_id = ?1", [&key])?;
    Ok(view)
}

/// An FTS5 query matching every word of `input` as a prefix, or `None` when
/// the input has no words. User text never reaches FTS5 syntax unquoted.
pub(crate) fn match_query(input: &str) -> Option<String> {
    let words: Vec<String> = input
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

#[cfg(test)]
mod tests {
    use super::match_query;

    #[test]
    fn search_text_is_quoted_word_by_word() {
        assert_eq!(match_query("Hél roux"), Some("\"Hél\"* \"roux\"*".into()));
        assert_eq!(match_query("\"OR* NEAR("), Some("\"OR\"* \"NEAR\"*".into()));
        assert_eq!(match_query("  -- "), None);
    }
}

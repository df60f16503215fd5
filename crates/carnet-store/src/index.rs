//! The derived index: a projection of each case file into plain tables for
//! the caseload list, search, due tasks and conflicts. It is written in the
//! same transaction as the document, and `reindex` rebuilds it from scratch.

use std::collections::{HashMap, HashSet};

use carnet_core::{CaseFile, CaseFileView, CaseId, Procedure, Task, Visit};
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

/// The caseload row of a case file (all but its row number), as projected
/// from its view.
#[derive(Debug, PartialEq)]
struct CaseloadRow<'a> {
    name: &'a str,
    sort_key: String,
    commune: &'a str,
    commune_key: String,
    last_visit: Option<&'a str>,
    visits: i64,
    open_procedures: i64,
    next_task_due: Option<&'a str>,
    read_only: bool,
    archived: bool,
}

fn caseload_row(view: &CaseFileView) -> CaseloadRow<'_> {
    let live_visits = || view.visits.iter().filter(|v| !v.archived);
    CaseloadRow {
        name: &view.person.name,
        sort_key: fold(&view.person.name),
        commune: &view.person.commune,
        commune_key: fold(&view.person.commune),
        last_visit: live_visits()
            .filter_map(|v| v.at.as_ref())
            .map(|at| at.as_str())
            .max(),
        visits: live_visits().count() as i64,
        open_procedures: view.procedures.iter().filter(|p| p.status.is_open()).count() as i64,
        next_task_due: view
            .tasks
            .iter()
            .filter(|t| !t.done)
            .filter_map(|t| t.due.as_ref())
            .min()
            .map(|d| d.as_str()),
        read_only: view.read_only.is_some(),
        archived: view.archived,
    }
}

/// The text of the full-text row's `notes`: the situation, then the note of
/// each visit that is not archived.
fn search_notes(view: &CaseFileView) -> String {
    let mut notes = view.person.situation.clone();
    for visit in view.visits.iter().filter(|v| !v.archived) {
        notes.push('\n');
        notes.push_str(&visit.note);
    }
    notes
}

fn write_visit(conn: &Connection, key: &str, v: &Visit) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO visit_index (visit_id, case_id, at, worker, archived) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        v.id.to_string(),
        key,
        v.at.as_ref().map(|a| a.as_str()),
        v.worker,
        v.archived
    ])?;
    Ok(())
}

fn write_procedure(conn: &Connection, key: &str, p: &Procedure) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO procedure_index (procedure_id, case_id, agency, what, status, due)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        p.id.to_string(),
        key,
        p.agency.code(),
        p.what,
        p.status.code(),
        p.due.as_ref().map(|d| d.as_str())
    ])?;
    Ok(())
}

fn write_task(conn: &Connection, key: &str, t: &Task) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO task_index (task_id, case_id, title, due, done, assignee)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        t.id.to_string(),
        key,
        t.title,
        t.due.as_ref().map(|d| d.as_str()),
        t.done,
        t.assignee
    ])?;
    Ok(())
}

/// Writes a case file's rows, replacing the old ones, and returns the view
/// they were projected from (callers show it rather than build it again)
/// and how many fields hold concurrent values.
pub(crate) fn project(conn: &Connection, file: &mut CaseFile) -> Result<(CaseFileView, usize), StoreError> {
    remove(conn, file.id())?;
    let view = file.view();
    let conflicts = file.conflicts();
    let key = view.id.to_string();
    let row = caseload_row(&view);
    conn.prepare_cached(
        "INSERT INTO caseload (case_id, name, sort_key, commune, commune_key, last_visit, visits,
                               open_procedures, next_task_due, conflicts, read_only, archived)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        key,
        row.name,
        row.sort_key,
        row.commune,
        row.commune_key,
        row.last_visit,
        row.visits,
        row.open_procedures,
        row.next_task_due,
        conflicts.len() as i64,
        row.read_only,
        row.archived,
    ])?;
    let rowid = conn.last_insert_rowid();
    conn.prepare_cached(
        "INSERT INTO search (rowid, case_id, name, commune, notes) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        rowid,
        key,
        view.person.name,
        view.person.commune,
        search_notes(&view)
    ])?;
    for v in &view.visits {
        write_visit(conn, &key, v)?;
    }
    for p in &view.procedures {
        write_procedure(conn, &key, p)?;
    }
    for t in &view.tasks {
        write_task(conn, &key, t)?;
    }
    let mut conflict = conn.prepare_cached(
        "INSERT INTO conflict_index (case_id, field, shown, values_count) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for c in &conflicts {
        conflict.execute(params![key, c.field, c.shown, c.values.len() as i64])?;
    }
    conn.prepare_cached("DELETE FROM broken WHERE case_id = ?1")?
        .execute([&key])?;
    Ok((view, conflicts.len()))
}

/// Brings a case file's rows from `before` to `after`, two views of it,
/// writing only the rows that differ: after an edit made here, one visit,
/// procedure or task row, the caseload row and the full-text row at most.
/// The conflict rows are left as they are: the caller knows they did not
/// change (an edit made here on top of every value cannot add a conflict).
/// The rows written are the ones [`project`] would write for `after`.
pub(crate) fn update(
    conn: &Connection,
    before: &CaseFileView,
    after: &CaseFileView,
) -> Result<(), StoreError> {
    let key = after.id.to_string();
    let row = caseload_row(after);
    if row != caseload_row(before) {
        conn.prepare_cached(
            "UPDATE caseload SET name = ?2, sort_key = ?3, commune = ?4, commune_key = ?5, last_visit = ?6,
                    visits = ?7, open_procedures = ?8, next_task_due = ?9, read_only = ?10, archived = ?11
             WHERE case_id = ?1",
        )?
        .execute(params![
            key,
            row.name,
            row.sort_key,
            row.commune,
            row.commune_key,
            row.last_visit,
            row.visits,
            row.open_procedures,
            row.next_task_due,
            row.read_only,
            row.archived,
        ])?;
    }
    let notes = search_notes(after);
    if (&after.person.name, &after.person.commune) != (&before.person.name, &before.person.commune)
        || notes != search_notes(before)
    {
        conn.prepare_cached(
            "UPDATE search SET name = ?2, commune = ?3, notes = ?4
             WHERE rowid = (SELECT row FROM caseload WHERE case_id = ?1)",
        )?
        .execute(params![key, after.person.name, after.person.commune, notes])?;
    }
    update_items(
        conn,
        &key,
        &before.visits,
        &after.visits,
        |v| v.id.to_string(),
        visit_row,
        write_visit,
        "visit_index",
        "visit_id",
    )?;
    update_items(
        conn,
        &key,
        &before.procedures,
        &after.procedures,
        |p| p.id.to_string(),
        procedure_row,
        write_procedure,
        "procedure_index",
        "procedure_id",
    )?;
    update_items(
        conn,
        &key,
        &before.tasks,
        &after.tasks,
        |t| t.id.to_string(),
        task_row,
        write_task,
        "task_index",
        "task_id",
    )?;
    Ok(())
}

type VisitRow<'a> = (Option<&'a str>, &'a str, bool);
fn visit_row(v: &Visit) -> VisitRow<'_> {
    (v.at.as_ref().map(|a| a.as_str()), &v.worker, v.archived)
}

type ProcedureRow<'a> = (&'static str, &'a str, &'static str, Option<&'a str>);
fn procedure_row(p: &Procedure) -> ProcedureRow<'_> {
    (
        p.agency.code(),
        &p.what,
        p.status.code(),
        p.due.as_ref().map(|d| d.as_str()),
    )
}

type TaskRow<'a> = (&'a str, Option<&'a str>, bool, &'a str);
fn task_row(t: &Task) -> TaskRow<'_> {
    (&t.title, t.due.as_ref().map(|d| d.as_str()), t.done, &t.assignee)
}

/// Writes the items of `after` whose indexed columns differ from `before`
/// (or that are new), and deletes the rows of items no longer there.
#[allow(clippy::too_many_arguments)]
fn update_items<'a, T, R: PartialEq>(
    conn: &Connection,
    key: &str,
    before: &'a [T],
    after: &'a [T],
    id: impl Fn(&T) -> String,
    row: impl Fn(&'a T) -> R,
    write: fn(&Connection, &str, &T) -> Result<(), StoreError>,
    table: &str,
    column: &str,
) -> Result<(), StoreError> {
    let old: HashMap<String, R> = before.iter().map(|item| (id(item), row(item))).collect();
    let mut kept = HashSet::with_capacity(after.len());
    for item in after {
        let item_id = id(item);
        match old.get(&item_id) {
            Some(was) if *was == row(item) => {}
            Some(_) => {
                conn.execute(
                    &format!("DELETE FROM {table} WHERE {column} = ?1 AND case_id = ?2"),
                    params![item_id, key],
                )?;
                write(conn, key, item)?;
            }
            None => write(conn, key, item)?,
        }
        kept.insert(item_id);
    }
    for gone in old.keys().filter(|k| !kept.contains(*k)) {
        conn.execute(
            &format!("DELETE FROM {table} WHERE {column} = ?1 AND case_id = ?2"),
            params![gone, key],
        )?;
    }
    Ok(())
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

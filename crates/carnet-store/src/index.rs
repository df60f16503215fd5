//! The derived index: a projection of each case file into plain tables for
//! the caseload list, search, due tasks and conflicts. It is written in the
//! same transaction as the document, and `reindex` rebuilds it from scratch.

use std::collections::{HashMap, HashSet};

use carnet_core::{CaseFile, CaseFileView, CaseId, Conflict, Procedure, Task, Visit, VisitId};
use rusqlite::{Connection, OptionalExtension, params};

use crate::StoreError;
use crate::fold::fold;

/// Removes a case file from the index.
pub(crate) fn remove(conn: &Connection, id: CaseId) -> Result<(), StoreError> {
    let key = id.to_string();
    let row: Option<i64> = conn
        .prepare_cached("SELECT row FROM caseload WHERE case_id = ?1")?
        .query_row([&key], |r| r.get(0))
        .optional()?;
    if let Some(row) = row {
        remove_search_rows(conn, row)?;
    }
    for table in [
        "caseload",
        "visit_index",
        "procedure_index",
        "task_index",
        "conflict_index",
        "unchecked",
    ] {
        conn.prepare_cached(&format!("DELETE FROM {table} WHERE case_id = ?1"))?
            .execute([&key])?;
    }
    Ok(())
}

/// Bits of a full-text row number that number the rows of one case file:
/// the case file's own row is `caseload.row << SLOT_BITS`, its visits' rows
/// follow it, so `rowid >> SLOT_BITS` is the case file's `caseload.row`.
/// (Format: migration 7; do not change without rebuilding the rows.)
const SLOT_BITS: u32 = 20;

/// The full-text rows a case file may use: its own row, then its visits'.
fn search_range(case_row: i64) -> (i64, i64) {
    let first = case_row << SLOT_BITS;
    (first, first + (1 << SLOT_BITS) - 1)
}

/// Deletes every full-text row of the case file whose caseload row is `case_row`.
fn remove_search_rows(conn: &Connection, case_row: i64) -> Result<(), StoreError> {
    let (first, last) = search_range(case_row);
    let rows: Vec<i64> = conn
        .prepare_cached("SELECT row FROM search_rows WHERE row BETWEEN ?1 AND ?2")?
        .query_map([first, last], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for row in rows {
        delete_search_row(conn, row)?;
    }
    Ok(())
}

fn delete_search_row(conn: &Connection, row: i64) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM search WHERE rowid = ?1")?
        .execute([row])?;
    conn.prepare_cached("DELETE FROM search_rows WHERE row = ?1")?
        .execute([row])?;
    Ok(())
}

fn insert_search_row(
    conn: &Connection,
    row: i64,
    visit: Option<&str>,
    (name, commune, notes): (&str, &str, &str),
) -> Result<(), StoreError> {
    conn.prepare_cached("INSERT INTO search (rowid, name, commune, notes) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![row, name, commune, notes])?;
    conn.prepare_cached("INSERT INTO search_rows (row, visit_id) VALUES (?1, ?2)")?
        .execute(params![row, visit])?;
    Ok(())
}

/// The text of a case file's own full-text row: name, commune, situation.
fn case_text(view: &CaseFileView) -> (&str, &str, &str) {
    (&view.person.name, &view.person.commune, &view.person.situation)
}

/// The text of a visit's full-text row, `None` for an archived visit (its
/// note is not searched).
fn visit_text(visit: &Visit) -> Option<(&str, &str, &str)> {
    (!visit.archived).then_some(("", "", visit.note.as_str()))
}

/// Writes every full-text row of a case file, which has none yet.
pub(crate) fn write_search_rows(
    conn: &Connection,
    case_row: i64,
    view: &CaseFileView,
) -> Result<(), StoreError> {
    let (first, _) = search_range(case_row);
    insert_search_row(conn, first, None, case_text(view))?;
    let mut next = first + 1;
    for visit in &view.visits {
        if let Some(text) = visit_text(visit) {
            insert_search_row(conn, next, Some(&visit.id.to_string()), text)?;
            next += 1;
        }
    }
    Ok(())
}

/// A row number for a new visit row of the case file: after its last row,
/// or, once the range is used up, the first one free.
fn free_search_row(conn: &Connection, case_row: i64) -> Result<i64, StoreError> {
    let (first, last) = search_range(case_row);
    let max: Option<i64> = conn
        .prepare_cached("SELECT max(row) FROM search_rows WHERE row BETWEEN ?1 AND ?2")?
        .query_row([first, last], |r| r.get(0))?;
    match max {
        Some(max) if max < last => Ok(max + 1),
        None => Ok(first + 1),
        Some(_) => conn
            .prepare_cached(
                "SELECT r.row + 1 FROM search_rows r
                 WHERE r.row BETWEEN ?1 AND ?2 - 1
                   AND NOT EXISTS (SELECT 1 FROM search_rows s WHERE s.row = r.row + 1)
                 ORDER BY r.row LIMIT 1",
            )?
            .query_row([first, last], |r| r.get(0))
            .optional()?
            .ok_or_else(|| {
                StoreError::Sqlite(rusqlite::Error::InvalidParameterName(
                    "a case file has more visits than the full-text index can number".into(),
                ))
            }),
    }
}

/// Brings the full-text rows of a case file from `before` to `after`:
/// its own row when its fields changed, and the row of each visit whose
/// searched text changed (a new visit, a note edited, archived or back).
fn update_search_rows(
    conn: &Connection,
    case_row: i64,
    before: &CaseFileView,
    after: &CaseFileView,
) -> Result<(), StoreError> {
    let (first, _) = search_range(case_row);
    if case_text(before) != case_text(after) {
        delete_search_row(conn, first)?;
        insert_search_row(conn, first, None, case_text(after))?;
    }
    let old: HashMap<VisitId, Option<(&str, &str, &str)>> =
        before.visits.iter().map(|v| (v.id, visit_text(v))).collect();
    let mut seen = HashSet::with_capacity(after.visits.len());
    for visit in &after.visits {
        seen.insert(visit.id);
        let text = visit_text(visit);
        let was = old.get(&visit.id).copied().flatten();
        if was == text {
            continue;
        }
        let id = visit.id.to_string();
        let row = if was.is_some() {
            let row = visit_search_row(conn, &id)?;
            if let Some(row) = row {
                delete_search_row(conn, row)?;
            }
            row
        } else {
            None
        };
        if let Some(text) = text {
            let row = match row {
                Some(row) => row,
                None => free_search_row(conn, case_row)?,
            };
            insert_search_row(conn, row, Some(&id), text)?;
        }
    }
    for gone in before.visits.iter().filter(|v| !seen.contains(&v.id)) {
        if let Some(row) = visit_search_row(conn, &gone.id.to_string())? {
            delete_search_row(conn, row)?;
        }
    }
    Ok(())
}

fn visit_search_row(conn: &Connection, visit_id: &str) -> Result<Option<i64>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT row FROM search_rows WHERE visit_id = ?1")?
        .query_row([visit_id], |r| r.get(0))
        .optional()?)
}

/// Deletes every full-text row (a rebuild follows).
pub(crate) fn clear_search(conn: &Connection) -> Result<(), StoreError> {
    conn.execute("INSERT INTO search (search) VALUES ('delete-all')", [])?;
    conn.execute("DELETE FROM search_rows", [])?;
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
    let projection = Projection::of(file);
    write_projection(conn, &projection)?;
    let conflicts = projection.conflicts.len();
    Ok((projection.view, conflicts))
}

/// What the index rows of a case file are written from: its view and its
/// conflicts. Made without a connection, so documents can be read on other
/// threads while one connection writes.
#[derive(Debug)]
pub(crate) struct Projection {
    pub(crate) view: CaseFileView,
    pub(crate) conflicts: Vec<Conflict>,
}

impl Projection {
    pub(crate) fn of(file: &mut CaseFile) -> Self {
        Self {
            view: file.view(),
            conflicts: file.conflicts(),
        }
    }
}

/// Writes the rows of a projection, replacing the case file's old ones.
pub(crate) fn write_projection(conn: &Connection, projection: &Projection) -> Result<(), StoreError> {
    let Projection { view, conflicts } = projection;
    remove(conn, view.id)?;
    let key = view.id.to_string();
    let row = caseload_row(view);
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
    write_search_rows(conn, conn.last_insert_rowid(), view)?;
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
    for c in conflicts {
        conflict.execute(params![key, c.field, c.shown, c.values.len() as i64])?;
    }
    conn.prepare_cached("DELETE FROM broken WHERE case_id = ?1")?
        .execute([&key])?;
    Ok(())
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
    let case_row: i64 = conn
        .prepare_cached("SELECT row FROM caseload WHERE case_id = ?1")?
        .query_row([&key], |r| r.get(0))?;
    update_search_rows(conn, case_row, before, after)?;
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

/// One FTS5 query per word of `input`, each matching the word as a prefix
/// (empty when the input has no words). User text never reaches FTS5
/// syntax unquoted.
pub(crate) fn match_words(input: &str) -> Vec<String> {
    input
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\"*"))
        .collect()
}

/// The search over `words` FTS5 queries (`?1` to `?n`; `?n+1` is the limit):
/// a case file matches when each word is in at least one of its rows. It
/// ranks by the sum over the words of the best BM25 score of the word in one
/// of its rows (name weighs 10, commune 4, notes 1, as when a case file had
/// one row: a name found ranks above notes, and a word found in many notes
/// counts about once, as BM25 counted repeats in one row), then by name.
pub(crate) fn search_sql(words: usize) -> String {
    let per_word: Vec<String> = (1..=words)
        .map(|i| {
            format!(
                "SELECT rowid >> {SLOT_BITS} AS case_row, {i} AS word, rank AS score
                 FROM search WHERE search MATCH ?{i} AND rank MATCH 'bm25(10.0, 4.0, 1.0)'"
            )
        })
        .collect();
    format!(
        "SELECT c.case_id, c.name, c.commune, c.last_visit, c.visits, c.open_procedures, c.next_task_due,
                c.conflicts, c.read_only, c.archived
         FROM (SELECT case_row, sum(score) AS score
               FROM (SELECT case_row, word, min(score) AS score FROM ({}) GROUP BY case_row, word)
               GROUP BY case_row HAVING count(*) = {words}) hit
         JOIN caseload c ON c.row = hit.case_row
         ORDER BY hit.score, c.sort_key, c.case_id
         LIMIT ?{}",
        per_word.join(" UNION ALL "),
        words + 1
    )
}

#[cfg(test)]
mod tests {
    use super::match_words;

    #[test]
    fn search_text_is_quoted_word_by_word() {
        assert_eq!(match_words("Hél roux"), ["\"Hél\"*", "\"roux\"*"]);
        assert_eq!(match_words("\"OR* NEAR("), ["\"OR\"*", "\"NEAR\"*"]);
        assert!(match_words("  -- ").is_empty());
    }
}

//! CSV exports of visits and procedures, for the team lead's reports and
//! spreadsheets. The columns are documented in docs/EXPORTS.md (format: add
//! columns at the end only; renaming or reordering one breaks the lead's
//! spreadsheets and needs a note in that file).
//!
//! Every case file on the device is loaded and read through its view, so the
//! export holds the winning value of each field, as `carnet person show` does.
//! The file opens with accents intact in LibreOffice and Excel: UTF-8 with a
//! byte order mark, CRLF line ends, RFC 4180 quoting. A cell that starts like
//! a spreadsheet formula gets a leading apostrophe (see [`neutralise`]).

use std::io::Write;

use carnet_core::{CaseFileView, Day, Visit};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Device, DeviceError};

type Res<T> = Result<T, DeviceError>;

/// The UTF-8 byte order mark: without it Excel reads the file as the
/// system's legacy code page and garbles accents.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The columns of the visits table, in order (format: see the module header).
pub const VISIT_COLUMNS: &[&str] = &[
    "case_id",
    "person",
    "commune",
    "visit_id",
    "date",
    "time",
    "kind",
    "place",
    "worker",
    "duration_min",
    "topics",
    "people_present",
    "reviewed_by",
    "reviewed_at",
    "archived",
    "note_chars",
];

/// The column added after [`VISIT_COLUMNS`] when notes are asked for.
pub const NOTE_COLUMN: &str = "note";

/// The columns of the procedures table, in order (format: see the module header).
pub const PROCEDURE_COLUMNS: &[&str] = &[
    "case_id",
    "person",
    "commune",
    "procedure_id",
    "agency",
    "what",
    "status",
    "next_step",
    "due",
];

/// How the items of a list cell (topics, people present) are joined.
pub const LIST_SEPARATOR: &str = "; ";

/// Which table to export.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CsvTable {
    /// One row per visit.
    Visits,
    /// One row per procedure.
    Procedures,
}

/// Which rows to export. Empty means everything.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct CsvFilter {
    /// Visits on or after this day.
    pub from: Option<Day>,
    /// Visits on or before this day.
    pub to: Option<Day>,
    /// Visits by this worker (case and surrounding spaces ignored).
    pub worker: Option<String>,
    /// Add the note text to the visits table (left out by default: notes
    /// are personal and a spreadsheet travels further than the notebook).
    pub with_notes: bool,
}

/// What an export wrote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CsvSummary {
    /// The table.
    pub table: CsvTable,
    /// Rows written, the header not counted.
    pub rows: usize,
    /// Case files those rows come from.
    pub case_files: usize,
}

impl CsvFilter {
    fn is_empty(&self) -> bool {
        self.from.is_none() && self.to.is_none() && self.worker.is_none()
    }

    /// Whether a visit is in the period and by the worker asked for. A
    /// visit without a date is left out as soon as a period is given.
    pub(crate) fn keeps(&self, visit: &Visit) -> bool {
        let day = visit.at.as_ref().map(carnet_core::LocalDateTime::day);
        let in_period = match (&self.from, &self.to) {
            (None, None) => true,
            (from, to) => day.is_some_and(|d| {
                from.as_ref().is_none_or(|f| &d >= f) && to.as_ref().is_none_or(|t| &d <= t)
            }),
        };
        let by_worker = self
            .worker
            .as_ref()
            .is_none_or(|w| w.trim().to_lowercase() == visit.worker.trim().to_lowercase());
        in_period && by_worker
    }
}

/// A cell as written: one that a spreadsheet would read as a formula (it
/// starts with `=`, `+`, `-` or `@`, or a tab or carriage return that some
/// spreadsheets skip before one) gets a leading apostrophe, so opening the
/// file never runs what someone typed into a note or a place.
#[must_use]
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

impl Device {
    /// Writes a CSV table of every case file on the device to `out` (see
    /// docs/EXPORTS.md for the columns).
    ///
    /// Visits are filtered by `filter` and sorted by date and time. The
    /// procedures table has no dates of its own: with a period or a worker
    /// it lists the procedures of the people visited in that period (by that
    /// worker), each with its current status.
    ///
    /// # Errors
    /// Corrupt case files and store errors; [`DeviceError::File`] when
    /// writing to `out` fails.
    pub fn export_csv(&self, table: CsvTable, filter: &CsvFilter, out: impl Write) -> Res<CsvSummary> {
        let mut cases = Vec::new();
        for id in self.case_ids()? {
            cases.push(self.store().load(id)?.file.view());
        }
        let mut out = out;
        out.write_all(UTF8_BOM).map_err(write_error)?;
        let mut csv = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(out);
        let mut summary = CsvSummary {
            table,
            rows: 0,
            case_files: 0,
        };
        match table {
            CsvTable::Visits => {
                let mut header: Vec<&str> = VISIT_COLUMNS.to_vec();
                if filter.with_notes {
                    header.push(NOTE_COLUMN);
                }
                write_row(&mut csv, header.iter().map(|h| (*h).to_owned()))?;
                let mut rows: Vec<(&CaseFileView, &Visit)> = cases
                    .iter()
                    .flat_map(|case| case.visits.iter().map(move |v| (case, v)))
                    .filter(|(_, v)| filter.keeps(v))
                    .collect();
                rows.sort_by(|a, b| (&a.1.at, a.0.id, a.1.id).cmp(&(&b.1.at, b.0.id, b.1.id)));
                let mut seen = std::collections::BTreeSet::new();
                for (case, visit) in rows {
                    seen.insert(case.id);
                    write_row(&mut csv, visit_row(case, visit, filter.with_notes))?;
                    summary.rows += 1;
                }
                summary.case_files = seen.len();
            }
            CsvTable::Procedures => {
                write_row(&mut csv, PROCEDURE_COLUMNS.iter().map(|h| (*h).to_owned()))?;
                for case in &cases {
                    if !filter.is_empty() && !case.visits.iter().any(|v| filter.keeps(v)) {
                        continue;
                    }
                    if !case.procedures.is_empty() {
                        summary.case_files += 1;
                    }
                    for p in &case.procedures {
                        write_row(
                            &mut csv,
                            [
                                case.id.to_string(),
                                case.person.name.clone(),
                                case.person.commune.clone(),
                                p.id.to_string(),
                                p.agency.code().to_owned(),
                                p.what.clone(),
                                p.status.code().to_owned(),
                                p.next_step.clone(),
                                p.due.as_ref().map(|d| d.as_str().to_owned()).unwrap_or_default(),
                            ],
                        )?;
                        summary.rows += 1;
                    }
                }
            }
        }
        csv.flush().map_err(write_error)?;
        Ok(summary)
    }
}

fn visit_row(case: &CaseFileView, visit: &Visit, with_note: bool) -> Vec<String> {
    let (date, time) = visit
        .at
        .as_ref()
        .and_then(|at| at.as_str().split_once('T'))
        .map(|(d, t)| (d.to_owned(), t.to_owned()))
        .unwrap_or_default();
    let mut row = vec![
        case.id.to_string(),
        case.person.name.clone(),
        case.person.commune.clone(),
        visit.id.to_string(),
        date,
        time,
        visit.kind.code().to_owned(),
        visit.place.clone(),
        visit.worker.clone(),
        visit.duration_min.map(|m| m.to_string()).unwrap_or_default(),
        visit.topics.join(LIST_SEPARATOR),
        visit.present.join(LIST_SEPARATOR),
        visit.reviewed.as_ref().map(|r| r.by.clone()).unwrap_or_default(),
        visit.reviewed.as_ref().map(|r| r.at.clone()).unwrap_or_default(),
        visit.archived.to_string(),
        visit.note.chars().count().to_string(),
    ];
    if with_note {
        row.push(visit.note.clone());
    }
    row
}

fn write_row<W: Write>(csv: &mut csv::Writer<W>, cells: impl IntoIterator<Item = String>) -> Res<()> {
    let cells: Vec<String> = cells.into_iter().map(|c| neutralise(&c).into_owned()).collect();
    csv.write_record(&cells).map_err(|e| match e.into_kind() {
        csv::ErrorKind::Io(e) => write_error(e),
        other => DeviceError::Input(format!("the CSV could not be written: {other:?}")),
    })
}

fn write_error(source: std::io::Error) -> DeviceError {
    DeviceError::File {
        path: "the CSV output".to_owned(),
        source,
    }
}

#[cfg(test)]
#[path = "csv_export_tests.rs"]
mod tests;

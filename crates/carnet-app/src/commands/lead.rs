//! The team lead's commands: what changed since the last review, sign-off
//! and comments, conflicts, history and the case file as it was at a date,
//! statistics, exports and retention. Each works offline from the documents
//! on this device, like every other command.

use base64::Engine as _;
use carnet_core::{CaseId, Day, VisitId};
use carnet_device::{CsvFilter, CsvTable, ReportLanguage, ReportOptions, StatsFilter, local_instant_ms};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::{TS, TypeVisitor};

use super::{Res, args, invalid, to_json};
use crate::session::Session;

/// `review_since`: the changes since the last review point.
#[derive(Clone, Debug, Deserialize, TS)]
pub struct ReviewSinceArgs {
    /// At most this many case files (the most recently changed first).
    pub limit: u32,
}

/// `review_mark`: marks reviewed the case files the screen showed, as it
/// showed them; a change that arrived since stays to review.
#[derive(Clone, Debug, Deserialize, TS)]
pub struct ReviewMarkArgs {
    /// The case files shown, with their heads (from `review_since`).
    pub cases: Vec<carnet_device::ReviewedCase>,
    /// When the list was read (`review_since`'s `read_ms`).
    pub read_ms: i64,
}

/// `visit_review`: signs off a visit as reviewed by this device's worker.
#[derive(Clone, Debug, Deserialize, TS)]
pub struct VisitReviewArgs {
    /// The visit.
    #[ts(as = "VisitId")]
    pub visit: String,
}

/// `comment_add`: a comment on a case file for its worker.
#[derive(Clone, Debug, Deserialize, TS)]
pub struct CommentAddArgs {
    /// The case file.
    #[ts(as = "CaseId")]
    pub case: String,
    /// The comment.
    pub text: String,
}

/// `conflicts`: the conflicts of one case file, or of every case file.
#[derive(Clone, Debug, Default, Deserialize, TS)]
pub struct ConflictsArgs {
    /// One case file; every case file with conflicts when left out.
    #[serde(default)]
    #[ts(optional, as = "Option<CaseId>")]
    pub case: Option<String>,
}

/// `conflict_resolve`: settles a field with one value.
#[derive(Clone, Debug, Deserialize, TS)]
pub struct ConflictResolveArgs {
    /// The case file.
    #[ts(as = "CaseId")]
    pub case: String,
    /// The field (`procedures/<id>/status`, `visits/<id>/note`…).
    pub field: String,
    /// The settled value, in the field's text form.
    pub value: String,
}

/// `history`: every change of a case file.
#[derive(Clone, Debug, Deserialize, TS)]
pub struct HistoryArgs {
    /// The case file.
    #[ts(as = "CaseId")]
    pub case: String,
}

/// `case_as_of`: a case file as it was at a date.
#[derive(Clone, Debug, Deserialize, TS)]
pub struct CaseAsOfArgs {
    /// The case file.
    #[ts(as = "CaseId")]
    pub case: String,
    /// `YYYY-MM-DD` (the end of that day) or `YYYY-MM-DDTHH:MM` (the end of
    /// that minute), this device's local time.
    pub at: String,
}

/// A period and a worker, for statistics, exports and the report.
#[derive(Clone, Debug, Default, Deserialize, TS)]
#[serde(default)]
pub struct PeriodArgs {
    /// Visits on or after this day.
    #[ts(optional)]
    pub from: Option<Day>,
    /// Visits on or before this day.
    #[ts(optional)]
    pub to: Option<Day>,
    /// One worker; everyone when blank or left out.
    #[ts(optional)]
    pub worker: Option<String>,
}

impl PeriodArgs {
    fn check(&self) -> Result<(), carnet_device::ApiError> {
        match (&self.from, &self.to) {
            (Some(from), Some(to)) if from > to => Err(invalid(format!(
                "the period starts on {from} after it ends on {to}"
            ))),
            _ => Ok(()),
        }
    }

    fn worker(&self) -> Option<String> {
        self.worker.clone().filter(|w| !w.trim().is_empty())
    }
}

/// `export_csv`: a CSV table of visits or procedures.
#[derive(Clone, Debug, Deserialize, TS)]
pub struct ExportCsvArgs {
    /// `visits` or `procedures`.
    pub table: CsvTable,
    /// The period and worker.
    #[serde(flatten)]
    pub period: PeriodArgs,
    /// Add the visits' notes (left out unless asked for).
    #[serde(default)]
    pub with_notes: bool,
}

/// A CSV table ready to save (`export_csv`).
#[derive(Clone, Debug, Serialize, TS)]
pub struct CsvFile {
    /// A file name to offer (`carnet-visites-2026-11-30.csv`).
    pub file_name: String,
    /// The file's text: UTF-8 with its byte order mark, CRLF line ends.
    pub text: String,
    /// Rows, the header not counted.
    pub rows: u64,
}

/// `report_pdf`: the activity report of a period as a PDF.
#[derive(Clone, Debug, Deserialize, TS)]
pub struct ReportPdfArgs {
    /// The first day of the period.
    pub from: Day,
    /// The last day of the period (included).
    pub to: Day,
    /// One worker; the whole team when blank or left out.
    #[serde(default)]
    #[ts(optional)]
    pub worker: Option<String>,
    /// Add the visits of the period with their notes (left out unless asked for).
    #[serde(default)]
    pub with_notes: bool,
    /// `fr` or `en`.
    #[ts(type = "\"fr\" | \"en\"")]
    pub language: ReportLanguage,
}

/// A PDF ready to save (`report_pdf`).
#[derive(Clone, Debug, Serialize, TS)]
pub struct PdfFile {
    /// A file name to offer (`carnet-rapport-2026-11-01-2026-11-30.pdf`).
    pub file_name: String,
    /// The file, base64-encoded.
    pub base64: String,
    /// Its number of pages.
    pub pages: u64,
}

/// `retention`: case files without contact for a number of months.
#[derive(Clone, Debug, Deserialize, TS)]
pub struct RetentionArgs {
    /// Months without contact (24 in CNIL guidance).
    pub months: u32,
}

/// `case_archive`: archives a case file or brings it back.
#[derive(Clone, Debug, Deserialize, TS)]
pub struct CaseArchiveArgs {
    /// The case file.
    #[ts(as = "CaseId")]
    pub case: String,
    /// Archived or not.
    pub archived: bool,
}

/// Runs a lead command, or answers `None` for a name that is not one.
pub(crate) fn call(session: &mut Session, command: &str, input: Value) -> Option<Res> {
    let api = |e: carnet_device::DeviceError| e.to_api();
    let result = match command {
        "review_since" => args::<ReviewSinceArgs>(input).and_then(|a| {
            let limit = a.limit.clamp(1, 1_000) as usize;
            to_json(&session.device()?.since_review(limit).map_err(api)?)
        }),
        "review_mark" => args::<ReviewMarkArgs>(input).and_then(|a| {
            to_json(
                &session
                    .device()?
                    .mark_reviewed(&a.cases, a.read_ms)
                    .map_err(api)?,
            )
        }),
        "visit_review" => args::<VisitReviewArgs>(input)
            .and_then(|a| to_json(&session.device()?.review_visit(&a.visit).map_err(api)?)),
        "comment_add" => args::<CommentAddArgs>(input)
            .and_then(|a| to_json(&session.device()?.add_comment(&a.case, &a.text).map_err(api)?)),
        "conflicts" => args::<ConflictsArgs>(input)
            .and_then(|a| to_json(&session.device()?.conflicts(a.case.as_deref()).map_err(api)?)),
        "conflict_resolve" => args::<ConflictResolveArgs>(input).and_then(|a| {
            to_json(
                &session
                    .device()?
                    .resolve(&a.case, &a.field, &a.value)
                    .map_err(api)?,
            )
        }),
        "history" => args::<HistoryArgs>(input)
            .and_then(|a| to_json(&session.device()?.history(&a.case).map_err(api)?)),
        "case_as_of" => args::<CaseAsOfArgs>(input).and_then(|a| {
            let at = local_instant_ms(&a.at).map_err(api)?;
            to_json(&session.device()?.case_as_of(&a.case, at).map_err(api)?)
        }),
        "stats" => args::<PeriodArgs>(input).and_then(|a| {
            a.check()?;
            let filter = StatsFilter {
                from: a.from.clone(),
                to: a.to.clone(),
                worker: a.worker(),
            };
            to_json(&session.device()?.statistics(&filter).map_err(api)?)
        }),
        "export_csv" => args::<ExportCsvArgs>(input).and_then(|a| {
            a.period.check()?;
            let filter = CsvFilter {
                from: a.period.from.clone(),
                to: a.period.to.clone(),
                worker: a.period.worker(),
                with_notes: a.with_notes,
            };
            let device = session.device()?;
            let mut bytes = Vec::new();
            let summary = device.export_csv(a.table, &filter, &mut bytes).map_err(api)?;
            let text = String::from_utf8(bytes).map_err(|e| invalid(e.to_string()))?;
            let what = match a.table {
                CsvTable::Visits => "visites",
                CsvTable::Procedures => "demarches",
            };
            to_json(&CsvFile {
                file_name: format!("carnet-{what}-{}.csv", device.today()),
                text,
                rows: summary.rows as u64,
            })
        }),
        "report_pdf" => args::<ReportPdfArgs>(input).and_then(|a| {
            let options = ReportOptions {
                from: a.from.clone(),
                to: a.to.clone(),
                worker: a.worker.filter(|w| !w.trim().is_empty()),
                with_notes: a.with_notes,
                language: a.language,
            };
            let pdf = session.device()?.activity_report_pdf(&options).map_err(api)?;
            to_json(&PdfFile {
                file_name: format!("carnet-rapport-{}-{}.pdf", a.from, a.to),
                base64: base64::engine::general_purpose::STANDARD.encode(&pdf.bytes),
                pages: pdf.pages as u64,
            })
        }),
        "retention" => args::<RetentionArgs>(input)
            .and_then(|a| to_json(&session.device()?.retention(a.months).map_err(api)?)),
        "case_archive" => args::<CaseArchiveArgs>(input)
            .and_then(|a| to_json(&session.device()?.archive_case(&a.case, a.archived).map_err(api)?)),
        _ => return None,
    };
    Some(result)
}

/// Visits the types of the lead's commands (see [`super::visit_api_types`]).
pub(crate) fn visit_types(visitor: &mut impl TypeVisitor) {
    visitor.visit::<ReviewSinceArgs>();
    visitor.visit::<ReviewMarkArgs>();
    visitor.visit::<VisitReviewArgs>();
    visitor.visit::<CommentAddArgs>();
    visitor.visit::<ConflictsArgs>();
    visitor.visit::<ConflictResolveArgs>();
    visitor.visit::<HistoryArgs>();
    visitor.visit::<CaseAsOfArgs>();
    visitor.visit::<PeriodArgs>();
    visitor.visit::<ExportCsvArgs>();
    visitor.visit::<ReportPdfArgs>();
    visitor.visit::<PdfFile>();
    visitor.visit::<RetentionArgs>();
    visitor.visit::<CaseArchiveArgs>();
    visitor.visit::<carnet_device::SinceReview>();
    visitor.visit::<carnet_device::ReviewMarked>();
    visitor.visit::<carnet_device::CaseConflicts>();
    visitor.visit::<carnet_core::HistoryEntry>();
    visitor.visit::<carnet_core::CaseFileAsOf>();
    visitor.visit::<carnet_device::Statistics>();
    visitor.visit::<CsvFile>();
    visitor.visit::<carnet_device::RetentionReport>();
}

//! The device side of Carnet: the one API that the `carnet` command line,
//! the app shell and browser mode all call.
//!
//! A [`Device`] is a notebook opened with its passphrase. Every action goes
//! through it: it finds the case file in the store, applies a typed edit from
//! `carnet-core` (one Automerge change stamped with this device, the worker
//! and the time), and saves the change with its index rows in one
//! transaction. Queries (caseload, search, due tasks) read the index;
//! `show`, `history`, `case_as_of` and `conflicts` load the document, and
//! the CSV exports (`export_csv`), the statistics of a period
//! (`statistics`), the PDF activity report built on them
//! (`activity_report_pdf`) and the retention list (`retention`) load every
//! document. Errors carry a stable `kind` and a message for people
//! ([`ApiError`]).

mod csv_export;
mod demo;
mod device;
mod error;
mod pace;
mod report;
mod retention;
mod review;
mod roster;
mod stats;
mod team;

pub use carnet_protocol::Role;
pub use csv_export::{
    CsvFilter, CsvSummary, CsvTable, LIST_SEPARATOR, NOTE_COLUMN, PROCEDURE_COLUMNS, UTF8_BOM, VISIT_COLUMNS,
    neutralise,
};
pub use demo::{DemoSpec, build as build_demo};
pub use device::{
    CaseConflicts, CaseDetail, Clock, Device, ImportOutcome, Now, SystemClock, VisitInput, local_instant_ms,
};
pub use error::{ApiError, DeviceError};
pub use report::{
    AppendixVisit, ReportContent, ReportLanguage, ReportOptions, ReportPdf, agency_label, duration_text,
    kind_label, long_date, period_text, render as render_report, status_label,
};
pub use retention::{ContactSource, Dormant, RetentionReport};
pub use review::{CaseChanges, ReviewMarked, ReviewedCase, SinceReview};
pub use roster::TeamMember;
pub use stats::{OverdueTask, Statistics, StatsFilter, WeekCount, compute as compute_statistics};
pub use team::{HttpTransport, Invitation, SyncReport, SyncStatusView, Transport};

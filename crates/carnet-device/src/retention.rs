//! Retention: the case files with no contact for a long time (24 months by
//! default), listed so the team lead can archive them
//! ([`Device::archive_case`]); erasing them is not done here.
//!
//! The last contact of a case file is the day of its last visit that is not
//! archived, or, when it has none, the local day it was created (the stamp
//! of its first change, by the creating device's clock). A case file is
//! listed when that day is strictly before the cut-off day, today less the
//! months asked for. Archived case files are listed too, flagged, so the
//! list is the whole of what the retention rule catches.

use carnet_core::{CaseFileView, CaseId, Day};
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Device, DeviceError};

/// How the last contact is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ContactSource {
    /// The last visit that is not archived.
    Visit,
    /// No such visit: the day the case file was created.
    Created,
}

/// A case file without contact since before the cut-off.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Dormant {
    /// The case file.
    pub case_id: CaseId,
    /// The person's name.
    pub person: String,
    /// Their commune.
    pub commune: String,
    /// The day of the last contact.
    pub last_contact: Day,
    /// Where that day comes from.
    pub source: ContactSource,
    /// Whether the case file is archived already.
    pub archived: bool,
}

/// The retention list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RetentionReport {
    /// The months without contact asked for.
    pub months: u32,
    /// Case files whose last contact is before this day are listed.
    pub before: Day,
    /// Those case files, oldest contact first.
    pub case_files: Vec<Dormant>,
}

/// The day of the last contact with a case file: its last visit that is not
/// archived, else `created` (the day it was created).
#[must_use]
pub fn last_contact(case: &CaseFileView, created: Option<Day>) -> Option<(Day, ContactSource)> {
    case.visits
        .iter()
        .filter(|v| !v.archived)
        .filter_map(|v| v.at.as_ref())
        .max()
        .map(|at| (at.day(), ContactSource::Visit))
        .or_else(|| created.map(|d| (d, ContactSource::Created)))
}

/// The case files of `cases` (each with the day it was created) whose last
/// contact is strictly before `before`, oldest contact first. A case file
/// whose contact cannot be dated at all (no visit, no creation stamp) is
/// listed with `before` itself, so it is never missed.
#[must_use]
pub fn dormant(cases: &[(CaseFileView, Option<Day>)], before: &Day) -> Vec<Dormant> {
    let mut out: Vec<Dormant> = cases
        .iter()
        .filter_map(|(case, created)| {
            let (day, source, undated) = match last_contact(case, created.clone()) {
                Some((day, source)) => (day, source, false),
                None => (before.clone(), ContactSource::Created, true),
            };
            (undated || day < *before).then(|| Dormant {
                case_id: case.id,
                person: case.person.name.clone(),
                commune: case.person.commune.clone(),
                last_contact: day,
                source,
                archived: case.archived,
            })
        })
        .collect();
    out.sort_by(|a, b| (&a.last_contact, &a.person, a.case_id).cmp(&(&b.last_contact, &b.person, b.case_id)));
    out
}

/// `months` months before `today` (the end of a shorter month when the day
/// does not exist there: 31 August less 6 months is 28 or 29 February).
///
/// # Errors
/// [`DeviceError::Input`] before the calendar's start.
pub fn months_before(today: &Day, months: u32) -> Result<Day, DeviceError> {
    let date = NaiveDate::parse_from_str(today.as_str(), "%Y-%m-%d")
        .map_err(|e| DeviceError::Input(format!("{today} is not a date: {e}")))?;
    let cut = date.checked_sub_months(Months::new(months)).ok_or_else(|| {
        DeviceError::Input(format!("{months} months before {today} is before the calendar"))
    })?;
    Ok(Day::parse(&cut.format("%Y-%m-%d").to_string())?)
}

/// The local day of a time in milliseconds since the Unix epoch.
fn local_day(time_ms: i64) -> Option<Day> {
    let local = chrono::DateTime::from_timestamp_millis(time_ms)?.with_timezone(&chrono::Local);
    Day::parse(&local.format("%Y-%m-%d").to_string()).ok()
}

impl Device {
    /// The case files with no contact for `months` months (see the module
    /// header for the rule).
    ///
    /// # Errors
    /// [`DeviceError::Input`] for a number of months reaching before the
    /// calendar; corrupt case files and store errors.
    pub fn retention(&self, months: u32) -> Result<RetentionReport, DeviceError> {
        let before = months_before(&self.today(), months)?;
        let mut cases = Vec::new();
        for id in self.case_ids()? {
            let mut stored = self.store().load(id)?;
            let created = stored.file.created_ms().and_then(local_day);
            cases.push((stored.file.view(), created));
        }
        Ok(RetentionReport {
            months,
            case_files: dormant(&cases, &before),
            before,
        })
    }
}

#[cfg(test)]
#[path = "retention_tests.rs"]
mod tests;

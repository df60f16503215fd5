//! Activity statistics of a period, for the team lead's reports to partners
//! and funders: visits per ISO week, time spent, visits by kind, people
//! reached per commune, procedures by agency and by status, overdue tasks.
//!
//! [`compute`] is a pure function over case-file views (the winning value of
//! every field, as the CSV exports read them), so it is tested on small
//! hand-made views; [`Device::statistics`] loads every case file on the
//! device and calls it. The rules, which docs/EXPORTS.md repeats:
//!
//! - **Counted visits** are the visits in the period (both ends included; a
//!   visit without a date is left out as soon as a period is given) by the
//!   worker asked for, exactly as the visits CSV chooses them, **except
//!   archived visits, which are not counted**: archiving is how a worker
//!   withdraws a visit recorded by mistake or twice.
//! - A visit belongs to the ISO week (Monday to Sunday) of its local day:
//!   Sunday 23:59 is the end of one week, Monday 00:00 the start of the next.
//! - **People reached**: the distinct case files with a counted visit,
//!   grouped by the person's commune as it is now.
//! - **Procedures**: those of the people reached, with their current agency
//!   and status, the procedures CSV's rule (a procedure has no date of its
//!   own). Without a period or a worker that is every procedure of the people
//!   with a counted visit.
//! - **Overdue tasks**: tasks not done whose due date is strictly before the
//!   reference day, the earlier of the period's last day and today, in every
//!   case file (not only the people reached); with a worker, the tasks
//!   assigned to that worker. A task records no date when it was done, so
//!   "not done" is its state now. An archived case file is closed: its tasks
//!   are not counted (its visits still are: they took place).

use std::collections::{BTreeMap, BTreeSet};

use carnet_core::{Agency, CaseFileView, CaseId, Day, ProcedureStatus, TaskId, Visit, VisitKind};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::csv_export::CsvFilter;
use crate::{Device, DeviceError};

/// The period and worker statistics are computed for. Empty means every
/// visit of every worker.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct StatsFilter {
    /// Visits on or after this day.
    pub from: Option<Day>,
    /// Visits on or before this day.
    pub to: Option<Day>,
    /// Visits made by this worker, tasks assigned to them (case and
    /// surrounding spaces ignored).
    pub worker: Option<String>,
}

/// The visits of one ISO week.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct WeekCount {
    /// The ISO week, `YYYY-Www` (its year is the ISO week-numbering year).
    pub week: String,
    /// Its Monday.
    pub start: Day,
    /// Counted visits that week.
    pub visits: usize,
}

/// A task not done past its due date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct OverdueTask {
    /// The case file.
    pub case_id: CaseId,
    /// The person's name.
    pub person: String,
    /// The task.
    pub task_id: TaskId,
    /// What to do.
    pub title: String,
    /// When it was due.
    pub due: Day,
    /// Who should do it.
    pub assignee: String,
}

/// The figures of a period (see the module header for the rules).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Statistics {
    /// The period and worker asked for.
    pub filter: StatsFilter,
    /// Counted visits.
    pub visits: usize,
    /// Counted visits per ISO week, oldest first, from the week of the first
    /// to the week of the last dated visit (weeks without visits included,
    /// with 0).
    pub visits_per_week: Vec<WeekCount>,
    /// Counted visits without a date (possible only without a period); they
    /// are in no week.
    pub undated_visits: usize,
    /// Counted visits by kind.
    pub visits_by_kind: BTreeMap<VisitKind, usize>,
    /// The sum of the counted visits' durations, in minutes.
    pub minutes: i64,
    /// Counted visits whose duration was not recorded (not in `minutes`).
    pub visits_without_duration: usize,
    /// Distinct people with a counted visit.
    pub people: usize,
    /// Those people per commune (an empty name when none is recorded).
    pub people_by_commune: BTreeMap<String, usize>,
    /// Procedures of those people.
    pub procedures: usize,
    /// Those procedures by agency.
    pub procedures_by_agency: BTreeMap<Agency, usize>,
    /// Those procedures by status.
    pub procedures_by_status: BTreeMap<ProcedureStatus, usize>,
    /// Overdue tasks are those due strictly before this day: the earlier of
    /// the period's last day and today.
    pub overdue_before: Day,
    /// Tasks not done due before `overdue_before`, oldest due first.
    pub overdue_tasks: Vec<OverdueTask>,
}

/// Computes the statistics of `cases` for `filter`, `today` being the day
/// overdue tasks are judged by when the period ends later or has no end.
///
/// # Errors
/// [`DeviceError::Input`] when a stored date is outside chrono's calendar
/// (it cannot be: dates are checked when written).
pub fn compute(cases: &[CaseFileView], filter: &StatsFilter, today: &Day) -> Result<Statistics, DeviceError> {
    let visits = CsvFilter {
        from: filter.from.clone(),
        to: filter.to.clone(),
        worker: filter.worker.clone(),
        with_notes: false,
    };
    let counted = |v: &Visit| !v.archived && visits.keeps(v);

    let mut stats = Statistics {
        filter: filter.clone(),
        visits: 0,
        visits_per_week: Vec::new(),
        undated_visits: 0,
        visits_by_kind: BTreeMap::new(),
        minutes: 0,
        visits_without_duration: 0,
        people: 0,
        people_by_commune: BTreeMap::new(),
        procedures: 0,
        procedures_by_agency: BTreeMap::new(),
        procedures_by_status: BTreeMap::new(),
        overdue_before: match &filter.to {
            Some(to) if to < today => to.clone(),
            _ => today.clone(),
        },
        overdue_tasks: Vec::new(),
    };
    let mut weeks: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    let mut reached = BTreeSet::new();
    for case in cases {
        for visit in case.visits.iter().filter(|v| counted(v)) {
            stats.visits += 1;
            reached.insert(case.id);
            *stats.visits_by_kind.entry(visit.kind).or_default() += 1;
            match visit.duration_min {
                Some(minutes) => stats.minutes += minutes,
                None => stats.visits_without_duration += 1,
            }
            match &visit.at {
                Some(at) => *weeks.entry(week_start(&at.day())?).or_default() += 1,
                None => stats.undated_visits += 1,
            }
        }
        if reached.contains(&case.id) {
            *stats
                .people_by_commune
                .entry(case.person.commune.trim().to_owned())
                .or_default() += 1;
            for p in &case.procedures {
                stats.procedures += 1;
                *stats.procedures_by_agency.entry(p.agency).or_default() += 1;
                *stats.procedures_by_status.entry(p.status).or_default() += 1;
            }
        }
        for task in case.tasks.iter().filter(|_| !case.archived) {
            let Some(due) = &task.due else { continue };
            let theirs = filter
                .worker
                .as_ref()
                .is_none_or(|w| same_worker(w, &task.assignee));
            if !task.done && due < &stats.overdue_before && theirs {
                stats.overdue_tasks.push(OverdueTask {
                    case_id: case.id,
                    person: case.person.name.clone(),
                    task_id: task.id,
                    title: task.title.clone(),
                    due: due.clone(),
                    assignee: task.assignee.clone(),
                });
            }
        }
    }
    stats.people = reached.len();
    stats
        .overdue_tasks
        .sort_by(|a, b| (&a.due, a.case_id, a.task_id).cmp(&(&b.due, b.case_id, b.task_id)));
    if let (Some(first), Some(last)) = (weeks.keys().next().copied(), weeks.keys().next_back().copied()) {
        let mut start = first;
        while start <= last {
            stats.visits_per_week.push(WeekCount {
                week: iso_week(start),
                start: day(start)?,
                visits: weeks.get(&start).copied().unwrap_or(0),
            });
            start = start + chrono::Days::new(7);
        }
    }
    Ok(stats)
}

/// The Monday of the ISO week `day` falls in.
///
/// # Errors
/// [`DeviceError::Input`] for a day chrono cannot read.
pub fn week_start(day: &Day) -> Result<NaiveDate, DeviceError> {
    let date = NaiveDate::parse_from_str(day.as_str(), "%Y-%m-%d")
        .map_err(|e| DeviceError::Input(format!("{day} is not a date: {e}")))?;
    Ok(date - chrono::Days::new(u64::from(date.weekday().num_days_from_monday())))
}

/// `YYYY-Www`, the ISO week of `date`.
#[must_use]
pub fn iso_week(date: NaiveDate) -> String {
    let week = date.iso_week();
    format!("{}-W{:02}", week.year(), week.week())
}

fn day(date: NaiveDate) -> Result<Day, DeviceError> {
    Ok(Day::parse(&date.format("%Y-%m-%d").to_string())?)
}

fn same_worker(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

impl Device {
    /// The statistics of a period and worker over every case file on the
    /// device (see [`compute`] and the module header for the rules).
    ///
    /// # Errors
    /// [`DeviceError::Input`] when `from` is after `to`; corrupt case files
    /// and store errors.
    pub fn statistics(&self, filter: &StatsFilter) -> Result<Statistics, DeviceError> {
        if let (Some(from), Some(to)) = (&filter.from, &filter.to)
            && from > to
        {
            return Err(DeviceError::Input(format!(
                "the period starts on {from}, after its end on {to}: give --from before --to"
            )));
        }
        let mut cases = Vec::new();
        for id in self.case_ids()? {
            cases.push(self.store().load(id)?.file.view());
        }
        compute(&cases, filter, &self.today())
    }
}

#[cfg(test)]
#[path = "stats_tests.rs"]
mod tests;

use std::collections::BTreeMap;
use std::path::Path;

use carnet_core::{Consent, LocalDateTime, Person, Procedure, ProcedureId, Task, VisitId, VisitPatch};
use carnet_store::KdfParams;

use super::*;
use crate::demo::{DemoSpec, build_people};
use crate::{CsvTable, UTF8_BOM};

fn day(text: &str) -> Day {
    Day::parse(text).unwrap()
}

fn visit(at: &str, worker: &str, duration_min: Option<i64>) -> Visit {
    Visit {
        id: VisitId::random(),
        at: Some(LocalDateTime::parse(at).unwrap()),
        worker: worker.into(),
        place: String::new(),
        kind: VisitKind::Home,
        present: Vec::new(),
        topics: Vec::new(),
        duration_min,
        note: String::new(),
        archived: false,
        reviewed: None,
    }
}

fn case(commune: &str, visits: Vec<Visit>) -> CaseFileView {
    CaseFileView {
        id: CaseId::random(),
        schema: 1,
        read_only: None,
        person: Person {
            name: format!("Someone in {commune}"),
            commune: commune.into(),
            ..Person::default()
        },
        consent: Consent::default(),
        visits,
        procedures: Vec::new(),
        tasks: Vec::new(),
        comments: Vec::new(),
        archived: false,
    }
}

fn procedure(agency: Agency, status: ProcedureStatus) -> Procedure {
    Procedure {
        id: ProcedureId::random(),
        agency,
        what: "RSA".into(),
        status,
        next_step: String::new(),
        due: None,
    }
}

fn task(title: &str, due: Option<&str>, done: bool, assignee: &str) -> Task {
    Task {
        id: TaskId::random(),
        title: title.into(),
        due: due.map(day),
        done,
        assignee: assignee.into(),
    }
}

fn period(from: &str, to: &str) -> StatsFilter {
    StatsFilter {
        from: Some(day(from)),
        to: Some(day(to)),
        worker: None,
    }
}

fn weeks(stats: &Statistics) -> Vec<(String, String, usize)> {
    stats
        .visits_per_week
        .iter()
        .map(|w| (w.week.clone(), w.start.to_string(), w.visits))
        .collect()
}

#[test]
fn sunday_night_ends_a_week_and_monday_midnight_starts_the_next() {
    // 2026-03-08 is a Sunday; 2026-03-09 a Monday.
    let cases = [case(
        "Felletin",
        vec![
            visit("2026-03-08T23:59", "Anne", Some(30)),
            visit("2026-03-09T00:00", "Anne", Some(15)),
            visit("2026-03-02T00:00", "Anne", None),
        ],
    )];
    let stats = compute(&cases, &StatsFilter::default(), &day("2026-06-01")).unwrap();
    assert_eq!(
        weeks(&stats),
        [
            ("2026-W10".to_owned(), "2026-03-02".to_owned(), 2),
            ("2026-W11".to_owned(), "2026-03-09".to_owned(), 1),
        ]
    );
    assert_eq!(
        (stats.visits, stats.minutes, stats.visits_without_duration),
        (3, 45, 1)
    );
}

#[test]
fn iso_weeks_cross_the_new_year_and_empty_weeks_show_as_zero() {
    // 2026-01-01 is a Thursday: ISO week 1 of 2026 starts on Monday 2025-12-29.
    // 2027-01-01 is a Friday: it belongs to week 53 of 2026.
    for (text, week, start) in [
        ("2026-01-01", "2026-W01", "2025-12-29"),
        ("2025-12-28", "2025-W52", "2025-12-22"),
        ("2027-01-01", "2026-W53", "2026-12-28"),
        ("2027-01-04", "2027-W01", "2027-01-04"),
    ] {
        let monday = week_start(&day(text)).unwrap();
        assert_eq!(
            (iso_week(monday).as_str(), monday.to_string().as_str()),
            (week, start),
            "{text}"
        );
    }
    let cases = [case(
        "Aubusson",
        vec![
            visit("2025-12-24T10:00", "Anne", Some(10)),
            visit("2026-01-13T10:00", "Anne", Some(10)),
        ],
    )];
    let stats = compute(&cases, &StatsFilter::default(), &day("2026-06-01")).unwrap();
    let counts: Vec<usize> = stats.visits_per_week.iter().map(|w| w.visits).collect();
    assert_eq!(counts, [1, 0, 0, 1], "{:?}", weeks(&stats));
    assert_eq!(stats.visits_per_week[1].week, "2026-W01");
}

#[test]
fn archived_visits_are_not_counted_and_reach_nobody() {
    let mut archived = visit("2026-03-03T10:00", "Anne", Some(60));
    archived.archived = true;
    let mut only_archived = case("Gentioux", vec![archived.clone()]);
    only_archived
        .procedures
        .push(procedure(Agency::Caf, ProcedureStatus::ToDo));
    let mut both = case(
        "Felletin",
        vec![archived, visit("2026-03-04T10:00", "Anne", Some(20))],
    );
    both.procedures
        .push(procedure(Agency::Cpam, ProcedureStatus::Granted));
    let stats = compute(
        &[only_archived, both],
        &StatsFilter::default(),
        &day("2026-06-01"),
    )
    .unwrap();
    assert_eq!((stats.visits, stats.minutes, stats.people), (1, 20, 1));
    assert_eq!(
        stats.people_by_commune,
        BTreeMap::from([("Felletin".to_owned(), 1)])
    );
    assert_eq!(stats.procedures_by_agency, BTreeMap::from([(Agency::Cpam, 1)]));
}

#[test]
fn the_period_and_worker_choose_visits_people_and_their_procedures() {
    let mut anne = case(
        "Felletin",
        vec![
            visit("2026-02-28T10:00", "Anne", Some(30)),
            visit("2026-03-01T10:00", "Anne", Some(40)),
        ],
    );
    anne.visits[1].kind = VisitKind::Phone;
    anne.procedures = vec![
        procedure(Agency::Caf, ProcedureStatus::Submitted),
        procedure(Agency::Caf, ProcedureStatus::Granted),
    ];
    let mut bruno = case("Aubusson", vec![visit("2026-03-31T23:59", " bruno ", None)]);
    bruno.procedures = vec![procedure(Agency::Mdph, ProcedureStatus::Submitted)];
    let mut later = case("Felletin", vec![visit("2026-04-01T00:00", "Anne", Some(5))]);
    later.procedures = vec![procedure(Agency::Impots, ProcedureStatus::ToDo)];
    let cases = [anne, bruno, later];
    let today = day("2026-06-01");

    let march = compute(&cases, &period("2026-03-01", "2026-03-31"), &today).unwrap();
    assert_eq!((march.visits, march.people, march.minutes), (2, 2, 40));
    assert_eq!(march.visits_without_duration, 1);
    assert_eq!(
        march.visits_by_kind,
        BTreeMap::from([(VisitKind::Home, 1), (VisitKind::Phone, 1)])
    );
    assert_eq!(
        march.people_by_commune,
        BTreeMap::from([("Aubusson".to_owned(), 1), ("Felletin".to_owned(), 1)])
    );
    assert_eq!(march.procedures, 3);
    assert_eq!(
        march.procedures_by_agency,
        BTreeMap::from([(Agency::Caf, 2), (Agency::Mdph, 1)])
    );
    assert_eq!(
        march.procedures_by_status,
        BTreeMap::from([(ProcedureStatus::Submitted, 2), (ProcedureStatus::Granted, 1)])
    );

    let bruno_only = StatsFilter {
        worker: Some("Bruno".into()),
        ..period("2026-03-01", "2026-03-31")
    };
    let stats = compute(&cases, &bruno_only, &today).unwrap();
    assert_eq!((stats.visits, stats.people, stats.procedures), (1, 1, 1));
    assert_eq!(
        stats.people_by_commune,
        BTreeMap::from([("Aubusson".to_owned(), 1)])
    );
}

#[test]
fn overdue_tasks_are_judged_at_the_end_of_the_period_or_today_whichever_is_earlier() {
    let mut file = case("Felletin", Vec::new());
    file.tasks = vec![
        task("old, not done", Some("2026-01-10"), false, "Anne"),
        task("old, done", Some("2026-01-11"), true, "Anne"),
        task("due on the last day", Some("2026-03-31"), false, "Anne"),
        task("due in April", Some("2026-04-15"), false, "Bruno"),
        task("no due date", None, false, "Anne"),
    ];
    let cases = [file];
    let titles =
        |stats: &Statistics| -> Vec<String> { stats.overdue_tasks.iter().map(|t| t.title.clone()).collect() };

    // The period ended before today: judged on its last day, so a task due
    // that day is not overdue yet, nor is one due after the period.
    let stats = compute(&cases, &period("2026-03-01", "2026-03-31"), &day("2026-06-01")).unwrap();
    assert_eq!(stats.overdue_before, day("2026-03-31"));
    assert_eq!(titles(&stats), ["old, not done"]);

    // Today is earlier than the period's end: judged today.
    let stats = compute(&cases, &period("2026-03-01", "2026-12-31"), &day("2026-04-20")).unwrap();
    assert_eq!(stats.overdue_before, day("2026-04-20"));
    assert_eq!(
        titles(&stats),
        ["old, not done", "due on the last day", "due in April"]
    );

    // No period: judged today. A worker: only the tasks assigned to them.
    let bruno = StatsFilter {
        worker: Some("bruno".into()),
        ..StatsFilter::default()
    };
    let stats = compute(&cases, &bruno, &day("2026-04-20")).unwrap();
    assert_eq!(titles(&stats), ["due in April"]);
    assert_eq!(stats.overdue_tasks[0].person, "Someone in Felletin");

    // An archived case file is closed: its tasks are no longer overdue.
    let mut closed = cases[0].clone();
    closed.archived = true;
    let stats = compute(&[closed], &StatsFilter::default(), &day("2026-04-20")).unwrap();
    assert!(stats.overdue_tasks.is_empty());
}

#[test]
fn no_visits_give_zeros_and_no_weeks() {
    let stats = compute(
        &[case("Felletin", Vec::new())],
        &StatsFilter::default(),
        &day("2026-06-01"),
    )
    .unwrap();
    assert_eq!(
        (stats.visits, stats.people, stats.procedures, stats.minutes),
        (0, 0, 0, 0)
    );
    assert!(stats.visits_per_week.is_empty());
    assert!(stats.people_by_commune.is_empty());
}

// The acceptance test: statistics computed from a deterministic demo
// data set match figures computed independently from the exported CSV.

const TODAY: &str = "2026-06-01";

fn notebook(dir: &Path) -> Device {
    Device::init_with(
        dir,
        "passphrase",
        "Anne",
        "tablette",
        KdfParams::INSECURE_FOR_TESTS,
    )
    .unwrap()
}

/// The rows of an exported table, keyed by column name.
fn csv_rows(device: &Device, table: CsvTable) -> Vec<BTreeMap<String, String>> {
    let mut bytes = Vec::new();
    device
        .export_csv(table, &crate::CsvFilter::default(), &mut bytes)
        .unwrap();
    let mut reader = csv::Reader::from_reader(bytes.strip_prefix(UTF8_BOM).unwrap());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    reader
        .records()
        .map(|r| {
            header
                .iter()
                .cloned()
                .zip(r.unwrap().iter().map(str::to_owned))
                .collect()
        })
        .collect()
}

/// A cell as typed, without the apostrophe the export puts before a formula.
fn text(cell: &str) -> String {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest.to_owned(),
        _ => cell.to_owned(),
    }
}

/// The figures of `filter` recomputed from the two CSV tables alone, with
/// the CSV's own columns and plain date arithmetic (Monday = day 0 of the
/// week, counted from a known Monday).
#[derive(Debug, PartialEq, Eq)]
struct Figures {
    visits: usize,
    weeks: BTreeMap<String, usize>,
    minutes: i64,
    without_duration: usize,
    kinds: BTreeMap<String, usize>,
    communes: BTreeMap<String, usize>,
    agencies: BTreeMap<String, usize>,
    statuses: BTreeMap<String, usize>,
}

fn from_csv(
    visits: &[BTreeMap<String, String>],
    procedures: &[BTreeMap<String, String>],
    filter: &StatsFilter,
) -> Figures {
    let in_period = |date: &str| {
        filter.from.as_ref().is_none_or(|f| date >= f.as_str())
            && filter.to.as_ref().is_none_or(|t| date <= t.as_str())
    };
    let by = |worker: &str| {
        filter
            .worker
            .as_ref()
            .is_none_or(|w| w.trim().eq_ignore_ascii_case(worker.trim()))
    };
    let mut figures = Figures {
        visits: 0,
        weeks: BTreeMap::new(),
        minutes: 0,
        without_duration: 0,
        kinds: BTreeMap::new(),
        communes: BTreeMap::new(),
        agencies: BTreeMap::new(),
        statuses: BTreeMap::new(),
    };
    let mut people: BTreeMap<String, String> = BTreeMap::new();
    let known_monday = NaiveDate::from_ymd_opt(2000, 1, 3).unwrap();
    for row in visits {
        if row["archived"] == "true" || !in_period(&row["date"]) || !by(&text(&row["worker"])) {
            continue;
        }
        figures.visits += 1;
        let date = NaiveDate::parse_from_str(&row["date"], "%Y-%m-%d").unwrap();
        let monday = date - chrono::Days::new(((date - known_monday).num_days().rem_euclid(7)) as u64);
        *figures.weeks.entry(monday.to_string()).or_default() += 1;
        match row["duration_min"].as_str() {
            "" => figures.without_duration += 1,
            minutes => figures.minutes += minutes.parse::<i64>().unwrap(),
        }
        *figures.kinds.entry(row["kind"].clone()).or_default() += 1;
        people.insert(row["case_id"].clone(), text(&row["commune"]).trim().to_owned());
    }
    for commune in people.values() {
        *figures.communes.entry(commune.clone()).or_default() += 1;
    }
    for row in procedures.iter().filter(|r| people.contains_key(&r["case_id"])) {
        *figures.agencies.entry(row["agency"].clone()).or_default() += 1;
        *figures.statuses.entry(row["status"].clone()).or_default() += 1;
    }
    figures
}

fn from_statistics(stats: &Statistics) -> Figures {
    let codes = |pairs: Vec<(&str, usize)>| pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    Figures {
        visits: stats.visits,
        weeks: stats
            .visits_per_week
            .iter()
            .filter(|w| w.visits > 0)
            .map(|w| (w.start.to_string(), w.visits))
            .collect(),
        minutes: stats.minutes,
        without_duration: stats.visits_without_duration,
        kinds: codes(stats.visits_by_kind.iter().map(|(k, v)| (k.code(), *v)).collect()),
        communes: stats.people_by_commune.clone(),
        agencies: codes(
            stats
                .procedures_by_agency
                .iter()
                .map(|(k, v)| (k.code(), *v))
                .collect(),
        ),
        statuses: codes(
            stats
                .procedures_by_status
                .iter()
                .map(|(k, v)| (k.code(), *v))
                .collect(),
        ),
    }
}

fn check_against_the_csv(device: &Device, filters: &[StatsFilter]) {
    let visits = csv_rows(device, CsvTable::Visits);
    let procedures = csv_rows(device, CsvTable::Procedures);
    for filter in filters {
        let stats = device.statistics(filter).unwrap();
        let expected = from_csv(&visits, &procedures, filter);
        assert_eq!(from_statistics(&stats), expected, "{filter:?}");
        let people: usize = expected.communes.values().sum();
        assert_eq!(stats.people, people, "{filter:?}");
        assert_eq!(stats.procedures, expected.agencies.values().sum::<usize>());
        // Every week from the first to the last is listed, each once.
        for pair in stats.visits_per_week.windows(2) {
            assert_eq!(
                week_start(&pair[0].start).unwrap() + chrono::Days::new(7),
                week_start(&pair[1].start).unwrap()
            );
        }
    }
}

#[test]
fn statistics_of_the_demo_caseload_match_figures_recomputed_from_its_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let mut device = notebook(tmp.path());
    device.demo(40, 2026, Some(day(TODAY))).unwrap();
    // The demo records a duration for every visit and archives none: make
    // both cases occur so the rules about them are checked too.
    let ids: Vec<String> = csv_rows(&device, CsvTable::Visits)
        .iter()
        .map(|r| r["visit_id"].clone())
        .collect();
    assert!(ids.len() > 60, "the demo has visits to count ({})", ids.len());
    for id in ids.iter().step_by(9) {
        device.archive_visit(id, true).unwrap();
    }
    for id in ids.iter().skip(4).step_by(11) {
        device
            .edit_visit(
                id,
                VisitPatch {
                    duration_min: Some(None),
                    ..VisitPatch::default()
                },
            )
            .unwrap();
    }

    let filters = [
        StatsFilter::default(),
        period("2026-01-01", "2026-03-31"),
        period("2025-06-01", "2026-05-31"),
        StatsFilter {
            worker: Some(" anne ".into()),
            ..period("2025-12-01", "2026-02-28")
        },
        StatsFilter {
            worker: Some("nobody".into()),
            ..StatsFilter::default()
        },
    ];
    check_against_the_csv(&device, &filters);

    let all = device.statistics(&StatsFilter::default()).unwrap();
    assert!(all.visits_without_duration > 0 && all.visits < ids.len());
    assert!(all.procedures > 10 && all.people_by_commune.len() > 2, "{all:?}");
    let quarter = device.statistics(&period("2026-01-01", "2026-03-31")).unwrap();
    assert!(quarter.visits > 0 && quarter.visits < all.visits);
    assert_eq!(device.statistics(&filters[4]).unwrap().visits, 0);
}

#[test]
fn with_two_workers_the_worker_filter_matches_the_csv_too() {
    let tmp = tempfile::tempdir().unwrap();
    let mut device = notebook(tmp.path());
    let spec = DemoSpec {
        people: 25,
        seed: 7,
        today: day(TODAY),
        workers: vec!["Anne".into(), "Bruno".into()],
    };
    let files = build_people(&spec, 0..25, device.store().writer()).unwrap();
    device.store_mut().insert_cases(files).unwrap();
    let filters: Vec<StatsFilter> = ["Anne", "Bruno"]
        .into_iter()
        .flat_map(|w| {
            [
                StatsFilter {
                    worker: Some(w.into()),
                    ..StatsFilter::default()
                },
                StatsFilter {
                    worker: Some(w.into()),
                    ..period("2026-02-01", "2026-04-30")
                },
            ]
        })
        .collect();
    check_against_the_csv(&device, &filters);
    let anne = device.statistics(&filters[0]).unwrap().visits;
    let bruno = device.statistics(&filters[2]).unwrap().visits;
    let all = device.statistics(&StatsFilter::default()).unwrap().visits;
    assert!(
        anne > 0 && bruno > 0 && anne + bruno == all,
        "{anne} + {bruno} != {all}"
    );
}

#[test]
fn a_period_that_ends_before_it_starts_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let device = notebook(tmp.path());
    let err = device
        .statistics(&period("2026-04-01", "2026-03-01"))
        .unwrap_err();
    assert_eq!(err.kind(), "invalid_input");
}

use std::sync::{Arc, Mutex};

use carnet_core::{LocalDateTime, NewPerson, Person, Visit, VisitId, VisitKind};
use carnet_store::{CaseloadFilter, KdfParams};

use super::*;
use crate::{Clock, Now, VisitInput};

fn day(text: &str) -> Day {
    Day::parse(text).unwrap()
}

fn view(name: &str, visits: &[(&str, bool)]) -> CaseFileView {
    CaseFileView {
        id: CaseId::random(),
        schema: 1,
        read_only: None,
        person: Person {
            name: name.into(),
            commune: "Felletin".into(),
            ..Person::default()
        },
        consent: carnet_core::Consent::default(),
        visits: visits
            .iter()
            .map(|(at, archived)| Visit {
                id: VisitId::random(),
                at: Some(LocalDateTime::parse(at).unwrap()),
                worker: "Anne".into(),
                place: String::new(),
                kind: VisitKind::Home,
                present: Vec::new(),
                topics: Vec::new(),
                duration_min: None,
                note: String::new(),
                archived: *archived,
                reviewed: None,
            })
            .collect(),
        procedures: Vec::new(),
        tasks: Vec::new(),
        comments: Vec::new(),
        archived: false,
    }
}

#[test]
fn the_last_contact_is_the_last_visit_not_archived_else_the_creation() {
    let visited = view("A", &[("2024-03-01T10:00", false), ("2024-05-02T10:00", true)]);
    assert_eq!(
        last_contact(&visited, Some(day("2023-01-01"))),
        Some((day("2024-03-01"), ContactSource::Visit))
    );
    let only_archived = view("B", &[("2024-05-02T10:00", true)]);
    assert_eq!(
        last_contact(&only_archived, Some(day("2023-01-01"))),
        Some((day("2023-01-01"), ContactSource::Created))
    );
    assert_eq!(last_contact(&view("C", &[]), None), None);
}

#[test]
fn case_files_are_listed_when_their_last_contact_is_strictly_before_the_cut_off() {
    let before = day("2024-06-01");
    let mut archived = view("Archived", &[("2023-02-01T10:00", false)]);
    archived.archived = true;
    let cases = vec![
        (view("On the day", &[("2024-06-01T00:00", false)]), None),
        (view("Day before", &[("2024-05-31T23:59", false)]), None),
        (view("Created long ago", &[]), Some(day("2022-01-15"))),
        (view("Created recently", &[]), Some(day("2025-01-15"))),
        (view("Undated", &[]), None),
        (archived, None),
    ];
    let listed = dormant(&cases, &before);
    let names: Vec<(&str, &str, bool)> = listed
        .iter()
        .map(|d| (d.person.as_str(), d.last_contact.as_str(), d.archived))
        .collect();
    assert_eq!(
        names,
        [
            ("Created long ago", "2022-01-15", false),
            ("Archived", "2023-02-01", true),
            ("Day before", "2024-05-31", false),
            ("Undated", "2024-06-01", false),
        ]
    );
    assert_eq!(listed[0].source, ContactSource::Created);
    assert_eq!(listed[2].source, ContactSource::Visit);
}

#[test]
fn months_are_counted_back_on_the_calendar() {
    for (today, months, expected) in [
        ("2026-06-01", 24, "2024-06-01"),
        ("2026-08-31", 6, "2026-02-28"),
        ("2028-08-31", 6, "2028-02-29"),
        ("2026-06-01", 0, "2026-06-01"),
    ] {
        assert_eq!(
            months_before(&day(today), months).unwrap(),
            day(expected),
            "{today} - {months}"
        );
    }
    assert_eq!(
        months_before(&day("1901-01-01"), 24).unwrap_err().kind(),
        "invalid_input"
    );
}

#[derive(Clone, Debug)]
struct Hand(Arc<Mutex<Now>>);

impl Hand {
    /// Noon UTC of `day`: the same local day in every time zone the tests run in.
    fn set(&self, day: &str) {
        let local = format!("{day}T12:00");
        let time_ms = chrono::NaiveDateTime::parse_from_str(&local, "%Y-%m-%dT%H:%M")
            .unwrap()
            .and_utc()
            .timestamp_millis();
        *self.0.lock().unwrap() = Now {
            time_ms,
            local: LocalDateTime::parse(&local).unwrap(),
        };
    }
}

impl Clock for Hand {
    fn now(&self) -> Now {
        self.0.lock().unwrap().clone()
    }
}

#[test]
fn a_notebook_lists_the_dormant_case_files_and_archiving_takes_them_off_the_caseload() {
    let tmp = tempfile::tempdir().unwrap();
    let mut device = Device::init_with(
        tmp.path(),
        "passphrase",
        "Lea",
        "bureau",
        KdfParams::INSECURE_FOR_TESTS,
    )
    .unwrap();
    let hand = Hand(Arc::new(Mutex::new(Now {
        time_ms: 0,
        local: LocalDateTime::parse("1970-01-01T00:00").unwrap(),
    })));
    device.set_clock(Box::new(hand.clone()));
    let person = |device: &mut Device, name: &str| {
        device
            .add_person(NewPerson {
                name: name.into(),
                commune: "Aubusson".into(),
                ..NewPerson::default()
            })
            .unwrap()
            .id
            .to_string()
    };
    hand.set("2023-09-01");
    let never_visited = person(&mut device, "Jamais Vue");
    let visited_long_ago = person(&mut device, "Vue Autrefois");
    let still_followed = person(&mut device, "Suivie Encore");
    hand.set("2024-02-10");
    device
        .add_visit(&visited_long_ago, VisitInput::default())
        .unwrap();
    hand.set("2024-03-10");
    device.add_visit(&still_followed, VisitInput::default()).unwrap();
    hand.set("2026-01-20");
    device.add_visit(&still_followed, VisitInput::default()).unwrap();
    hand.set("2026-06-01");

    let report = device.retention(24).unwrap();
    assert_eq!(report.before, day("2024-06-01"));
    let listed: Vec<(String, &str, ContactSource)> = report
        .case_files
        .iter()
        .map(|d| (d.case_id.to_string(), d.last_contact.as_str(), d.source))
        .collect();
    assert_eq!(
        listed,
        [
            (never_visited.clone(), "2023-09-01", ContactSource::Created),
            (visited_long_ago.clone(), "2024-02-10", ContactSource::Visit),
        ]
    );
    assert!(device.retention(36).unwrap().case_files.is_empty());

    // The lead archives them: they leave the caseload but not search.
    for case in [&never_visited, &visited_long_ago] {
        assert!(device.archive_case(case, true).unwrap().archived);
    }
    let caseload: Vec<String> = device
        .list(&CaseloadFilter::default())
        .unwrap()
        .iter()
        .map(|s| s.id.to_string())
        .collect();
    assert_eq!(caseload, [still_followed]);
    let found = device.search("jamais", 5).unwrap();
    assert!(found.len() == 1 && found[0].archived, "{found:?}");
    assert!(
        device
            .retention(24)
            .unwrap()
            .case_files
            .iter()
            .all(|d| d.archived)
    );
    let last = device.history(&never_visited).unwrap().pop().unwrap();
    assert_eq!(
        (last.label.as_str(), last.worker.as_deref()),
        ("case.archive", Some("Lea"))
    );

    // Brought back, it is on the caseload again.
    assert!(!device.archive_case(&never_visited, false).unwrap().archived);
    assert_eq!(device.list(&CaseloadFilter::default()).unwrap().len(), 2);
    assert_eq!(
        device.archive_case("ffffffff", true).unwrap_err().kind(),
        "not_found"
    );
}

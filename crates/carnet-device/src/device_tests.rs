use super::*;

/// A clock stopped on 2026-06-01 at 09:00.
#[derive(Debug)]
struct Stopped;

impl Clock for Stopped {
    fn now(&self) -> Now {
        Now {
            time_ms: 1_780_300_800_000,
            local: LocalDateTime::parse("2026-06-01T09:00").unwrap(),
        }
    }
}

/// A notebook with one person and one task due on 2026-06-03, assigned to Anne.
fn notebook_with_a_task(dir: &Path) -> (Device, CaseId, TaskId) {
    let mut device = Device::init_with(
        dir,
        "passphrase",
        "Anne",
        "tablette",
        KdfParams::INSECURE_FOR_TESTS,
    )
    .unwrap();
    device.set_clock(Box::new(Stopped));
    let case = device
        .add_person(NewPerson {
            name: "Hélène Roux".into(),
            ..Default::default()
        })
        .unwrap()
        .id;
    let (task, _) = device
        .add_task(
            &case.to_string(),
            NewTask {
                id: TaskId::random(),
                title: "Rappeler la CAF".into(),
                due: Some(Day::parse("2026-06-03").unwrap()),
                assignee: "Anne".into(),
            },
        )
        .unwrap();
    (device, case, task)
}

#[test]
fn a_task_found_by_its_first_characters_gets_a_new_due_date_that_the_due_list_follows() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut device, case, task) = notebook_with_a_task(tmp.path());
    assert_eq!(device.tasks_due(7).unwrap().len(), 1);

    let view = device
        .edit_task(
            &task.to_string()[..8],
            TaskPatch {
                due: Some(Some(Day::parse("2026-06-30").unwrap())),
                assignee: Some("Bruno".into()),
                ..TaskPatch::default()
            },
        )
        .unwrap();
    assert_eq!(view.id, case);
    let shown = &view.tasks[0];
    assert_eq!(
        (
            shown.id,
            shown.title.as_str(),
            shown.due.clone(),
            shown.assignee.as_str()
        ),
        (
            task,
            "Rappeler la CAF",
            Some(Day::parse("2026-06-30").unwrap()),
            "Bruno"
        )
    );
    assert!(
        device.tasks_due(7).unwrap().is_empty(),
        "the index still has the old date"
    );
    let due = device.tasks_due(30).unwrap();
    assert_eq!(
        (due.len(), due[0].due.as_str(), due[0].assignee.as_str()),
        (1, "2026-06-30", "Bruno")
    );
    let last = device.history(&case.to_string()).unwrap().pop().unwrap();
    assert_eq!(
        (last.label.as_str(), last.worker.as_deref()),
        ("task.edit", Some("Anne"))
    );

    let view = device
        .edit_task(
            &task.to_string(),
            TaskPatch {
                due: Some(None),
                ..TaskPatch::default()
            },
        )
        .unwrap();
    assert_eq!(view.tasks[0].due, None);
    assert!(device.tasks_due(30).unwrap().is_empty());
}

#[test]
fn a_blank_title_or_an_unknown_task_is_refused_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut device, case, task) = notebook_with_a_task(tmp.path());
    let before = device.show(&case.to_string()).unwrap();

    let blank = TaskPatch {
        title: Some(" ".into()),
        ..TaskPatch::default()
    };
    let err = device.edit_task(&task.to_string(), blank).unwrap_err();
    assert_eq!(err.kind(), "invalid_input", "{err}");
    assert!(err.to_string().contains("a task needs a title"), "{err}");
    let err = device.edit_task("abcdef12", TaskPatch::default()).unwrap_err();
    assert_eq!(err.kind(), "not_found", "{err}");

    assert_eq!(device.show(&case.to_string()).unwrap(), before);
}

/// A clock the test moves forward by hand.
#[derive(Clone, Debug)]
struct Hand(std::sync::Arc<std::sync::Mutex<Now>>);

impl Hand {
    /// Sets the time to a minute of 2026 in UTC (`YYYY-MM-DDTHH:MM`).
    fn set(&self, local: &str) {
        let ms = chrono::NaiveDateTime::parse_from_str(local, "%Y-%m-%dT%H:%M")
            .unwrap()
            .and_utc()
            .timestamp_millis();
        *self.0.lock().unwrap() = Now {
            time_ms: ms,
            local: LocalDateTime::parse(local).unwrap(),
        };
    }
}

impl Clock for Hand {
    fn now(&self) -> Now {
        self.0.lock().unwrap().clone()
    }
}

fn utc_ms(text: &str) -> i64 {
    end_of_local(text, &chrono::Utc).unwrap()
}

#[test]
fn a_case_file_as_of_a_date_shows_what_was_written_by_then() {
    let tmp = tempfile::tempdir().unwrap();
    let mut device = Device::init_with(
        tmp.path(),
        "passphrase",
        "Anne",
        "tablette",
        KdfParams::INSECURE_FOR_TESTS,
    )
    .unwrap();
    let hand = Hand(std::sync::Arc::new(std::sync::Mutex::new(Stopped.now())));
    device.set_clock(Box::new(hand.clone()));

    hand.set("2026-03-02T09:00");
    let case = device
        .add_person(NewPerson {
            name: "Hélène Roux".into(),
            commune: "Felletin".into(),
            ..Default::default()
        })
        .unwrap()
        .id
        .to_string();
    hand.set("2026-03-02T09:30");
    let (visit, _) = device
        .add_visit(
            &case,
            VisitInput {
                note: "Dossier RSA à compléter.".into(),
                ..VisitInput::default()
            },
        )
        .unwrap();
    let (procedure, _) = device
        .add_procedure(
            &case,
            NewProcedure {
                id: ProcedureId::random(),
                agency: carnet_core::Agency::Caf,
                what: "RSA".into(),
                status: carnet_core::ProcedureStatus::InProgress,
                next_step: String::new(),
                due: None,
            },
        )
        .unwrap();
    hand.set("2026-03-05T14:10");
    device
        .edit_visit(
            &visit.to_string(),
            VisitPatch {
                note: Some("Dossier RSA envoyé.".into()),
                ..VisitPatch::default()
            },
        )
        .unwrap();
    device
        .set_procedure(
            &procedure.to_string(),
            ProcedurePatch {
                status: Some(carnet_core::ProcedureStatus::Submitted),
                ..ProcedurePatch::default()
            },
        )
        .unwrap();
    hand.set("2026-03-09T11:00");
    device
        .add_visit(
            &case,
            VisitInput {
                note: "Point sur le dossier.".into(),
                ..VisitInput::default()
            },
        )
        .unwrap();

    let err = device.case_as_of(&case, utc_ms("2026-03-01")).unwrap_err();
    assert_eq!(err.kind(), "not_found", "{err}");
    assert!(err.to_string().contains("not found at that date"), "{err}");
    let err = device.case_as_of("abcdef12", utc_ms("2026-03-10")).unwrap_err();
    assert_eq!(err.kind(), "not_found", "{err}");

    let opened = device.case_as_of(&case, utc_ms("2026-03-02T09:00")).unwrap().case;
    assert_eq!(
        (opened.person.name.as_str(), opened.visits.len()),
        ("Hélène Roux", 0)
    );
    let day2 = device.case_as_of(&case, utc_ms("2026-03-02")).unwrap();
    assert_eq!(day2.changes, 3);
    assert_eq!(day2.case.visits.len(), 1);
    assert_eq!(day2.case.visits[0].note, "Dossier RSA à compléter.");
    assert_eq!(
        day2.case.procedures[0].status,
        carnet_core::ProcedureStatus::InProgress
    );
    let minute_before = device.case_as_of(&case, utc_ms("2026-03-05T14:09")).unwrap().case;
    assert_eq!(minute_before.visits[0].note, "Dossier RSA à compléter.");
    let that_minute = device.case_as_of(&case, utc_ms("2026-03-05T14:10")).unwrap().case;
    assert_eq!(that_minute.visits[0].note, "Dossier RSA envoyé.");
    assert_eq!(
        that_minute.procedures[0].status,
        carnet_core::ProcedureStatus::Submitted
    );
    assert_eq!(
        that_minute.visits.len(),
        1,
        "the visit of the 9th is not there yet"
    );
    let future = device.case_as_of(&case, utc_ms("2030-01-01")).unwrap();
    let now = device.show(&case).unwrap();
    assert_eq!(future.case, now.case);
    assert_eq!(future.heads, now.heads);
    assert_eq!(future.case.visits.len(), 2);
}

#[test]
fn a_date_people_write_is_the_end_of_that_day_or_minute_in_local_time() {
    let paris_winter = chrono::FixedOffset::east_opt(3600).unwrap();
    let cases = [
        ("2026-03-05", "2026-03-05T23:59:59.999+01:00"),
        ("2026-03-05T14:10", "2026-03-05T14:10:59.999+01:00"),
        ("2026-03-05 14:10", "2026-03-05T14:10:59.999+01:00"),
        ("2026-12-31", "2026-12-31T23:59:59.999+01:00"),
    ];
    for (text, expected) in cases {
        let expected = chrono::DateTime::parse_from_rfc3339(expected)
            .unwrap()
            .timestamp_millis();
        assert_eq!(end_of_local(text, &paris_winter).unwrap(), expected, "{text}");
    }
    for bad in ["2026-02-30", "05/03/2026", "2026-03-05T25:00", "hier"] {
        let err = end_of_local(bad, &paris_winter).unwrap_err();
        assert_eq!(err.kind(), "invalid_input", "{bad}: {err}");
    }
}

#[test]
fn editing_the_same_case_file_again_reads_it_once_unless_another_program_wrote_it() {
    let dir = tempfile::tempdir().unwrap();
    let (mut device, case, _) = notebook_with_a_task(dir.path());
    let note = |text: &str| crate::VisitInput {
        note: text.into(),
        ..Default::default()
    };
    let read = device.store().documents_read();
    device.add_visit(&case.to_string(), note("première")).unwrap();
    device.add_visit(&case.to_string(), note("deuxième")).unwrap();
    let (_, view) = device.add_visit(&case.to_string(), note("troisième")).unwrap();
    assert_eq!(view.visits.len(), 3);
    assert!(
        device.store().documents_read() - read <= 1,
        "the case file was read {} times for three visits",
        device.store().documents_read() - read
    );
    // The app and the command line open one notebook at once: a visit written
    // by the other program is there before the next edit here, and kept.
    let mut other = Device::open(dir.path(), "passphrase").unwrap();
    other.add_visit(&case.to_string(), note("ailleurs")).unwrap();
    let (_, view) = device.add_visit(&case.to_string(), note("quatrième")).unwrap();
    let mut notes: Vec<&str> = view.visits.iter().map(|v| v.note.as_str()).collect();
    notes.sort_unstable();
    assert_eq!(
        notes,
        ["ailleurs", "deuxième", "première", "quatrième", "troisième"]
    );
    assert_eq!(device.show(&case.to_string()).unwrap().case, view);
    assert_eq!(device.search("ailleurs quatrième", 5).unwrap().len(), 1);
    // A visit written from the case file's screen: showing it read the
    // document, the save does not read it again…
    let other_case = device
        .add_person(NewPerson {
            name: "Marcel Roux".into(),
            ..Default::default()
        })
        .unwrap()
        .id
        .to_string();
    device.show(&other_case).unwrap();
    let read = device.store().documents_read();
    let (_, view) = device.add_visit(&other_case, note("depuis la fiche")).unwrap();
    assert_eq!(device.store().documents_read(), read);
    assert_eq!(device.show(&other_case).unwrap().case, view);
    // … unless the other program wrote it after it was shown.
    device.show(&case.to_string()).unwrap();
    other
        .add_visit(&case.to_string(), note("encore ailleurs"))
        .unwrap();
    let (_, view) = device.add_visit(&case.to_string(), note("cinquième")).unwrap();
    assert_eq!(view.visits.len(), 7);
    assert_eq!(device.show(&case.to_string()).unwrap().case, view);
}

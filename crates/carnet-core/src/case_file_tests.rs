use super::*;
use crate::edit::{NewProcedure, NewTask, NewVisit, ProcedurePatch, TaskPatch, VisitPatch};
use crate::history::FieldChange;

fn ctx(worker: &str, minute: u32) -> EditContext {
    EditContext {
        worker: worker.into(),
        time_ms: 1_780_000_000_000 + i64::from(minute) * 60_000,
        local_time: LocalDateTime::parse(&format!("2026-05-28T10:{minute:02}")).unwrap(),
    }
}

fn person(name: &str) -> NewPerson {
    NewPerson {
        name: name.into(),
        commune: "Felletin".into(),
        ..NewPerson::default()
    }
}

fn visit(note: &str) -> NewVisit {
    NewVisit {
        id: VisitId::random(),
        at: LocalDateTime::parse("2026-05-28T09:30").unwrap(),
        place: "domicile".into(),
        kind: VisitKind::Home,
        present: vec!["Mme Roux".into()],
        topics: vec!["CAF".into(), "logement".into()],
        duration_min: Some(45),
        note: note.into(),
    }
}

/// A case file with one visit and one procedure, and a copy of it on a second device.
fn two_devices() -> (CaseFile, CaseFile, VisitId, ProcedureId) {
    let (a_dev, b_dev) = (DeviceId::random(), DeviceId::random());
    let (mut a, _) =
        CaseFile::create(CaseId::random(), a_dev, person("Hélène Roux"), &ctx("Anne", 0)).unwrap();
    let v = visit("Dossier RSA à compléter.");
    let visit_id = v.id;
    a.apply(&Edit::AddVisit(v), &ctx("Anne", 1)).unwrap();
    let procedure = ProcedureId::random();
    a.apply(
        &Edit::AddProcedure(NewProcedure {
            id: procedure,
            agency: Agency::Caf,
            what: "RSA".into(),
            status: ProcedureStatus::InProgress,
            next_step: "envoyer l'avis d'imposition".into(),
            due: Some(Day::parse("2026-06-10").unwrap()),
        }),
        &ctx("Anne", 2),
    )
    .unwrap();
    let b = CaseFile::load(&a.save(), b_dev).unwrap();
    (a, b, visit_id, procedure)
}

/// A case file with one task, due on 2026-06-03, and a copy of it on a second device.
fn two_devices_with_a_task() -> (CaseFile, CaseFile, TaskId) {
    let (mut a, _, _, _) = two_devices();
    let task = TaskId::random();
    a.apply(
        &Edit::AddTask(NewTask {
            id: task,
            title: "Rappeler la CAF".into(),
            due: Some(Day::parse("2026-06-03").unwrap()),
            assignee: "Anne".into(),
        }),
        &ctx("Anne", 3),
    )
    .unwrap();
    let b = CaseFile::load(&a.save(), DeviceId::random()).unwrap();
    (a, b, task)
}

fn edit_task(id: TaskId, patch: TaskPatch) -> Edit {
    Edit::EditTask { id, patch }
}

fn set_due(id: TaskId, due: &str) -> Edit {
    edit_task(
        id,
        TaskPatch {
            due: Some(Some(Day::parse(due).unwrap())),
            ..TaskPatch::default()
        },
    )
}

fn exchange(a: &mut CaseFile, b: &mut CaseFile) {
    let from_a = a.save();
    let from_b = b.save();
    b.merge_bytes(&from_a).unwrap();
    a.merge_bytes(&from_b).unwrap();
}

fn set_status(id: ProcedureId, status: ProcedureStatus) -> Edit {
    Edit::EditProcedure {
        id,
        patch: ProcedurePatch {
            status: Some(status),
            ..ProcedurePatch::default()
        },
    }
}

#[test]
fn an_edit_is_one_change_with_worker_device_time_and_what_it_touched() {
    let device = DeviceId::random();
    let (mut case, _) =
        CaseFile::create(CaseId::random(), device, person("Jean Morel"), &ctx("Anne", 0)).unwrap();
    let v = visit("Premier contact.");
    let id = v.id;
    case.apply(&Edit::AddVisit(v), &ctx("Anne", 5)).unwrap();
    let history = case.history();
    assert_eq!(history.len(), 2);
    let last = &history[1];
    assert_eq!(last.label, "visit.add");
    assert_eq!(last.worker.as_deref(), Some("Anne"));
    assert_eq!(last.device, Some(device));
    assert_eq!(last.time_ms, ctx("Anne", 5).time_ms);
    assert!(
        last.touched.iter().any(|t| t == &format!("visits/{id}")),
        "{:?}",
        last.touched
    );
    let view = case.view();
    assert_eq!(view.visits.len(), 1);
    assert_eq!(view.visits[0].note, "Premier contact.");
    assert_eq!(view.visits[0].worker, "Anne");
    assert_eq!(view.visits[0].topics, vec!["CAF", "logement"]);
}

#[test]
fn concurrent_notes_merge_and_concurrent_statuses_conflict_until_resolved() {
    let (mut a, mut b, visit_id, procedure) = two_devices();
    let note_a = "Dossier RSA à compléter. Rappeler la CAF lundi.";
    let note_b = "Urgent : Dossier RSA à compléter.";
    a.apply(
        &Edit::EditVisit {
            id: visit_id,
            patch: VisitPatch {
                note: Some(note_a.into()),
                ..Default::default()
            },
        },
        &ctx("Anne", 10),
    )
    .unwrap();
    b.apply(
        &Edit::EditVisit {
            id: visit_id,
            patch: VisitPatch {
                note: Some(note_b.into()),
                ..Default::default()
            },
        },
        &ctx("Bruno", 11),
    )
    .unwrap();
    a.apply(
        &set_status(procedure, ProcedureStatus::Submitted),
        &ctx("Anne", 12),
    )
    .unwrap();
    b.apply(
        &set_status(procedure, ProcedureStatus::Refused),
        &ctx("Bruno", 13),
    )
    .unwrap();
    exchange(&mut a, &mut b);

    assert_eq!(a.heads(), b.heads());
    assert_eq!(a.view(), b.view());
    let merged = &a.view().visits[0].note;
    assert_eq!(merged, "Urgent : Dossier RSA à compléter. Rappeler la CAF lundi.");

    let conflicts = a.conflicts();
    assert_eq!(conflicts, b.conflicts());
    assert_eq!(conflicts.len(), 2, "the status and the note: {conflicts:?}");
    let conflict = &conflicts[0];
    assert_eq!(conflict.field, format!("procedures/{procedure}/status"));
    assert!(conflict.parts.is_empty());

    // The note merged by character: each author's version, and who wrote which part.
    let note = &conflicts[1];
    assert_eq!(note.field, format!("visits/{visit_id}/note"));
    assert_eq!(note.shown, *merged);
    let versions: Vec<(&str, Option<&str>)> = note
        .values
        .iter()
        .map(|v| (v.value.as_str(), v.worker.as_deref()))
        .collect();
    assert_eq!(versions, vec![(note_a, Some("Anne")), (note_b, Some("Bruno"))]);
    let parts: Vec<(&str, Option<&str>)> = note
        .parts
        .iter()
        .map(|p| (p.text.as_str(), p.worker.as_deref()))
        .collect();
    assert_eq!(
        parts,
        vec![
            ("Urgent : ", Some("Bruno")),
            ("Dossier RSA à compléter. Rappeler la CAF lundi.", Some("Anne")),
        ]
    );
    let mut seen: Vec<(String, Option<String>)> = conflict
        .values
        .iter()
        .map(|v| (v.value.clone(), v.worker.clone()))
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        vec![
            ("refused".into(), Some("Bruno".into())),
            ("submitted".into(), Some("Anne".into()))
        ]
    );

    let field: FieldPath = conflict.field.parse().unwrap();
    b.apply(
        &Edit::Resolve {
            field,
            value: "submitted".into(),
        },
        &ctx("Bruno", 20),
    )
    .unwrap();
    assert_eq!(b.conflicts().len(), 1, "the note is still to settle");
    let note_field: FieldPath = format!("visits/{visit_id}/note").parse().unwrap();
    b.apply(
        &Edit::Resolve {
            field: note_field,
            value: merged.clone(),
        },
        &ctx("Bruno", 21),
    )
    .unwrap();
    assert!(b.conflicts().is_empty());
    exchange(&mut a, &mut b);
    assert!(a.conflicts().is_empty());
    assert_eq!(a.view().procedures[0].status, ProcedureStatus::Submitted);
    assert_eq!(
        a.view().visits[0].note,
        *merged,
        "keeping the merged text changes nothing in it"
    );
}

#[test]
fn concurrent_list_replacements_are_a_conflict_shown_as_text() {
    let (mut a, mut b, visit_id, _) = two_devices();
    let topics = |t: &[&str]| Edit::EditVisit {
        id: visit_id,
        patch: VisitPatch {
            topics: Some(t.iter().map(|s| (*s).to_owned()).collect()),
            ..Default::default()
        },
    };
    a.apply(&topics(&["CAF", "MSA"]), &ctx("Anne", 3)).unwrap();
    b.apply(&topics(&["énergie"]), &ctx("Bruno", 3)).unwrap();
    exchange(&mut a, &mut b);
    let conflicts = a.conflicts();
    assert_eq!(conflicts.len(), 1);
    let mut values: Vec<String> = conflicts[0].values.iter().map(|v| v.value.clone()).collect();
    values.sort();
    assert_eq!(values, vec!["CAF, MSA", "énergie"]);
}

#[test]
fn a_colleagues_edit_inside_an_archived_visit_is_kept() {
    let (mut a, mut b, visit_id, _) = two_devices();
    a.apply(
        &Edit::ArchiveVisit {
            id: visit_id,
            archived: true,
        },
        &ctx("Anne", 4),
    )
    .unwrap();
    b.apply(
        &Edit::EditVisit {
            id: visit_id,
            patch: VisitPatch {
                place: Some("mairie".into()),
                ..Default::default()
            },
        },
        &ctx("Bruno", 4),
    )
    .unwrap();
    exchange(&mut a, &mut b);
    let visit = &a.view().visits[0];
    assert!(visit.archived);
    assert_eq!(visit.place, "mairie");
}

#[test]
fn a_failed_edit_changes_nothing() {
    let (mut a, _, _, _) = two_devices();
    let heads = a.heads();
    let before = a.view();
    let missing = VisitId::random();
    let err = a
        .apply(
            &Edit::ArchiveVisit {
                id: missing,
                archived: true,
            },
            &ctx("Anne", 9),
        )
        .unwrap_err();
    assert!(matches!(err, CoreError::NotFound { what: "visit", .. }), "{err}");
    let bad_duration = Edit::AddVisit(NewVisit {
        duration_min: Some(-3),
        ..visit("x")
    });
    assert!(a.apply(&bad_duration, &ctx("Anne", 9)).is_err());
    let bad_resolve = Edit::Resolve {
        field: "person/birth_year".parse().unwrap(),
        value: "soon".into(),
    };
    assert!(a.apply(&bad_resolve, &ctx("Anne", 9)).is_err());
    assert_eq!(a.heads(), heads);
    assert_eq!(a.view(), before);
    // The document still takes edits afterwards.
    a.apply(&Edit::AddVisit(visit("ok")), &ctx("Anne", 9)).unwrap();
    assert_eq!(a.view().visits.len(), 2);
}

#[test]
fn a_newer_schema_opens_read_only() {
    let (mut a, _, visit_id, _) = two_devices();
    a.doc.put(ROOT, "schema", SCHEMA_VERSION + 1).unwrap();
    a.doc.commit();
    let mut newer = CaseFile::load(&a.save(), DeviceId::random()).unwrap();
    let reason = newer.read_only_reason().unwrap();
    assert!(reason.contains("read-only"), "{reason}");
    assert_eq!(newer.view().read_only, Some(reason));
    assert_eq!(newer.view().visits.len(), 1);
    let err = newer
        .apply(
            &Edit::ArchiveVisit {
                id: visit_id,
                archived: true,
            },
            &ctx("Anne", 9),
        )
        .unwrap_err();
    assert!(matches!(err, CoreError::SchemaTooNew { .. }));
}

#[test]
fn bytes_that_are_not_a_case_file_are_an_error_never_a_panic() {
    let (mut a, _, _, _) = two_devices();
    let bytes = a.save();
    assert!(matches!(
        CaseFile::load(&[], DeviceId::random()),
        Err(CoreError::InvalidDocument { .. })
    ));
    assert!(CaseFile::load(b"hello, world", DeviceId::random()).is_err());
    for cut in [1, 8, bytes.len() / 2, bytes.len() - 1] {
        assert!(
            CaseFile::load(&bytes[..cut], DeviceId::random()).is_err(),
            "truncated at {cut}"
        );
    }
    // Flip one bit at a time across the file: every result is an error or a
    // valid case file, and loading never panics.
    for i in (0..bytes.len()).step_by(7) {
        let mut flipped = bytes.clone();
        flipped[i] ^= 0x10;
        if let Ok(case) = CaseFile::load(&flipped, DeviceId::random()) {
            let _ = case.view();
        }
    }
    let mut plain = AutoCommit::new();
    plain.put(ROOT, "hello", "world").unwrap();
    let err = CaseFile::load(&plain.save(), DeviceId::random()).unwrap_err();
    assert!(matches!(err, CoreError::NotACaseFile { .. }), "{err}");
}

#[test]
fn merging_another_case_file_is_refused() {
    let (mut a, _, _, _) = two_devices();
    let (mut other, _, _, _) = two_devices();
    let heads = a.heads();
    let err = a.merge_bytes(&other.save()).unwrap_err();
    assert!(matches!(err, CoreError::DifferentCaseFiles { .. }), "{err}");
    assert_eq!(a.heads(), heads);
}

#[test]
fn merging_returns_only_the_new_changes() {
    let (mut a, mut b, _, _) = two_devices();
    let change = b
        .apply(&Edit::AddVisit(visit("chez Bruno")), &ctx("Bruno", 6))
        .unwrap();
    let new = a.merge_bytes(&b.save()).unwrap();
    assert_eq!(new, vec![change]);
    assert!(a.merge_bytes(&b.save()).unwrap().is_empty());
}

#[test]
fn a_task_edit_changes_only_the_fields_given_and_is_one_change_in_history() {
    let (mut a, _, task) = two_devices_with_a_task();
    a.apply(&set_due(task, "2026-06-12"), &ctx("Anne", 4)).unwrap();
    let shown = a.view().tasks[0].clone();
    assert_eq!(
        (
            shown.title.as_str(),
            shown.due,
            shown.assignee.as_str(),
            shown.done
        ),
        (
            "Rappeler la CAF",
            Some(Day::parse("2026-06-12").unwrap()),
            "Anne",
            false
        )
    );
    let last = a.history().pop().unwrap();
    assert_eq!(last.label, "task.edit");
    assert_eq!(last.worker.as_deref(), Some("Anne"));
    assert_eq!(last.touched, vec![format!("tasks/{task}/due")]);

    a.apply(
        &edit_task(
            task,
            TaskPatch {
                title: Some("  Rappeler la CPAM ".into()),
                due: Some(None),
                assignee: Some("Bruno".into()),
            },
        ),
        &ctx("Anne", 5),
    )
    .unwrap();
    let shown = &a.view().tasks[0];
    assert_eq!(
        (shown.title.as_str(), shown.due.clone(), shown.assignee.as_str()),
        ("Rappeler la CPAM", None, "Bruno")
    );
}

#[test]
fn a_task_edit_with_a_blank_title_or_an_unknown_task_changes_nothing() {
    let (mut a, _, task) = two_devices_with_a_task();
    let heads = a.heads();
    let before = a.view();
    let blank = edit_task(
        task,
        TaskPatch {
            title: Some("  ".into()),
            due: Some(None),
            ..TaskPatch::default()
        },
    );
    let err = a.apply(&blank, &ctx("Anne", 6)).unwrap_err();
    assert!(
        matches!(&err, CoreError::InvalidValue { field, .. } if field == "title"),
        "{err}"
    );
    assert!(err.to_string().contains("a task needs a title"), "{err}");
    let err = a
        .apply(&set_due(TaskId::random(), "2026-06-12"), &ctx("Anne", 6))
        .unwrap_err();
    assert!(matches!(err, CoreError::NotFound { what: "task", .. }), "{err}");
    assert_eq!(a.heads(), heads);
    assert_eq!(a.view(), before);
}

#[test]
fn concurrent_due_dates_conflict_and_other_task_fields_merge() {
    let (mut a, mut b, task) = two_devices_with_a_task();
    a.apply(&set_due(task, "2026-06-05"), &ctx("Anne", 7)).unwrap();
    b.apply(&set_due(task, "2026-06-09"), &ctx("Bruno", 7)).unwrap();
    b.apply(
        &edit_task(
            task,
            TaskPatch {
                title: Some("Rappeler la CAF avant midi".into()),
                ..TaskPatch::default()
            },
        ),
        &ctx("Bruno", 8),
    )
    .unwrap();
    exchange(&mut a, &mut b);

    assert_eq!(a.view(), b.view());
    assert_eq!(a.view().tasks[0].title, "Rappeler la CAF avant midi");
    let conflicts = a.conflicts();
    assert_eq!(conflicts, b.conflicts());
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(conflicts[0].field, format!("tasks/{task}/due"));
    let mut seen: Vec<(String, Option<String>)> = conflicts[0]
        .values
        .iter()
        .map(|v| (v.value.clone(), v.worker.clone()))
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        vec![
            ("2026-06-05".into(), Some("Anne".into())),
            ("2026-06-09".into(), Some("Bruno".into()))
        ]
    );

    a.apply(
        &Edit::Resolve {
            field: conflicts[0].field.parse().unwrap(),
            value: "2026-06-09".into(),
        },
        &ctx("Anne", 9),
    )
    .unwrap();
    exchange(&mut a, &mut b);
    assert!(b.conflicts().is_empty());
    assert_eq!(b.view().tasks[0].due, Some(Day::parse("2026-06-09").unwrap()));
}

/// An edit at a day of March 2026 and a time (the team's local time is UTC here).
fn march(day: u32, hour: u32, minute: u32) -> EditContext {
    const MARCH_1_2026_MS: i64 = 1_772_323_200_000;
    EditContext {
        worker: "Anne".into(),
        time_ms: MARCH_1_2026_MS + i64::from(((day - 1) * 24 + hour) * 60 + minute) * 60_000,
        local_time: LocalDateTime::parse(&format!("2026-03-{day:02}T{hour:02}:{minute:02}")).unwrap(),
    }
}

#[test]
fn the_case_file_as_of_a_date_holds_what_was_written_by_then() {
    let device = DeviceId::random();
    let (mut case, _) =
        CaseFile::create(CaseId::random(), device, person("Hélène Roux"), &march(2, 9, 0)).unwrap();
    // Every state the case file went through, with the time it began.
    let mut states = vec![(march(2, 9, 0).time_ms, case.view())];
    let first = visit("Dossier RSA à compléter.");
    let (first_id, second) = (first.id, visit("Point sur la CAF."));
    let second_id = second.id;
    let procedure = ProcedureId::random();
    let script = [
        (march(2, 9, 5), Edit::AddVisit(first)),
        (
            march(2, 9, 10),
            Edit::AddProcedure(NewProcedure {
                id: procedure,
                agency: Agency::Caf,
                what: "RSA".into(),
                status: ProcedureStatus::ToDo,
                next_step: String::new(),
                due: None,
            }),
        ),
        (
            march(3, 10, 0),
            Edit::UpdatePerson(crate::edit::PersonPatch {
                commune: Some("Aubusson".into()),
                phone: Some("06 12 34 56 78".into()),
                ..Default::default()
            }),
        ),
        (
            march(5, 14, 0),
            Edit::EditVisit {
                id: first_id,
                patch: VisitPatch {
                    note: Some("Dossier RSA complet, envoyé le 5.".into()),
                    ..VisitPatch::default()
                },
            },
        ),
        (
            march(5, 14, 30),
            set_status(procedure, ProcedureStatus::Submitted),
        ),
        (march(9, 11, 0), Edit::AddVisit(second)),
        (march(12, 16, 45), set_status(procedure, ProcedureStatus::Granted)),
        (
            march(12, 16, 46),
            Edit::ArchiveVisit {
                id: first_id,
                archived: true,
            },
        ),
    ];
    for (ctx, edit) in &script {
        case.apply(edit, ctx).unwrap();
        states.push((ctx.time_ms, case.view()));
    }

    assert_eq!(
        case.as_of(march(2, 8, 59).time_ms).unwrap(),
        None,
        "before it existed"
    );
    let minute = 60_000;
    let checkpoints = [
        march(2, 9, 0).time_ms,
        march(2, 9, 5).time_ms - 1,
        march(2, 9, 5).time_ms,
        march(2, 12, 0).time_ms,
        march(3, 10, 0).time_ms + minute - 1,
        march(5, 14, 10).time_ms,
        march(6, 0, 0).time_ms,
        march(10, 0, 0).time_ms,
        march(12, 16, 45).time_ms + 1,
        march(31, 23, 59).time_ms,
    ];
    for at in checkpoints {
        let expected = &states.iter().rev().find(|(start, _)| *start <= at).unwrap().1;
        let past = case.as_of(at).unwrap().unwrap();
        assert_eq!(&past.case, expected, "as of {at}");
        assert_eq!(past.held_back, 0);
        assert_eq!(
            past.changes,
            states.iter().filter(|(start, _)| *start <= at).count()
        );
    }

    // The same, field by field, as a reader would check it.
    let as_of = |case: &mut CaseFile, day, hour, minute| {
        case.as_of(march(day, hour, minute).time_ms)
            .unwrap()
            .unwrap()
            .case
    };
    let day2 = as_of(&mut case, 2, 18, 0);
    assert_eq!(
        (day2.person.commune.as_str(), day2.person.phone.as_str()),
        ("Felletin", "")
    );
    assert_eq!(day2.visits.len(), 1);
    assert_eq!(day2.visits[0].note, "Dossier RSA à compléter.");
    assert_eq!(day2.procedures[0].status, ProcedureStatus::ToDo);
    let day4 = as_of(&mut case, 4, 0, 0);
    assert_eq!(day4.person.commune, "Aubusson");
    assert_eq!(day4.visits[0].note, "Dossier RSA à compléter.");
    let day5 = as_of(&mut case, 5, 14, 15);
    assert_eq!(day5.visits[0].note, "Dossier RSA complet, envoyé le 5.");
    assert_eq!(day5.procedures[0].status, ProcedureStatus::ToDo);
    let day6 = as_of(&mut case, 6, 0, 0);
    assert_eq!(day6.procedures[0].status, ProcedureStatus::Submitted);
    assert!(
        day6.visits.iter().all(|v| v.id != second_id),
        "a visit added on the 9th shows on the 6th"
    );
    let day10 = as_of(&mut case, 10, 0, 0);
    assert!(day10.visits.iter().any(|v| v.id == second_id));
    assert!(!day10.visits.iter().any(|v| v.archived));

    let future = case.as_of(i64::MAX).unwrap().unwrap();
    assert_eq!(future.case, case.view());
    assert_eq!(
        future.heads,
        case.heads().iter().map(ToString::to_string).collect::<Vec<_>>()
    );
    assert_eq!(future.changes, script.len() + 1);
}

#[test]
fn a_change_stamped_before_a_date_that_builds_on_a_later_one_is_held_back() {
    let (mut a, mut b, visit_id, procedure) = two_devices();
    // Anne submits the procedure at 10:30; her colleague's tablet, whose clock
    // is twenty minutes behind, receives that and then edits the note,
    // stamping it 10:20.
    a.apply(
        &set_status(procedure, ProcedureStatus::Submitted),
        &ctx("Anne", 30),
    )
    .unwrap();
    exchange(&mut a, &mut b);
    let note = Edit::EditVisit {
        id: visit_id,
        patch: VisitPatch {
            note: Some("Dossier RSA envoyé.".into()),
            ..VisitPatch::default()
        },
    };
    b.apply(&note, &ctx("Bruno", 20)).unwrap();
    exchange(&mut a, &mut b);

    let at_25 = a.as_of(ctx("Anne", 25).time_ms).unwrap().unwrap();
    assert_eq!(at_25.held_back, 1);
    assert_eq!(at_25.case.procedures[0].status, ProcedureStatus::InProgress);
    assert_eq!(at_25.case.visits[0].note, "Dossier RSA à compléter.");
    let at_30 = a.as_of(ctx("Anne", 30).time_ms).unwrap().unwrap();
    assert_eq!(at_30.held_back, 0);
    assert_eq!(at_30.case, a.view());
    assert_eq!(at_30.case.visits[0].note, "Dossier RSA envoyé.");
}

#[test]
fn a_case_file_is_archived_and_brought_back_and_older_documents_read_as_not_archived() {
    // A document written before the flag existed has no `archived` key.
    let (mut a, b, _, _) = two_devices();
    assert!(a.doc.get(ROOT, "archived").unwrap().is_none());
    assert!(!a.view().archived);

    let change = a
        .apply(&Edit::ArchiveCase { archived: true }, &ctx("Lea", 5))
        .unwrap();
    assert!(a.view().archived);
    assert_eq!(Edit::ArchiveCase { archived: true }.label(), "case.archive");
    let last = a.history().pop().unwrap();
    assert_eq!(
        (last.label.as_str(), last.worker.as_deref()),
        ("case.archive", Some("Lea"))
    );

    // The flag travels as one change, and nothing else in the file moves.
    let mut b = b;
    b.receive_changes(&change.bytes).unwrap();
    let (seen_by_a, seen_by_b) = (a.view(), b.view());
    assert!(seen_by_b.archived);
    assert_eq!(seen_by_a.visits, seen_by_b.visits);
    assert_eq!(seen_by_a.procedures, seen_by_b.procedures);

    a.apply(&Edit::ArchiveCase { archived: false }, &ctx("Lea", 6))
        .unwrap();
    assert!(!a.view().archived);
}

#[test]
fn creation_time_is_the_first_change_stamp() {
    let (mut a, _, _, _) = two_devices();
    assert_eq!(a.created_ms(), Some(ctx("Anne", 0).time_ms));
    let mut reloaded = CaseFile::load(&a.save(), DeviceId::random()).unwrap();
    assert_eq!(reloaded.created_ms(), Some(ctx("Anne", 0).time_ms));
}

#[test]
fn a_case_file_edited_in_turn_has_no_merged_note() {
    let (mut a, mut b, visit_id, _) = two_devices();
    let edit = |note: &str| Edit::EditVisit {
        id: visit_id,
        patch: VisitPatch {
            note: Some(note.into()),
            ..Default::default()
        },
    };
    a.apply(&edit("Dossier RSA complet."), &ctx("Anne", 10)).unwrap();
    exchange(&mut a, &mut b);
    b.apply(&edit("Dossier RSA complet. Envoyé."), &ctx("Bruno", 11))
        .unwrap();
    exchange(&mut a, &mut b);
    assert!(a.conflicts().is_empty(), "{:?}", a.conflicts());
}

#[test]
fn a_note_edited_again_after_a_merge_by_someone_who_saw_both_is_settled() {
    let (mut a, mut b, visit_id, _) = two_devices();
    let edit = |note: &str| Edit::EditVisit {
        id: visit_id,
        patch: VisitPatch {
            note: Some(note.into()),
            ..Default::default()
        },
    };
    a.apply(&edit("Dossier RSA à compléter. Lundi."), &ctx("Anne", 10))
        .unwrap();
    b.apply(&edit("Urgent : Dossier RSA à compléter."), &ctx("Bruno", 11))
        .unwrap();
    exchange(&mut a, &mut b);
    assert_eq!(a.conflicts().len(), 1);
    a.apply(&edit("Urgent : Dossier RSA à compléter lundi."), &ctx("Anne", 12))
        .unwrap();
    exchange(&mut a, &mut b);
    assert!(a.conflicts().is_empty());
    assert!(b.conflicts().is_empty());
}

#[test]
fn history_tells_each_field_before_and_after_and_a_note_word_by_word() {
    let (mut a, _, visit_id, procedure) = two_devices();
    a.apply(
        &set_status(procedure, ProcedureStatus::Submitted),
        &ctx("Anne", 10),
    )
    .unwrap();
    a.apply(
        &Edit::EditVisit {
            id: visit_id,
            patch: VisitPatch {
                note: Some("Dossier RSA complet, envoyé.".into()),
                ..Default::default()
            },
        },
        &ctx("Anne", 11),
    )
    .unwrap();
    let history = a.history();
    let status = &history[history.len() - 2];
    assert_eq!(status.label, "procedure.set");
    assert_eq!(
        status.fields,
        vec![FieldChange {
            field: format!("procedures/{procedure}/status"),
            before: Some("in_progress".into()),
            after: Some("submitted".into()),
            diff: vec![],
        }]
    );
    let note = &history[history.len() - 1];
    assert_eq!(note.fields.len(), 1, "{:?}", note.fields);
    let diff: Vec<(&str, &str)> = note.fields[0]
        .diff
        .iter()
        .map(|p| (p.op.as_str(), p.text.as_str()))
        .collect();
    assert_eq!(
        diff,
        vec![
            ("same", "Dossier RSA "),
            ("removed", "à compléter."),
            ("added", "complet, envoyé."),
        ]
    );
    // The creation of the visit sets its fields from nothing.
    let added = history.iter().find(|h| h.label == "visit.add").unwrap();
    let place = added
        .fields
        .iter()
        .find(|f| f.field == format!("visits/{visit_id}/place"))
        .unwrap();
    assert_eq!(
        (place.before.as_deref(), place.after.as_deref()),
        (None, Some("domicile"))
    );
}

#[test]
fn history_since_heads_gives_only_the_changes_made_after_them() {
    let (mut a, mut b, _, procedure) = two_devices();
    let seen = a.heads();
    b.apply(
        &set_status(procedure, ProcedureStatus::Granted),
        &ctx("Bruno", 10),
    )
    .unwrap();
    exchange(&mut a, &mut b);
    let since = a.history_since(&seen);
    assert_eq!(since.len(), 1);
    assert_eq!(
        (since[0].label.as_str(), since[0].worker.as_deref()),
        ("procedure.set", Some("Bruno"))
    );
    let now = a.heads();
    assert_eq!(a.history_since(&now), vec![]);
    assert_eq!(a.history_since(&[]).len(), a.history().len());
}

#[test]
fn the_view_after_an_edit_equals_the_view_read_again() {
    let (mut a, _, visit_id, procedure) = two_devices();
    let task = TaskId::random();
    let early = NewVisit {
        at: LocalDateTime::parse("2026-01-02T08:00").unwrap(),
        ..visit("plus ancienne")
    };
    let edits = vec![
        Edit::AddVisit(visit("Deuxième passage.")),
        Edit::AddVisit(early),
        Edit::EditVisit {
            id: visit_id,
            patch: VisitPatch {
                at: Some(LocalDateTime::parse("2026-06-01T14:00").unwrap()),
                note: Some("Dossier RSA complet.".into()),
                ..VisitPatch::default()
            },
        },
        Edit::ArchiveVisit {
            id: visit_id,
            archived: true,
        },
        Edit::ReviewVisit { id: visit_id },
        Edit::UpdatePerson(crate::PersonPatch {
            commune: Some("Aubusson".into()),
            situation: Some("Hébergée chez sa sœur.".into()),
            ..Default::default()
        }),
        Edit::RecordConsent(crate::ConsentRecord {
            given: true,
            date: Day::parse("2026-05-28").unwrap(),
            scope: "partage avec la CAF".into(),
        }),
        Edit::AddProcedure(NewProcedure {
            id: ProcedureId::random(),
            agency: Agency::Cpam,
            what: "CSS".into(),
            status: ProcedureStatus::ToDo,
            next_step: String::new(),
            due: None,
        }),
        Edit::EditProcedure {
            id: procedure,
            patch: ProcedurePatch {
                status: Some(ProcedureStatus::Granted),
                ..ProcedurePatch::default()
            },
        },
        Edit::AddTask(NewTask {
            id: task,
            title: "rappeler".into(),
            due: Some(Day::parse("2026-06-03").unwrap()),
            assignee: "Anne".into(),
        }),
        Edit::SetTaskDone { id: task, done: true },
        Edit::EditTask {
            id: task,
            patch: TaskPatch {
                due: Some(None),
                ..TaskPatch::default()
            },
        },
        Edit::AddComment {
            id: CommentId::random(),
            text: "vu avec la cheffe".into(),
        },
        Edit::ArchiveCase { archived: true },
        Edit::Resolve {
            field: "person/commune".parse().unwrap(),
            value: "Felletin".into(),
        },
    ];
    let mut view = a.view();
    for (minute, edit) in (10..).zip(&edits) {
        a.apply(edit, &ctx("Anne", minute)).unwrap();
        view = a.view_after(view, edit);
        assert_eq!(view, a.view(), "after {}", edit.label());
    }
}

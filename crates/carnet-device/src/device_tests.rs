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

use super::*;
use crate::{OutboxUpdate, SyncRecord};
use carnet_core::{
    Agency, Edit, EditContext, LocalDateTime, NewPerson, NewProcedure, NewTask, NewVisit, ProcedurePatch,
    ProcedureStatus, VisitKind, VisitPatch,
};

const PASS: &str = "correct horse";

fn ctx(worker: &str) -> EditContext {
    EditContext {
        worker: worker.into(),
        time_ms: 1_780_000_000_000,
        local_time: LocalDateTime::parse("2026-05-28T10:00").unwrap(),
    }
}

fn new_store(dir: &Path, worker: &str) -> Store {
    let identity = DeviceIdentity {
        device_id: DeviceId::random(),
        worker: worker.into(),
        device_name: "tablette".into(),
    };
    Store::create(dir, PASS, KdfParams::INSECURE_FOR_TESTS, identity).unwrap()
}

fn add_person(store: &mut Store, name: &str, commune: &str) -> StoredCase {
    let person = NewPerson {
        name: name.into(),
        commune: commune.into(),
        ..NewPerson::default()
    };
    let (file, _) = CaseFile::create(CaseId::random(), store.writer(), person, &ctx("Anne")).unwrap();
    store.insert_case(file).unwrap()
}

fn edit(store: &mut Store, case: &mut StoredCase, edit: Edit) {
    let change = case
        .file
        .apply(&edit, &ctx(&store.identity().worker.clone()))
        .unwrap();
    store.save_changes(case, &[change]).unwrap();
}

fn visit(at: &str, note: &str) -> Edit {
    Edit::AddVisit(NewVisit {
        id: VisitId::random(),
        at: LocalDateTime::parse(at).unwrap(),
        place: "domicile".into(),
        kind: VisitKind::Home,
        present: vec![],
        topics: vec![],
        duration_min: Some(30),
        note: note.into(),
    })
}

#[test]
fn a_wrong_passphrase_is_a_clear_error_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = new_store(dir.path(), "Anne");
    add_person(&mut store, "Hélène Roux", "Felletin");
    drop(store);
    let before: Vec<(PathBuf, Vec<u8>)> = files(dir.path());
    let err = Store::open(dir.path(), "wrong").unwrap_err();
    assert!(matches!(err, StoreError::WrongPassphrase), "{err}");
    assert_eq!(err.kind(), "wrong_passphrase");
    assert_eq!(files(dir.path()), before);
    let store = Store::open(dir.path(), PASS).unwrap();
    assert_eq!(store.caseload(&CaseloadFilter::default()).unwrap().len(), 1);
}

fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| (p.clone(), fs::read(&p).unwrap()))
        .collect();
    out.sort();
    out
}

#[test]
fn the_database_file_is_not_plain_sqlite_and_holds_no_clear_text() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = new_store(dir.path(), "Anne");
    let mut case = add_person(&mut store, "Zéphyrine Marchetti", "Aubusson");
    edit(
        &mut store,
        &mut case,
        visit("2026-05-01T10:00", "UNIQUE-MARKER-7731 dossier APL"),
    );
    drop(store);
    for (path, bytes) in files(dir.path()) {
        assert!(!bytes.starts_with(b"SQLite format 3"), "{path:?} is plain SQLite");
        let needle = b"UNIQUE-MARKER-7731";
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle),
            "{path:?} holds a note in clear"
        );
        assert!(
            !bytes
                .windows(10)
                .any(|w| w == b"Marchetti\0" || w == b"Marchetti\""),
            "{path:?}"
        );
    }
    // And plain SQLite cannot read it.
    let plain = Connection::open(dir.path().join("carnet.db")).unwrap();
    assert!(
        plain
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0))
            .is_err()
    );
}

#[test]
fn creating_twice_or_opening_nothing_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let err = Store::open(dir.path(), PASS).unwrap_err();
    assert!(matches!(err, StoreError::NotInitialised { .. }), "{err}");
    new_store(dir.path(), "Anne");
    let identity = DeviceIdentity {
        device_id: DeviceId::random(),
        worker: "B".into(),
        device_name: "b".into(),
    };
    let err = Store::create(dir.path(), PASS, KdfParams::INSECURE_FOR_TESTS, identity).unwrap_err();
    assert!(matches!(err, StoreError::AlreadyInitialised { .. }), "{err}");
}

#[test]
fn saved_edits_survive_reopening_and_compaction_never_loses_a_change() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = new_store(dir.path(), "Anne");
    let mut case = add_person(&mut store, "Jean Morel", "Gentioux");
    let id = case.file.id();
    let mut saw_compaction = false;
    for i in 0..150 {
        edit(
            &mut store,
            &mut case,
            visit("2026-05-01T10:00", &format!("visite {i}")),
        );
        let parts = store.stored_parts(id).unwrap();
        if parts.changes == 0 {
            saw_compaction = true;
        }
        assert!(parts.changes < COMPACT_AFTER_CHANGES);
    }
    assert!(saw_compaction);
    let expected = case.file.change_hashes();
    assert_eq!(expected.len(), 151);
    store.compact(id).unwrap();
    drop(store);
    let store = Store::open(dir.path(), PASS).unwrap();
    let mut reloaded = store.load(id).unwrap();
    assert_eq!(reloaded.file.change_hashes(), expected);
    assert_eq!(reloaded.file.view(), case.file.view());
    assert_eq!(store.stored_parts(id).unwrap().changes, 0);
}

#[test]
fn two_writers_on_one_notebook_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut first = new_store(dir.path(), "Anne");
    let mut case = add_person(&mut first, "Jean Morel", "Gentioux");
    let mut second = Store::open(dir.path(), PASS).unwrap();
    let mut other = second.load(case.file.id()).unwrap();
    edit(
        &mut first,
        &mut case,
        visit("2026-05-01T10:00", "écrit par le premier"),
    );
    edit(
        &mut second,
        &mut other,
        visit("2026-05-02T10:00", "écrit par le second"),
    );
    let notes: Vec<String> = first
        .load(case.file.id())
        .unwrap()
        .file
        .view()
        .visits
        .into_iter()
        .map(|v| v.note)
        .collect();
    assert_eq!(notes, vec!["écrit par le premier", "écrit par le second"]);
    assert_eq!(other.file.view().visits.len(), 2);
}

#[test]
fn search_ignores_accents_and_case_and_finds_notes() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = new_store(dir.path(), "Anne");
    let mut helene = add_person(&mut store, "Hélène Roux", "Felletin");
    add_person(&mut store, "Jérôme Bâtard", "Sainte-Feyre");
    add_person(&mut store, "Paul Martin", "Guéret");
    edit(
        &mut store,
        &mut helene,
        visit("2026-05-01T10:00", "Demande de complémentaire santé solidaire."),
    );
    let names = |q: &str| {
        store
            .search(q, 20)
            .unwrap()
            .into_iter()
            .map(|s| s.name)
            .collect::<Vec<_>>()
    };
    assert_eq!(names("Helene"), vec!["Hélène Roux"]);
    assert_eq!(names("hélène"), vec!["Hélène Roux"]);
    assert_eq!(names("HEL"), vec!["Hélène Roux"]);
    assert_eq!(names("jerome batard"), vec!["Jérôme Bâtard"]);
    assert_eq!(names("complementaire"), vec!["Hélène Roux"]);
    assert_eq!(names("gueret"), vec!["Paul Martin"]);
    assert!(names("\"NEAR(").is_empty());
    assert!(names("").is_empty());
}

#[test]
fn the_caseload_is_sorted_by_last_visit_and_filters() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = new_store(dir.path(), "Anne");
    let mut a = add_person(&mut store, "Alice Durand", "Felletin");
    let mut b = add_person(&mut store, "Bernard Petit", "Sainte-Feyre");
    add_person(&mut store, "Chloé Faure", "Felletin");
    edit(&mut store, &mut a, visit("2026-04-01T10:00", "a"));
    edit(&mut store, &mut b, visit("2026-05-01T10:00", "b"));
    let procedure = ProcedureId::random();
    edit(
        &mut store,
        &mut b,
        Edit::AddProcedure(NewProcedure {
            id: procedure,
            agency: Agency::Msa,
            what: "prime d'activité".into(),
            status: ProcedureStatus::ToDo,
            next_step: String::new(),
            due: None,
        }),
    );
    let task = TaskId::random();
    edit(
        &mut store,
        &mut a,
        Edit::AddTask(NewTask {
            id: task,
            title: "Rappeler".into(),
            due: Some(Day::parse("2026-06-03").unwrap()),
            assignee: "Anne".into(),
        }),
    );
    let names = |store: &Store, f: CaseloadFilter| {
        store
            .caseload(&f)
            .unwrap()
            .into_iter()
            .map(|s| s.name)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(&store, CaseloadFilter::default()),
        vec!["Bernard Petit", "Alice Durand", "Chloé Faure"]
    );
    assert_eq!(
        names(
            &store,
            CaseloadFilter {
                commune: Some("FELLETIN".into()),
                ..Default::default()
            }
        ),
        vec!["Alice Durand", "Chloé Faure"]
    );
    assert_eq!(
        names(
            &store,
            CaseloadFilter {
                commune: Some("sainte-feyre".into()),
                ..Default::default()
            }
        ),
        vec!["Bernard Petit"]
    );
    assert_eq!(
        names(
            &store,
            CaseloadFilter {
                open_procedures: true,
                ..Default::default()
            }
        ),
        vec!["Bernard Petit"]
    );
    assert_eq!(
        names(
            &store,
            CaseloadFilter {
                task_due_by: Some(Day::parse("2026-06-07").unwrap()),
                ..Default::default()
            }
        ),
        vec!["Alice Durand"]
    );
    assert_eq!(
        names(
            &store,
            CaseloadFilter {
                limit: Some(1),
                offset: 1,
                ..Default::default()
            }
        ),
        vec!["Alice Durand"]
    );

    // An archived case file leaves the default list and its count, stays in
    // the list when asked for and in search, flagged, and the flag survives
    // a reindex.
    edit(&mut store, &mut b, Edit::ArchiveCase { archived: true });
    let everyone = CaseloadFilter {
        include_archived: true,
        ..Default::default()
    };
    assert_eq!(
        names(&store, CaseloadFilter::default()),
        vec!["Alice Durand", "Chloé Faure"]
    );
    assert_eq!(store.caseload_count(&CaseloadFilter::default()).unwrap(), 2);
    assert_eq!(
        names(&store, everyone.clone()),
        vec!["Bernard Petit", "Alice Durand", "Chloé Faure"]
    );
    let flagged = |store: &Store| -> Vec<bool> {
        store
            .caseload(&everyone)
            .unwrap()
            .iter()
            .map(|s| s.archived)
            .collect()
    };
    assert_eq!(flagged(&store), [true, false, false]);
    let found = store.search("bernard", 5).unwrap();
    assert_eq!((found.len(), found[0].archived), (1, true));
    store.reindex().unwrap();
    assert_eq!(flagged(&store), [true, false, false]);
    edit(&mut store, &mut b, Edit::ArchiveCase { archived: false });
    assert_eq!(names(&store, CaseloadFilter::default()).len(), 3);

    let due = store.tasks_due(&Day::parse("2026-06-07").unwrap()).unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!((due[0].task_id, due[0].name.as_str()), (task, "Alice Durand"));
    assert!(
        store
            .tasks_due(&Day::parse("2026-06-02").unwrap())
            .unwrap()
            .is_empty()
    );
    edit(&mut store, &mut a, Edit::SetTaskDone { id: task, done: true });
    assert!(
        store
            .tasks_due(&Day::parse("2026-06-07").unwrap())
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store.find_procedure(&procedure.to_string()[..8]).unwrap(),
        (b.file.id(), procedure)
    );
    edit(
        &mut store,
        &mut b,
        Edit::EditProcedure {
            id: procedure,
            patch: ProcedurePatch {
                status: Some(ProcedureStatus::Granted),
                ..Default::default()
            },
        },
    );
    assert!(
        names(
            &store,
            CaseloadFilter {
                open_procedures: true,
                ..Default::default()
            }
        )
        .is_empty()
    );
}

#[test]
fn conflicts_reach_the_index_after_a_merge() {
    let dir_a = tempfile::tempdir().unwrap();
    let dir_b = tempfile::tempdir().unwrap();
    let mut a = new_store(dir_a.path(), "Anne");
    let mut b = new_store(dir_b.path(), "Bruno");
    let mut case_a = add_person(&mut a, "Hélène Roux", "Felletin");
    let mut copy = CaseFile::load(&a.document_bytes(case_a.file.id()).unwrap(), b.writer()).unwrap();
    copy.apply(
        &Edit::UpdatePerson(carnet_core::PersonPatch {
            commune: Some("Aubusson".into()),
            ..Default::default()
        }),
        &ctx("Bruno"),
    )
    .unwrap();
    let mut case_b = b.insert_case(copy).unwrap();
    edit(
        &mut a,
        &mut case_a,
        Edit::UpdatePerson(carnet_core::PersonPatch {
            commune: Some("Vallière".into()),
            ..Default::default()
        }),
    );
    let theirs = b.document_bytes(case_b.file.id()).unwrap();
    let changes = case_a.file.merge_bytes(&theirs).unwrap();
    a.save_changes(&mut case_a, &changes).unwrap();
    let conflicts = a.conflicts().unwrap();
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].field, "person/commune");
    assert_eq!(conflicts[0].values, 2);
    assert_eq!(
        a.caseload(&CaseloadFilter {
            conflicts: true,
            ..Default::default()
        })
        .unwrap()
        .len(),
        1
    );
    let _ = &mut case_b;
}

#[test]
fn a_corrupt_document_is_reported_and_the_others_still_load() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = new_store(dir.path(), "Anne");
    let good = add_person(&mut store, "Alice Durand", "Felletin");
    let bad = add_person(&mut store, "Bernard Petit", "Felletin");
    store
        .conn
        .execute(
            "UPDATE documents SET snapshot = X'856f4a83deadbeef' WHERE case_id = ?1",
            [bad.file.id().to_string()],
        )
        .unwrap();
    let report = store.reindex().unwrap();
    assert_eq!(report.indexed, 1);
    assert_eq!(report.broken.len(), 1);
    assert_eq!(report.broken[0].id, bad.file.id().to_string());
    let err = store.load(bad.file.id()).unwrap_err();
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");
    assert!(err.to_string().contains("other case files are not affected"));
    assert_eq!(store.broken().unwrap().len(), 1);
    assert!(store.load(good.file.id()).is_ok());
    let names: Vec<String> = store
        .caseload(&CaseloadFilter::default())
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(names, vec!["Alice Durand"]);
}

#[test]
fn reindex_rebuilds_the_same_index() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = new_store(dir.path(), "Anne");
    for (i, name) in ["Alice Durand", "Bernard Petit", "Chloé Faure"]
        .iter()
        .enumerate()
    {
        let mut case = add_person(&mut store, name, "Felletin");
        edit(
            &mut store,
            &mut case,
            visit(&format!("2026-05-0{}T10:00", i + 1), "note"),
        );
    }
    let before = store.caseload(&CaseloadFilter::default()).unwrap();
    store.conn.execute("DELETE FROM caseload", []).unwrap();
    store
        .conn
        .execute_batch("INSERT INTO search (search) VALUES ('delete-all'); DELETE FROM search_rows;")
        .unwrap();
    assert!(store.search("alice", 5).unwrap().is_empty());
    assert!(store.caseload(&CaseloadFilter::default()).unwrap().is_empty());
    let report = store.reindex().unwrap();
    assert_eq!(report.indexed, 3);
    assert_eq!(store.caseload(&CaseloadFilter::default()).unwrap(), before);
    assert_eq!(store.search("alice", 5).unwrap().len(), 1);
}

#[test]
fn ids_are_found_by_prefix() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = new_store(dir.path(), "Anne");
    let mut case = add_person(&mut store, "Alice Durand", "Felletin");
    let id = case.file.id();
    assert_eq!(store.find_case(&id.to_string()[..6]).unwrap(), id);
    assert_eq!(store.find_case(&id.to_string().to_uppercase()).unwrap(), id);
    assert!(matches!(
        store.find_case("abc").unwrap_err(),
        StoreError::CaseNotFound { .. }
    ));
    assert!(matches!(
        store.find_case("zzzzzz").unwrap_err(),
        StoreError::CaseNotFound { .. }
    ));
    edit(&mut store, &mut case, visit("2026-05-01T10:00", "x"));
    let visit_id = case.file.view().visits[0].id;
    assert_eq!(store.find_visit(&visit_id.to_string()).unwrap(), (id, visit_id));
    let err = store.find_visit(&CaseId::random().to_string()).unwrap_err();
    assert_eq!(err.kind(), "not_found");
    let _ = VisitPatch::default();
}

#[test]
fn review_points_keep_each_case_files_heads_and_find_what_changed_since() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = new_store(dir.path(), "Léa");
    let mut roux = add_person(&mut store, "Hélène Roux", "Felletin");
    let mut petit = add_person(&mut store, "Marc Petit", "Aubusson");
    assert_eq!(store.review_point().unwrap(), None);
    let mut all = store.cases_to_review().unwrap();
    all.sort();
    let mut expected = vec![roux.file.id(), petit.file.id()];
    expected.sort();
    assert_eq!(all, expected, "before the first review, every case file");

    let at = store.clock_ms();
    let heads = vec![
        (roux.file.id(), roux.file.heads()),
        (petit.file.id(), petit.file.heads()),
    ];
    // Written a moment after it was read: nothing was written in between.
    std::thread::sleep(std::time::Duration::from_millis(5));
    store.mark_review_point(&heads, at + 1, at + 1).unwrap();
    assert_eq!(store.review_point().unwrap(), Some(at + 1));
    assert_eq!(
        store.reviewed_heads(roux.file.id()).unwrap(),
        Some(roux.file.heads())
    );
    assert_eq!(store.cases_to_review().unwrap(), vec![]);

    edit(&mut store, &mut roux, visit("2026-05-28T09:00", "Dossier CAF."));
    let mut third = add_person(&mut store, "Jeanne Bost", "Felletin");
    let mut changed = store.cases_to_review().unwrap();
    changed.sort();
    let mut expected = vec![roux.file.id(), third.file.id()];
    expected.sort();
    assert_eq!(changed, expected);

    // Marking only what was shown leaves the rest to review, whatever the time.
    std::thread::sleep(std::time::Duration::from_millis(5));
    let now = store.clock_ms();
    store
        .mark_review_point(&[(third.file.id(), third.file.heads())], now, now)
        .unwrap();
    assert_eq!(store.cases_to_review().unwrap(), vec![roux.file.id()]);
    assert_eq!(
        store.reviewed_heads(petit.file.id()).unwrap(),
        Some(petit.file.heads()),
        "the heads of a case file left out are kept"
    );
}

/// Every index row of a case file, as text, `caseload.row` left out (a
/// rebuild numbers rows anew).
fn index_rows(store: &Store, id: CaseId) -> Vec<String> {
    let key = id.to_string();
    // Merging the full-text index's segments drops the words of deleted rows.
    store
        .conn
        .execute_batch(
            "INSERT INTO search (search) VALUES ('optimize');
             CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_terms USING fts5vocab(main, search, instance);",
        )
        .unwrap();
    let mut rows = Vec::new();
    for sql in [
        "SELECT name, sort_key, commune, commune_key, last_visit, visits, open_procedures, next_task_due,
                conflicts, read_only, archived FROM caseload WHERE case_id = ?1",
        // The full-text rows by the visit each holds (NULL: the case file's
        // own), each with its words, their columns and positions.
        "SELECT r.visit_id, group_concat(t.term || ':' || t.col || ':' || t.offset, ' '
                                         ORDER BY t.col, t.offset)
         FROM search_rows r JOIN temp.search_terms t ON t.doc = r.row
         WHERE r.row >> 20 = (SELECT row FROM caseload WHERE case_id = ?1)
         GROUP BY r.row ORDER BY r.visit_id",
        "SELECT visit_id, at, worker, archived FROM visit_index WHERE case_id = ?1 ORDER BY visit_id",
        "SELECT procedure_id, agency, what, status, due FROM procedure_index WHERE case_id = ?1
         ORDER BY procedure_id",
        "SELECT task_id, title, due, done, assignee FROM task_index WHERE case_id = ?1 ORDER BY task_id",
        "SELECT field, shown, values_count FROM conflict_index WHERE case_id = ?1 ORDER BY field",
    ] {
        let mut stmt = store.conn.prepare(sql).unwrap();
        let count = stmt.column_count();
        let found = stmt
            .query_map([&key], |r| {
                (0..count)
                    .map(|i| r.get::<_, rusqlite::types::Value>(i).map(|v| format!("{v:?}")))
                    .collect::<Result<Vec<_>, _>>()
            })
            .unwrap()
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        rows.push(format!("{sql}: {found:?}"));
    }
    rows
}

#[test]
fn a_case_file_received_whole_is_stored_as_received_and_indexed() {
    let dir_a = tempfile::tempdir().unwrap();
    let dir_b = tempfile::tempdir().unwrap();
    let mut a = new_store(dir_a.path(), "Anne");
    let mut b = new_store(dir_b.path(), "Bruno");
    let mut case = add_person(&mut a, "Hélène Roux", "Felletin");
    edit(&mut a, &mut case, visit("2026-05-02T10:00", "logement insalubre"));
    edit(
        &mut a,
        &mut case,
        Edit::AddTask(NewTask {
            id: carnet_core::TaskId::random(),
            title: "rappeler la CAF".into(),
            due: Some(Day::parse("2026-06-01").unwrap()),
            assignee: "Anne".into(),
        }),
    );
    let id = case.file.id();
    // As a device that sends a case file whole: its snapshot followed by
    // the changes made since, as stored.
    let mut sent = a
        .conn
        .query_row(
            "SELECT snapshot FROM documents WHERE case_id = ?1",
            [id.to_string()],
            |r| r.get::<_, Vec<u8>>(0),
        )
        .unwrap();
    let mut stmt = a
        .conn
        .prepare("SELECT bytes FROM changes WHERE case_id = ?1 ORDER BY seq")
        .unwrap();
    for change in stmt
        .query_map([id.to_string()], |r| r.get::<_, Vec<u8>>(0))
        .unwrap()
    {
        sent.extend(change.unwrap());
    }
    drop(stmt);
    assert_eq!(b.receive(&[(id, &sent)]).unwrap(), vec![Received::Applied]);
    let stored: Vec<u8> = b
        .conn
        .query_row(
            "SELECT snapshot FROM documents WHERE case_id = ?1",
            [id.to_string()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored, sent, "the bytes are kept as received, not saved again");
    let mut received = b.load(id).unwrap();
    assert_eq!(received.file.heads(), case.file.heads());
    assert_eq!(received.file.view(), case.file.view());
    // The index is the one a rebuild gives, and the one the sender has.
    let indexed = index_rows(&b, id);
    b.reindex().unwrap();
    assert_eq!(index_rows(&b, id), indexed);
    assert_eq!(index_rows(&a, id), indexed);
    assert_eq!(b.search("insalubre", 5).unwrap().len(), 1);
    assert_eq!(b.tasks_due(&Day::parse("2026-06-30").unwrap()).unwrap().len(), 1);
}

#[test]
fn received_content_is_applied_in_one_transaction() {
    let dir_a = tempfile::tempdir().unwrap();
    let dir_b = tempfile::tempdir().unwrap();
    let mut a = new_store(dir_a.path(), "Anne");
    let mut b = new_store(dir_b.path(), "Bruno");
    let first = add_person(&mut a, "Alice Durand", "Felletin");
    let second = add_person(&mut a, "Bernard Petit", "Aubusson");
    let broken = add_person(&mut b, "Chloé Faure", "Felletin");
    b.conn
        .execute(
            "UPDATE documents SET snapshot = X'856f4a83deadbeef' WHERE case_id = ?1",
            [broken.file.id().to_string()],
        )
        .unwrap();
    let bytes = |store: &Store, id: CaseId| store.document_bytes(id).unwrap();
    let (one, two) = (bytes(&a, first.file.id()), bytes(&a, second.file.id()));
    let more = visit("2026-05-02T10:00", "note");
    let mut copy = CaseFile::load(&one, a.writer()).unwrap();
    let change = copy.apply(&more, &ctx("Anne")).unwrap();
    // A batch that meets a case file it cannot read writes nothing at all.
    let err = b
        .receive(&[(first.file.id(), &one), (broken.file.id(), &change.bytes)])
        .unwrap_err();
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");
    assert!(!b.contains(first.file.id()).unwrap(), "the batch was rolled back");
    // Otherwise every item is applied, a refused one changing nothing, and
    // changes of a case file created earlier in the same batch find it.
    let outcomes = b
        .receive(&[
            (first.file.id(), one.as_slice()),
            (second.file.id(), &one),
            (second.file.id(), &two),
            (first.file.id(), &change.bytes),
        ])
        .unwrap();
    assert_eq!(outcomes[0], Received::Applied);
    assert!(matches!(outcomes[1], Received::Refused(_)), "{outcomes:?}");
    assert_eq!(outcomes[2..], [Received::Applied, Received::Applied]);
    assert_eq!(b.load(first.file.id()).unwrap().file.view(), copy.view());
    assert_eq!(b.caseload(&CaseloadFilter::default()).unwrap().len(), 3);
}

#[test]
fn the_outbox_is_written_row_by_row() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = new_store(dir.path(), "Anne");
    let sealed: Vec<(String, Vec<u8>)> = (0..300)
        .map(|i| (format!("entry-{i}"), vec![i as u8; 4_000]))
        .collect();
    let record = SyncRecord {
        engine: vec![1, 2, 3],
        ..SyncRecord::default()
    };
    store
        .save_sync_record(
            &record,
            OutboxUpdate {
                sealed: &sealed,
                ..OutboxUpdate::default()
            },
        )
        .unwrap();
    assert_eq!(store.pending_counts().unwrap(), (300, 0));
    // Acknowledging 200 entries writes the state row and deletes 200 rows:
    // the 100 entries still waiting are not written again.
    let acked: Vec<String> = sealed[..200].iter().map(|(id, _)| id.clone()).collect();
    let before = store.conn.total_changes();
    store
        .save_sync_record(
            &record,
            OutboxUpdate {
                acked: &acked,
                ..OutboxUpdate::default()
            },
        )
        .unwrap();
    assert_eq!(store.conn.total_changes() - before, 1 + 200);
    let left = store.outbox().unwrap();
    assert_eq!(left.len(), 100);
    assert_eq!(left[0], sealed[200].1, "oldest first");
    assert_eq!(store.sync_record().unwrap().engine, vec![1, 2, 3]);
}

#[test]
fn an_edit_writes_only_the_index_rows_it_changes_and_they_match_a_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = new_store(dir.path(), "Anne");
    let mut case = add_person(&mut store, "Hélène Roux", "Felletin");
    for day in 1..=30 {
        edit(
            &mut store,
            &mut case,
            visit(&format!("2026-04-{day:02}T10:00"), "passage"),
        );
    }
    let id = case.file.id();
    let first = VisitId::random();
    let (procedure, task) = (ProcedureId::random(), TaskId::random());
    let edits = vec![
        Edit::AddVisit(NewVisit {
            id: first,
            ..match visit("2026-05-02T10:00", "logement insalubre") {
                Edit::AddVisit(v) => v,
                _ => unreachable!(),
            }
        }),
        visit("2026-01-05T10:00", "une visite plus ancienne"),
        Edit::EditVisit {
            id: first,
            patch: VisitPatch {
                note: Some("logement réparé".into()),
                ..VisitPatch::default()
            },
        },
        Edit::ArchiveVisit {
            id: first,
            archived: true,
        },
        Edit::AddProcedure(NewProcedure {
            id: procedure,
            agency: Agency::Caf,
            what: "RSA".into(),
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
            title: "rappeler la CAF".into(),
            due: Some(Day::parse("2026-06-01").unwrap()),
            assignee: "Anne".into(),
        }),
        Edit::SetTaskDone { id: task, done: true },
        Edit::UpdatePerson(carnet_core::PersonPatch {
            name: Some("Hélène Roux-Martin".into()),
            ..Default::default()
        }),
        Edit::ArchiveCase { archived: true },
    ];
    for one in &edits {
        let change = case.file.apply(one, &ctx("Anne")).unwrap();
        let before = store.conn.total_changes();
        let view = store.save_edit(&mut case, change, one).unwrap();
        let written = store.conn.total_changes() - before;
        assert_eq!(view, case.file.view(), "{}", one.label());
        // The document row and the change, then at most one item row
        // (deleted and written again), the caseload row and the full-text row
        // (which FTS5 writes as a dozen rows of its own tables at most); a
        // full projection writes each of the 30 visit rows twice besides.
        assert!(written <= 20, "{} wrote {written} rows", one.label());
        let rows = index_rows(&store, id);
        store.reindex().unwrap();
        assert_eq!(index_rows(&store, id), rows, "after {}", one.label());
    }
    assert_eq!(store.search("roux martin", 5).unwrap().len(), 1);
    assert!(
        store.search("insalubre", 5).unwrap().is_empty(),
        "its visit is archived"
    );
}

#[test]
fn a_search_finds_a_case_file_whose_words_are_in_different_visits() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = new_store(dir.path(), "Anne");
    let mut roux = add_person(&mut store, "Hélène Roux", "Felletin");
    let mut petit = add_person(&mut store, "Bernard Petit", "Aubusson");
    let mut faure = add_person(&mut store, "Chloé Faure", "Felletin");
    edit(
        &mut store,
        &mut roux,
        visit("2026-05-01T10:00", "Chauffage en panne."),
    );
    edit(
        &mut store,
        &mut roux,
        visit("2026-05-08T10:00", "Rendez-vous chez le dentiste."),
    );
    edit(
        &mut store,
        &mut petit,
        visit("2026-05-02T10:00", "Chauffage réparé."),
    );
    edit(
        &mut store,
        &mut faure,
        visit("2026-05-03T10:00", "Dentiste lundi."),
    );
    edit(
        &mut store,
        &mut faure,
        visit("2026-05-04T10:00", "Dentiste encore, chauffe-eau."),
    );
    let names = |store: &Store, q: &str| {
        store
            .search(q, 20)
            .unwrap()
            .into_iter()
            .map(|s| s.name)
            .collect::<Vec<_>>()
    };
    // Each word in another visit of the same case file: found, once.
    assert_eq!(names(&store, "chauffage dentiste"), ["Hélène Roux"]);
    assert_eq!(names(&store, "DENT chauff"), ["Chloé Faure", "Hélène Roux"]);
    // A word of the case file's own fields and one of a visit.
    assert_eq!(names(&store, "felletin chauffage"), ["Hélène Roux"]);
    assert_eq!(names(&store, "aubusson dentiste"), Vec::<String>::new());
    // One word missing from every row of a case file: not found.
    assert_eq!(names(&store, "chauffage lundi"), Vec::<String>::new());
    // Each case file once, whatever the number of its rows that match; a
    // name weighs more than a note.
    assert_eq!(names(&store, "dentiste"), ["Chloé Faure", "Hélène Roux"]);
    edit(
        &mut store,
        &mut petit,
        Edit::UpdatePerson(carnet_core::PersonPatch {
            name: Some("Bernard Dentiste".into()),
            ..Default::default()
        }),
    );
    assert_eq!(
        names(&store, "dentiste"),
        ["Bernard Dentiste", "Chloé Faure", "Hélène Roux"]
    );
    assert_eq!(store.search("dentiste", 1).unwrap().len(), 1, "the limit holds");
    // An archived visit's note is not searched any more, and is again once back.
    let dentist_visit = roux.file.view().visits[1].id;
    edit(
        &mut store,
        &mut roux,
        Edit::ArchiveVisit {
            id: dentist_visit,
            archived: true,
        },
    );
    assert_eq!(names(&store, "chauffage dentiste"), ["Bernard Dentiste"]);
    edit(
        &mut store,
        &mut roux,
        Edit::ArchiveVisit {
            id: dentist_visit,
            archived: false,
        },
    );
    assert_eq!(
        names(&store, "chauffage dentiste"),
        ["Bernard Dentiste", "Hélène Roux"]
    );
    // A note edited: its old words go, its new ones come.
    edit(
        &mut store,
        &mut roux,
        Edit::EditVisit {
            id: dentist_visit,
            patch: VisitPatch {
                note: Some("Rendez-vous chez l'ophtalmologiste.".into()),
                ..VisitPatch::default()
            },
        },
    );
    assert_eq!(names(&store, "chauffage dentiste"), ["Bernard Dentiste"]);
    assert_eq!(names(&store, "chauffage ophtalmo"), ["Hélène Roux"]);
    // The same after a rebuild.
    store.reindex().unwrap();
    assert_eq!(names(&store, "chauffage ophtalmo"), ["Hélène Roux"]);
    assert_eq!(names(&store, "DENT chauff"), ["Bernard Dentiste", "Chloé Faure"]);
}

#[test]
fn a_notebook_from_before_the_rows_per_visit_gets_its_full_text_rows_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = new_store(dir.path(), "Anne");
    let mut roux = add_person(&mut store, "Hélène Roux", "Felletin");
    edit(
        &mut store,
        &mut roux,
        visit("2026-05-01T10:00", "Chauffage en panne."),
    );
    edit(
        &mut store,
        &mut roux,
        visit("2026-05-08T10:00", "Rendez-vous chez le dentiste."),
    );
    add_person(&mut store, "Bernard Petit", "Aubusson");
    let id = roux.file.id();
    let rows = index_rows(&store, id);
    // Back to the full-text table of migration 6, one row per case file.
    store
        .conn
        .execute_batch(
            "DROP TABLE search; DROP TABLE search_rows; DROP TABLE search_rebuild;
             DROP TABLE temp.search_terms; DROP TABLE unchecked;
             CREATE VIRTUAL TABLE search USING fts5 (case_id UNINDEXED, name, commune, notes,
                                                    tokenize = 'unicode61 remove_diacritics 2');
             INSERT INTO search (rowid, case_id, name, commune, notes)
                 SELECT row, case_id, name, commune, 'chauffage dentiste' FROM caseload;
             PRAGMA user_version = 6;",
        )
        .unwrap();
    drop(store);
    let store = Store::open(dir.path(), PASS).unwrap();
    let rebuilt: i64 = store
        .conn
        .query_row("SELECT count(*) FROM search_rebuild", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rebuilt, 0, "the request to rebuild is gone with the rebuild");
    assert_eq!(index_rows(&store, id), rows);
    let found = store.search("chauffage dentiste", 5).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, id);
    assert_eq!(store.search("bernard", 5).unwrap().len(), 1);
}

#[test]
fn a_case_file_read_to_edit_is_saved_writing_only_the_rows_the_edit_changes() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = new_store(dir.path(), "Anne");
    let mut ids = Vec::new();
    for name in ["Hélène Roux", "Bernard Petit"] {
        let mut case = add_person(&mut store, name, "Felletin");
        for day in 1..=30 {
            edit(
                &mut store,
                &mut case,
                visit(&format!("2026-04-{day:02}T10:00"), "passage"),
            );
        }
        ids.push(case.file.id());
    }
    // Each edit reads its case file again, as a device editing one case
    // file after another does.
    for (i, id) in ids.iter().cycle().take(6).enumerate() {
        let mut case = store.load_to_edit(*id).unwrap();
        let one = visit("2026-05-02T10:00", &format!("logement insalubre {i}"));
        let change = case.file.apply(&one, &ctx("Anne")).unwrap();
        let before = store.conn.total_changes();
        let view = store.save_edit(&mut case, change, &one).unwrap();
        let written = store.conn.total_changes() - before;
        assert_eq!(view, case.file.view());
        assert!(written <= 20, "wrote {written} rows");
        let rows = index_rows(&store, *id);
        store.reindex().unwrap();
        assert_eq!(index_rows(&store, *id), rows);
    }
    assert_eq!(store.search("insalubre 5", 5).unwrap()[0].id, ids[1]);
}

/// A store with two case files (one with a visit and a task), and the
/// snapshots it sends of them.
fn snapshots_of_two(dir: &Path) -> (Store, Vec<(CaseId, Vec<u8>)>) {
    let mut a = new_store(dir, "Anne");
    let mut first = add_person(&mut a, "Hélène Roux", "Felletin");
    edit(
        &mut a,
        &mut first,
        visit("2026-05-02T10:00", "logement insalubre"),
    );
    edit(
        &mut a,
        &mut first,
        Edit::AddTask(NewTask {
            id: carnet_core::TaskId::random(),
            title: "rappeler la CAF".into(),
            due: Some(Day::parse("2026-06-01").unwrap()),
            assignee: "Anne".into(),
        }),
    );
    let second = add_person(&mut a, "Bernard Petit", "Aubusson");
    let sent = [first.file.id(), second.file.id()]
        .into_iter()
        .map(|id| (id, a.snapshot(id).unwrap()))
        .collect();
    (a, sent)
}

fn borrowed(items: &[(CaseId, Vec<u8>)]) -> Vec<(CaseId, &[u8])> {
    items.iter().map(|(id, b)| (*id, b.as_slice())).collect()
}

#[test]
fn rows_carried_by_snapshots_are_written_without_loading_then_checked() {
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, sent) = snapshots_of_two(dir_a.path());
    let mut b = new_store(dir_b.path(), "Bruno");
    let outcomes = b.receive_snapshots(&borrowed(&sent)).unwrap();
    assert_eq!(outcomes, vec![Received::Applied; 2]);
    assert_eq!(b.unchecked_count().unwrap(), 2);
    for (id, content) in &sent {
        // The rows are the sender's, and the document is stored as carried.
        assert_eq!(index_rows(&b, *id), index_rows(&a, *id));
        let document = crate::snapshot::parts(content).unwrap().document.to_vec();
        assert_eq!(b.stored_parts(*id).unwrap().snapshot_bytes, document.len() as i64);
        assert_eq!(
            b.load(*id).unwrap().file.heads(),
            a.load(*id).unwrap().file.heads()
        );
    }
    assert_eq!(b.search("insalubre", 5).unwrap().len(), 1);
    assert_eq!(b.tasks_due(&Day::parse("2026-06-30").unwrap()).unwrap().len(), 1);
    // Rows that are the document's own are not written again.
    let report = b.check_received(1).unwrap();
    assert_eq!(
        (report.checked, report.rewritten, report.broken.len(), report.left),
        (1, 0, 0, 1)
    );
    let before = b.conn.total_changes();
    let report = b.check_received(10).unwrap();
    assert_eq!((report.checked, report.rewritten, report.left), (1, 0, 0));
    assert_eq!(b.conn.total_changes() - before, 1, "only the unchecked row went");
    assert_eq!(b.unchecked_count().unwrap(), 0);
    for (id, _) in &sent {
        assert_eq!(index_rows(&b, *id), index_rows(&a, *id));
    }
    assert_eq!(b.check_received(10).unwrap(), CheckReport::default());
}

#[test]
fn rows_that_do_not_match_their_document_are_replaced_when_checked() {
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, sent) = snapshots_of_two(dir_a.path());
    let (first, second) = (sent[0].0, sent[1].0);
    let mut b = new_store(dir_b.path(), "Bruno");
    // Rows that say another name than the document, and rows carried with
    // bytes that are not a document.
    let mut lying = crate::index::Projection::of(&mut a.load(first).unwrap().file);
    lying.view.person.name = "Quelqu'un d'autre".into();
    let document = a.load(first).unwrap().file.save();
    let projection = crate::index::Projection::of(&mut a.load(second).unwrap().file);
    let items = [
        (first, crate::snapshot::encode(&document, &lying).unwrap()),
        (
            second,
            crate::snapshot::encode(b"\x85\x6f\x4a\x83 damaged", &projection).unwrap(),
        ),
    ];
    assert_eq!(
        b.receive_snapshots(&borrowed(&items)).unwrap(),
        vec![Received::Applied; 2]
    );
    let names = |b: &Store| -> Vec<String> {
        b.caseload(&CaseloadFilter::default())
            .unwrap()
            .into_iter()
            .map(|s| s.name)
            .collect()
    };
    // Most recently visited first: the rows are taken as carried.
    assert_eq!(names(&b), ["Quelqu'un d'autre", "Bernard Petit"]);
    // A change arriving for the damaged one before the check comes to it
    // sets it aside then: held, not an error for the whole batch.
    let mut copy = a.load(second).unwrap().file;
    let later = copy
        .apply(&visit("2026-05-09T10:00", "plus tard"), &ctx("Anne"))
        .unwrap();
    let outcomes = b
        .receive(&[(second, &later.bytes), (first, &later.bytes)])
        .unwrap();
    assert_eq!(outcomes[0], Received::Held);
    assert!(matches!(outcomes[1], Received::Refused(_)), "{outcomes:?}");
    assert!(!b.contains(second).unwrap());
    assert_eq!(b.broken().unwrap().len(), 1);
    let report = b.check_received(10).unwrap();
    assert_eq!((report.checked, report.rewritten, report.broken.len()), (1, 1, 0));
    assert_eq!(names(&b), ["Hélène Roux"]);
    assert_eq!(index_rows(&b, first), index_rows(&a, first));
    assert_eq!(b.unchecked_count().unwrap(), 0);
    // A damaged one the check finds first is set aside the same way.
    let mut c = new_store(&dir_b.path().join("c"), "Chloé");
    assert_eq!(
        c.receive_snapshots(&borrowed(&items[1..])).unwrap(),
        vec![Received::Applied]
    );
    let report = c.check_received(10).unwrap();
    assert_eq!((report.checked, report.broken.len()), (1, 1));
    assert_eq!(report.broken[0].id, second.to_string());
    assert!(!c.contains(second).unwrap());
    assert_eq!(
        c.receive(&[(second, &later.bytes)]).unwrap(),
        vec![Received::Held]
    );
}

#[test]
fn snapshots_without_usable_rows_are_loaded_and_a_cut_one_is_refused() {
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, sent) = snapshots_of_two(dir_a.path());
    let (first, second) = (sent[0].0, sent[1].0);
    let mut b = new_store(dir_b.path(), "Bruno");
    // A bare document (what snapshots held before they carried rows), rows
    // of another format, and a snapshot cut short.
    let bare = a.document_bytes(first).unwrap();
    let mut other_format = sent[1].1.clone();
    other_format[4..8].copy_from_slice(&(crate::snapshot::ROWS_FORMAT + 1).to_be_bytes());
    let cut = sent[0].1[..10].to_vec();
    let items = [(first, bare), (first, cut), (second, other_format)];
    let outcomes = b.receive_snapshots(&borrowed(&items)).unwrap();
    assert_eq!(outcomes[0], Received::Applied);
    assert!(
        matches!(&outcomes[1], Received::Refused(r) if r.contains("cut short")),
        "{outcomes:?}"
    );
    assert_eq!(outcomes[2], Received::Applied);
    assert_eq!(b.unchecked_count().unwrap(), 0, "both were loaded");
    for id in [first, second] {
        assert_eq!(index_rows(&b, id), index_rows(&a, id));
    }
}

#[test]
fn the_first_edit_of_an_unchecked_case_file_writes_all_its_rows() {
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, sent) = snapshots_of_two(dir_a.path());
    let first = sent[0].0;
    let mut b = new_store(dir_b.path(), "Bruno");
    let mut lying = crate::index::Projection::of(&mut a.load(first).unwrap().file);
    lying.view.person.commune = "Ailleurs".into();
    let content = crate::snapshot::encode(&a.document_bytes(first).unwrap(), &lying).unwrap();
    b.receive_snapshots(&[(first, &content)]).unwrap();
    let mut case = b.load_to_edit(first).unwrap();
    let one = visit("2026-05-03T10:00", "deuxième passage");
    let change = case.file.apply(&one, &ctx("Bruno")).unwrap();
    b.save_edit(&mut case, change, &one).unwrap();
    assert_eq!(b.unchecked_count().unwrap(), 0);
    let rows = index_rows(&b, first);
    assert!(!format!("{rows:?}").contains("Ailleurs"));
    b.reindex().unwrap();
    assert_eq!(index_rows(&b, first), rows);
}

/// Saves leave the write-ahead log to the idle checkpoint: a run of saves
/// past SQLite's usual threshold (1,000 pages) does not touch the database
/// file, and [`Store::checkpoint`] then moves the whole log into it.
#[test]
fn saves_leave_the_log_to_the_idle_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = new_store(dir.path(), "Anne");
    let pages: i64 = store
        .conn
        .pragma_query_value(None, "wal_autocheckpoint", |r| r.get(0))
        .unwrap();
    assert_eq!(pages, WAL_AUTOCHECKPOINT_PAGES);
    store.checkpoint().unwrap();
    let db = dir.path().join("carnet.db");
    let wal = dir.path().join("carnet.db-wal");
    // The log: a 32-byte header (the page size at bytes 8..12), then frames
    // of a 24-byte header and a page.
    let frames = || {
        let Ok(mut log) = fs::File::open(&wal) else {
            return 0;
        };
        let mut header = [0; 12];
        if std::io::Read::read_exact(&mut log, &mut header).is_err() {
            return 0;
        }
        let page = u64::from(u32::from_be_bytes([header[8], header[9], header[10], header[11]]));
        log.metadata().unwrap().len().saturating_sub(32) / (page + 24)
    };
    let db_len = fs::metadata(&db).unwrap().len();

    let note = "Visite à domicile : point sur le dossier de la CAF, l'aide au logement et les rendez-vous. "
        .repeat(20);
    let mut saves = 0;
    while frames() <= 1_200 && saves < 500 {
        let mut case = add_person(&mut store, &format!("Personne {saves}"), "Aubusson");
        edit(&mut store, &mut case, visit("2026-05-28T10:00", &note));
        saves += 1;
    }
    assert!(
        frames() > 1_200,
        "the log holds {} pages after {saves} saves",
        frames()
    );
    assert_eq!(
        fs::metadata(&db).unwrap().len(),
        db_len,
        "a save checkpointed the log"
    );

    let done = store.checkpoint().unwrap();
    assert!(done.log_frames > 1_200, "{done:?}");
    assert_eq!(done.moved_frames, done.log_frames);
    assert!(fs::metadata(&db).unwrap().len() > db_len);
    drop(store);
    let store = Store::open(dir.path(), PASS).unwrap();
    assert_eq!(store.caseload(&CaseloadFilter::default()).unwrap().len(), saves);
}

/// A save leaves the full-text index's segments to the idle work, which
/// merges them and leaves every row findable.
#[test]
fn the_idle_work_merges_the_search_index() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = new_store(dir.path(), "Anne");
    let automerge: i64 = store
        .conn
        .query_row("SELECT v FROM search_config WHERE k = 'automerge'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(automerge, 0);
    for i in 0..40 {
        let mut case = add_person(&mut store, &format!("Personne {i}"), "Aubusson");
        edit(
            &mut store,
            &mut case,
            visit("2026-05-28T10:00", "Point sur le chauffage et la facture."),
        );
    }
    let first = store.tidy(std::time::Duration::ZERO).unwrap();
    assert!(first.merge_steps > 0, "{first:?}");
    assert_eq!(first.checkpoint.moved_frames, first.checkpoint.log_frames);
    let again = store.tidy(std::time::Duration::ZERO).unwrap();
    assert_eq!(again.merge_steps, 0, "{again:?}");
    assert_eq!(store.search("chauffage", 100).unwrap().len(), 40);
    assert_eq!(store.search("Aubusson", 100).unwrap().len(), 40);
    store.integrity_check().unwrap();
}

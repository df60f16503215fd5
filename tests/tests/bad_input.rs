//! Bad input through the real `carnet` binary: each is a clear error with a
//! stable kind and exit code, and changes nothing.

use std::fs;
use std::path::{Path, PathBuf};

use carnet_tests::Carnet;
use serde_json::Value;

/// A notebook with one case file, and that case file exported.
fn setup(tmp: &Path) -> (Carnet, String, PathBuf) {
    let carnet = Carnet::new(&tmp.join("device"));
    carnet.init("Anne");
    let case = carnet.json(&["person", "add", "Jean Morel", "--commune", "Gentioux"])["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let _ = carnet.json(&["visit", "add", &case, "--note", "Premier contact, dossier APL."]);
    let file = tmp.join("case.automerge");
    let _ = carnet.json(&[
        "export",
        &case,
        "--format",
        "automerge",
        "--out",
        file.to_str().unwrap(),
    ]);
    (carnet, case, file)
}

fn failing(carnet: &Carnet, args: &[&str]) -> (i32, Value) {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = carnet.run(&all);
    assert!(!out.status.success(), "carnet {args:?} should have failed");
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    (out.status.code().unwrap(), json["error"].clone())
}

/// Everything observable about the notebook.
fn state(carnet: &Carnet, case: &str) -> (Value, Value) {
    (
        carnet.json(&["person", "list"]),
        carnet.json(&["person", "show", case]),
    )
}

fn another_device_case(tmp: &Path) -> (PathBuf, String) {
    let other = Carnet::new(&tmp.join("other"));
    other.init("Bruno");
    let case = other.json(&["person", "add", "Lucie Faure"])["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let file = tmp.join("other.automerge");
    let _ = other.json(&[
        "export",
        &case,
        "--format",
        "automerge",
        "--out",
        file.to_str().unwrap(),
    ]);
    (file, case)
}

#[test]
fn truncated_and_bit_flipped_files_are_refused_and_change_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (carnet, case, file) = setup(tmp.path());
    let (other_file, _) = another_device_case(tmp.path());
    let before = state(&carnet, &case);
    let bytes = fs::read(&other_file).unwrap();
    let mut bad_files = Vec::new();
    for cut in [0, 1, 10, bytes.len() / 2, bytes.len() - 1] {
        let path = tmp.path().join(format!("cut-{cut}.automerge"));
        fs::write(&path, &bytes[..cut]).unwrap();
        bad_files.push(path);
    }
    for i in [9, bytes.len() / 3, bytes.len() / 2, bytes.len() - 3] {
        let mut flipped = bytes.clone();
        flipped[i] ^= 0x04;
        let path = tmp.path().join(format!("flip-{i}.automerge"));
        fs::write(&path, &flipped).unwrap();
        bad_files.push(path);
    }
    let text = tmp.path().join("notes.automerge");
    fs::write(&text, "ceci n'est pas un dossier").unwrap();
    bad_files.push(text);
    for path in &bad_files {
        let out = carnet.run(&["--json", "import", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(5), "{path:?}");
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        let error = &report["failed"][0]["error"];
        assert_eq!(error["kind"], "invalid_document", "{path:?}: {report}");
        assert!(report["imported"].as_array().unwrap().is_empty());
        assert_eq!(state(&carnet, &case), before, "{path:?} changed the notebook");
    }
    // A good file next to a bad one: the good one is imported, the bad one reported.
    let out = carnet.run(&[
        "--json",
        "import",
        bad_files[2].to_str().unwrap(),
        other_file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(5));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["imported"].as_array().unwrap().len(), 1, "{report}");
    assert_eq!(report["failed"].as_array().unwrap().len(), 1, "{report}");
    assert_eq!(
        carnet.json(&["person", "list"]).as_array().unwrap().len(),
        2,
        "{report}"
    );
    let _ = file;
}

#[test]
fn a_case_file_from_a_newer_carnet_is_shown_read_only_and_not_edited() {
    let tmp = tempfile::tempdir().unwrap();
    let (carnet, _case, _) = setup(tmp.path());
    let (other_file, other_case) = another_device_case(tmp.path());
    let mut doc = automerge::AutoCommit::load(&fs::read(&other_file).unwrap()).unwrap();
    automerge::transaction::Transactable::put(&mut doc, automerge::ROOT, "schema", 99_i64).unwrap();
    let newer = tmp.path().join("newer.automerge");
    fs::write(&newer, doc.save()).unwrap();

    let _ = carnet.json(&["import", newer.to_str().unwrap()]);
    let shown = carnet.json(&["person", "show", &other_case]);
    let reason = shown["case"]["read_only"].as_str().unwrap();
    assert!(
        reason.contains("schema version 99") && reason.contains("read-only"),
        "{reason}"
    );
    let before = carnet.json(&["person", "show", &other_case]);
    let (code, error) = failing(&carnet, &["visit", "add", &other_case, "--note", "x"]);
    assert_eq!(
        (code, error["kind"].as_str().unwrap()),
        (5, "read_only"),
        "{error}"
    );
    assert!(
        error["message"].as_str().unwrap().contains("update carnet"),
        "{error}"
    );
    assert_eq!(carnet.json(&["person", "show", &other_case]), before);
}

#[test]
fn a_wrong_passphrase_is_refused_and_changes_no_file() {
    let tmp = tempfile::tempdir().unwrap();
    let (carnet, _, _) = setup(tmp.path());
    let snapshot = |dir: &Path| {
        let mut files: Vec<(PathBuf, Vec<u8>)> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .map(|p| (p.clone(), fs::read(&p).unwrap()))
            .collect();
        files.sort();
        files
    };
    let before = snapshot(&carnet.data);
    let out = carnet
        .command()
        .env("CARNET_PASSPHRASE", "not the passphrase")
        .args(["person", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("wrong passphrase"), "{stderr}");
    assert!(!stderr.contains("ERROR"), "SQLCipher noise on stderr: {stderr}");
    assert_eq!(snapshot(&carnet.data), before);
}

#[test]
fn missing_things_are_named_with_exit_code_4() {
    let tmp = tempfile::tempdir().unwrap();
    let (carnet, case, _) = setup(tmp.path());
    for args in [
        vec!["person", "show", "00000000-0000-4000-8000-000000000000"],
        vec!["visit", "edit", "0123abcd", "--place", "mairie"],
        vec!["procedure", "set", "ffffffff", "--status", "granted"],
        vec!["task", "done", "abcdef12"],
        vec!["task", "edit", "abcdef12", "--due", "2026-12-01"],
        vec!["history", "1234"],
    ] {
        let (code, error) = failing(&carnet, &args);
        assert_eq!(
            (code, error["kind"].as_str().unwrap()),
            (4, "not_found"),
            "{args:?}: {error}"
        );
    }
    let (code, error) = failing(&carnet, &["resolve", &case, "person/colour", "bleu"]);
    assert_eq!(
        (code, error["kind"].as_str().unwrap()),
        (5, "invalid_input"),
        "{error}"
    );
    let (code, error) = failing(
        &carnet,
        &["procedure", "add", &case, "--agency", "nasa", "--what", "x"],
    );
    assert_eq!(code, 5, "{error}");
    assert!(error["message"].as_str().unwrap().contains("caf, msa"), "{error}");
    let (code, _) = failing(&carnet, &["visit", "add", &case, "--at", "31/12/2026"]);
    assert_eq!(code, 5);
    let nowhere = Carnet::new(&tmp.path().join("nowhere"));
    let (code, error) = failing(&nowhere, &["person", "list"]);
    assert_eq!(
        (code, error["kind"].as_str().unwrap()),
        (3, "not_initialised"),
        "{error}"
    );
}

#[test]
fn a_task_edit_with_a_blank_title_a_bad_date_or_two_dates_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let (carnet, case, _) = setup(tmp.path());
    let task = carnet.json(&["task", "add", &case, "Rappeler la CAF", "--due", "2026-12-03"])["task_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let before = state(&carnet, &case);
    let (code, error) = failing(&carnet, &["task", "edit", &task, "--title", "  "]);
    assert_eq!(
        (code, error["kind"].as_str().unwrap()),
        (5, "invalid_input"),
        "{error}"
    );
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("a task needs a title"),
        "{error}"
    );
    let (code, _) = failing(&carnet, &["task", "edit", &task, "--due", "03/12/2026"]);
    assert_eq!(code, 5);
    let out = carnet.run(&["task", "edit", &task, "--due", "2026-12-10", "--no-due"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "--due and --no-due together are a usage error"
    );
    assert_eq!(state(&carnet, &case), before);
}

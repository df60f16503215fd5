//! Two workers edit the same case file on their own tablets while offline,
//! exchange `.automerge` files, and both see the merged note and the
//! conflict; one resolves it and after another exchange it is gone on both.
//! Real `carnet` processes, real encrypted notebooks.

use std::path::Path;

use carnet_tests::Carnet;
use serde_json::Value;

fn id(v: &Value, key: &str) -> String {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("no {key} in {v}"))
        .to_owned()
}

fn send(from: &Carnet, to: &Carnet, case: &str, dir: &Path, name: &str) {
    let file = dir.join(format!("{name}.automerge"));
    let _ = from.json(&[
        "export",
        case,
        "--format",
        "automerge",
        "--out",
        file.to_str().unwrap(),
    ]);
    let report = to.json(&["import", file.to_str().unwrap()]);
    assert_eq!(report["failed"].as_array().unwrap().len(), 0, "{report}");
}

#[test]
fn concurrent_edits_merge_and_a_resolved_conflict_disappears_everywhere() {
    let tmp = tempfile::tempdir().unwrap();
    let anne = Carnet::new(&tmp.path().join("anne"));
    let bruno = Carnet::new(&tmp.path().join("bruno"));
    anne.init("Anne");
    bruno.init("Bruno");

    let case = id(
        &anne.json(&["person", "add", "Hélène Roux", "--commune", "Felletin"]),
        "id",
    );
    let visit = id(
        &anne.json(&[
            "visit",
            "add",
            &case,
            "--note",
            "Dossier RSA à compléter.",
            "--topics",
            "CAF,RSA",
        ]),
        "visit_id",
    );
    let procedure = id(
        &anne.json(&[
            "procedure",
            "add",
            &case,
            "--agency",
            "caf",
            "--what",
            "RSA",
            "--status",
            "in_progress",
        ]),
        "procedure_id",
    );
    send(&anne, &bruno, &case, tmp.path(), "first");
    assert_eq!(
        bruno
            .json(&["person", "search", "helene"])
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // Offline, both edit the note and the procedure status.
    let _ = anne.json(&[
        "visit",
        "edit",
        &visit,
        "--note",
        "Dossier RSA à compléter. Rappeler la CAF lundi.",
    ]);
    let _ = anne.json(&["procedure", "set", &procedure, "--status", "submitted"]);
    let mut edit = bruno.command();
    let out = edit
        .args(["--json", "visit", "edit", &visit, "--note", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all("Urgent : Dossier RSA à compléter.".as_bytes())?;
            child.wait_with_output()
        })
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let _ = bruno.json(&["procedure", "set", &procedure, "--status", "refused"]);

    // They exchange files in both directions.
    send(&anne, &bruno, &case, tmp.path(), "anne");
    send(&bruno, &anne, &case, tmp.path(), "bruno");

    let a = anne.json(&["person", "show", &case]);
    let b = bruno.json(&["person", "show", &case]);
    assert_eq!(a["heads"], b["heads"]);
    assert_eq!(a["case"], b["case"]);
    let note = a["case"]["visits"][0]["note"].as_str().unwrap();
    assert_eq!(note, "Urgent : Dossier RSA à compléter. Rappeler la CAF lundi.");

    for device in [&anne, &bruno] {
        let conflicts = device.json(&["conflicts"]);
        let fields = conflicts[0]["conflicts"].as_array().unwrap();
        assert_eq!(fields.len(), 2, "the status and the note: {conflicts}");
        assert_eq!(fields[0]["field"], format!("procedures/{procedure}/status"));
        assert_eq!(fields[1]["shown"], note, "the note's merged text");
        let mut values: Vec<(String, String)> = fields[0]["values"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                (
                    v["value"].as_str().unwrap().to_owned(),
                    v["worker"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        values.sort();
        assert_eq!(
            values,
            [
                ("refused".into(), "Bruno".into()),
                ("submitted".into(), "Anne".into())
            ]
        );
        let listed = device.json(&["person", "list", "--conflicts"]);
        assert_eq!(listed.as_array().unwrap().len(), 1);
    }

    // Bruno settles it; after the next exchange nobody sees the conflict.
    let resolved = bruno.json(&[
        "resolve",
        &case,
        &format!("procedures/{procedure}/status"),
        "submitted",
    ]);
    assert_eq!(
        resolved["conflicts"].as_array().unwrap().len(),
        1,
        "the note is left"
    );
    // The note is settled as merged: its text stays as it is.
    let visit = a["case"]["visits"][0]["id"].as_str().unwrap();
    let resolved = bruno.json(&["resolve", &case, &format!("visits/{visit}/note"), note]);
    assert_eq!(resolved["conflicts"].as_array().unwrap().len(), 0);
    assert_eq!(resolved["case"]["visits"][0]["note"], note);
    send(&bruno, &anne, &case, tmp.path(), "resolved");
    for device in [&anne, &bruno] {
        assert_eq!(device.json(&["conflicts"]).as_array().unwrap().len(), 0);
        let shown = device.json(&["person", "show", &case]);
        assert_eq!(shown["case"]["procedures"][0]["status"], "submitted");
        assert_eq!(shown["conflicts"].as_array().unwrap().len(), 0);
    }
    assert_eq!(
        anne.json(&["person", "show", &case])["heads"],
        bruno.json(&["person", "show", &case])["heads"]
    );

    // History names both workers.
    let history = anne.json(&["history", &case]);
    let workers: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|h| h["worker"].as_str())
        .collect();
    assert!(
        workers.contains(&"Anne") && workers.contains(&"Bruno"),
        "{workers:?}"
    );
}

/// A task corrected on both tablets while offline: a new title on one and a
/// new assignee on the other merge, two new due dates are a conflict until
/// one of them sets the date again (here, clears it with `--no-due`).
#[test]
fn a_task_edited_on_two_devices_merges_and_its_due_dates_conflict() {
    let tmp = tempfile::tempdir().unwrap();
    let anne = Carnet::new(&tmp.path().join("anne"));
    let bruno = Carnet::new(&tmp.path().join("bruno"));
    anne.init("Anne");
    bruno.init("Bruno");
    let case = id(&anne.json(&["person", "add", "Hélène Roux"]), "id");
    let task = id(
        &anne.json(&["task", "add", &case, "Rappeler la CAF", "--due", "2026-12-03"]),
        "task_id",
    );
    send(&anne, &bruno, &case, tmp.path(), "first");

    let view = anne.json(&[
        "task",
        "edit",
        &task[..8],
        "--due",
        "2026-12-10",
        "--title",
        "Rappeler la CAF avant midi",
    ]);
    assert_eq!(view["tasks"][0]["due"], "2026-12-10", "{view}");
    assert_eq!(view["tasks"][0]["assignee"], "Anne", "a field left out is kept");
    let _ = bruno.json(&[
        "task",
        "edit",
        &task,
        "--due",
        "2026-12-17",
        "--assignee",
        "Bruno",
    ]);
    send(&anne, &bruno, &case, tmp.path(), "anne");
    send(&bruno, &anne, &case, tmp.path(), "bruno");

    for device in [&anne, &bruno] {
        let shown = device.json(&["person", "show", &case]);
        let shown_task = &shown["case"]["tasks"][0];
        assert_eq!(shown_task["title"], "Rappeler la CAF avant midi");
        assert_eq!(shown_task["assignee"], "Bruno");
        let fields = shown["conflicts"].as_array().unwrap();
        assert_eq!(fields.len(), 1, "{shown}");
        assert_eq!(fields[0]["field"], format!("tasks/{task}/due"));
        let mut values: Vec<&str> = fields[0]["values"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["value"].as_str().unwrap())
            .collect();
        values.sort_unstable();
        assert_eq!(values, ["2026-12-10", "2026-12-17"]);
    }

    let view = anne.json(&["task", "edit", &task, "--no-due"]);
    assert_eq!(view["tasks"][0]["due"], serde_json::Value::Null, "{view}");
    assert_eq!(anne.json(&["conflicts", &case]).as_array().unwrap().len(), 0);
    let history = anne.json(&["history", &case]);
    let labels: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|h| h["label"].as_str())
        .collect();
    assert_eq!(
        labels.iter().filter(|l| **l == "task.edit").count(),
        3,
        "{labels:?}"
    );
}

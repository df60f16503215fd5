//! The `carnet` binary: `history --as-of` and `export --csv`, run as a
//! person or a script would, on a notebook written with known times (UTC).

// The helpers below are test code: a failure should stop the test loudly.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Output;
use std::sync::{Arc, Mutex};

use carnet_core::{LocalDateTime, NewPerson, VisitPatch};
use carnet_device::{Clock, Device, Now, VisitInput};
use carnet_store::KdfParams;

mod common;
use common::{PASSPHRASE, carnet};

#[derive(Clone, Debug)]
struct Hand(Arc<Mutex<Now>>);

impl Hand {
    fn set(&self, at: &str) {
        let time_ms = chrono::NaiveDateTime::parse_from_str(at, "%Y-%m-%dT%H:%M")
            .unwrap()
            .and_utc()
            .timestamp_millis();
        *self.0.lock().unwrap() = Now {
            time_ms,
            local: LocalDateTime::parse(at).unwrap(),
        };
    }
}

impl Clock for Hand {
    fn now(&self) -> Now {
        self.0.lock().unwrap().clone()
    }
}

/// A notebook with one person opened on 2 March 2026, a visit that day whose
/// note was rewritten on the 5th, and a second visit on the 9th.
fn notebook(dir: &Path) -> String {
    let mut device =
        Device::init_with(dir, PASSPHRASE, "Anne", "tablette", KdfParams::INSECURE_FOR_TESTS).unwrap();
    let hand = Hand(Arc::new(Mutex::new(Now {
        time_ms: 0,
        local: LocalDateTime::parse("1970-01-01T00:00").unwrap(),
    })));
    device.set_clock(Box::new(hand.clone()));
    hand.set("2026-03-02T09:00");
    let case = device
        .add_person(NewPerson {
            name: "Hélène Roux".into(),
            commune: "Felletin".into(),
            ..NewPerson::default()
        })
        .unwrap()
        .id
        .to_string();
    hand.set("2026-03-02T09:30");
    let visit = VisitInput {
        place: "domicile".into(),
        topics: vec!["CAF".into(), "logement".into()],
        duration_min: Some(45),
        note: "Dossier RSA à compléter, \"urgent\".".into(),
        ..VisitInput::default()
    };
    let (visit_id, _) = device.add_visit(&case, visit).unwrap();
    hand.set("2026-03-05T14:10");
    let patch = VisitPatch {
        note: Some("Dossier RSA envoyé.".into()),
        ..VisitPatch::default()
    };
    device.edit_visit(&visit_id.to_string(), patch).unwrap();
    hand.set("2026-03-09T11:00");
    let later = VisitInput {
        place: "=cmd|' /C calc'!A0".into(),
        ..VisitInput::default()
    };
    device.add_visit(&case, later).unwrap();
    case
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

#[test]
fn history_as_of_a_date_prints_the_case_file_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let case = notebook(tmp.path());

    let day2 = carnet(
        tmp.path(),
        &["--json", "history", &case[..8], "--as-of", "2026-03-02"],
    );
    assert!(day2.status.success(), "{}", String::from_utf8_lossy(&day2.stderr));
    let day2 = json(&day2);
    assert_eq!(day2["changes"], 2);
    assert_eq!(day2["case"]["person"]["name"], "Hélène Roux");
    assert_eq!(day2["case"]["visits"].as_array().unwrap().len(), 1);
    assert_eq!(
        day2["case"]["visits"][0]["note"],
        "Dossier RSA à compléter, \"urgent\"."
    );

    let edited = json(&carnet(
        tmp.path(),
        &["--json", "history", &case, "--as-of", "2026-03-05T14:10"],
    ));
    assert_eq!(edited["case"]["visits"][0]["note"], "Dossier RSA envoyé.");
    assert_eq!(edited["case"]["visits"].as_array().unwrap().len(), 1);

    let text = carnet(tmp.path(), &["history", &case, "--as-of", "2026-03-05T14:09"]);
    assert!(text.status.success());
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.starts_with("as of 2026-03-05 14:09 (2 change(s))"), "{text}");
    assert!(text.contains("Dossier RSA à compléter"), "{text}");

    let future = json(&carnet(
        tmp.path(),
        &["--json", "history", &case, "--as-of", "2099-01-01"],
    ));
    let now = json(&carnet(tmp.path(), &["--json", "person", "show", &case]));
    assert_eq!(future["case"], now["case"]);

    let before = carnet(tmp.path(), &["--json", "history", &case, "--as-of", "2026-03-01"]);
    assert_eq!(before.status.code(), Some(4));
    let before = json(&before);
    assert_eq!(before["error"]["kind"], "not_found");
    assert!(
        before["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not found at that date")
    );

    let bad = carnet(tmp.path(), &["history", &case, "--as-of", "le 5 mars"]);
    assert_eq!(bad.status.code(), Some(5));
}

#[test]
fn export_csv_writes_a_file_spreadsheets_open_and_reports_it() {
    let tmp = tempfile::tempdir().unwrap();
    let case = notebook(tmp.path());
    let file = tmp.path().join("visites.csv");
    let file_arg = file.to_str().unwrap();

    let report = carnet(
        tmp.path(),
        &[
            "--json",
            "export",
            "--csv",
            "visits",
            "--from",
            "2026-03-01",
            "--to",
            "2026-03-05",
            "--out",
            file_arg,
        ],
    );
    assert!(
        report.status.success(),
        "{}",
        String::from_utf8_lossy(&report.stderr)
    );
    let report = json(&report);
    assert_eq!(
        (report["rows"].as_u64(), report["table"].as_str()),
        (Some(1), Some("visits"))
    );
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBFcase_id,person,"));
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.split_terminator("\r\n").collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[1].starts_with(&format!("{case},Hélène Roux,Felletin,")),
        "{text}"
    );
    assert!(
        lines[1].contains(",2026-03-02,09:30,home,domicile,Anne,45,CAF; logement,"),
        "{text}"
    );
    assert!(!text.contains("Dossier"), "no note text without --with-notes");

    let all = carnet(tmp.path(), &["export", "--csv", "visits", "--with-notes"]);
    assert!(all.status.success(), "{}", String::from_utf8_lossy(&all.stderr));
    let all = String::from_utf8(all.stdout).unwrap();
    assert!(
        all.contains(",'=cmd|' /C calc'!A0,"),
        "the formula is neutralised: {all}"
    );
    assert!(!all.contains(",=cmd"), "{all}");
    assert!(all.contains("Dossier RSA envoyé."), "{all}");

    let wrong = carnet(tmp.path(), &["export", "--csv", "procedures", "--with-notes"]);
    assert_eq!(wrong.status.code(), Some(5));
    let json_to_stdout = carnet(tmp.path(), &["--json", "export", "--csv", "procedures"]);
    assert_eq!(json_to_stdout.status.code(), Some(5));
    let usage = carnet(tmp.path(), &["export", &case, "--csv", "visits"]);
    assert_eq!(
        usage.status.code(),
        Some(2),
        "a case file and --csv together are refused"
    );
    let backwards = carnet(
        tmp.path(),
        &[
            "export",
            "--csv",
            "visits",
            "--from",
            "2026-04-01",
            "--to",
            "2026-03-01",
        ],
    );
    assert_eq!(backwards.status.code(), Some(5));
}

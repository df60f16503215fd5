//! The `carnet` binary: `stats` and `retention`, run as a person or a script
//! would, on a notebook filled by `demo` with a known seed and day.

// The helpers below are test code: a failure should stop the test loudly.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Output;

use std::sync::{Arc, Mutex};

use carnet_core::{Day, LocalDateTime, NewPerson};
use carnet_device::{Clock, Device, Now, StatsFilter, VisitInput};
use carnet_store::KdfParams;

mod common;
use common::{PASSPHRASE, carnet};

fn notebook(dir: &Path) -> Device {
    let mut device =
        Device::init_with(dir, PASSPHRASE, "Anne", "tablette", KdfParams::INSECURE_FOR_TESTS).unwrap();
    device
        .demo(20, 5, Some(Day::parse("2026-06-01").unwrap()))
        .unwrap();
    device
}

fn json(output: &Output) -> serde_json::Value {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn stats_prints_the_figures_of_the_library_for_people_and_scripts() {
    let tmp = tempfile::tempdir().unwrap();
    let device = notebook(tmp.path());
    let filter = StatsFilter {
        from: Some(Day::parse("2026-02-01").unwrap()),
        to: Some(Day::parse("2026-04-30").unwrap()),
        worker: Some("anne".into()),
    };
    let expected = serde_json::to_value(device.statistics(&filter).unwrap()).unwrap();
    drop(device);

    let args = [
        "stats",
        "--from",
        "2026-02-01",
        "--to",
        "2026-04-30",
        "--worker",
        "anne",
    ];
    let printed = json(&carnet(tmp.path(), &[&["--json"], &args[..]].concat()));
    assert_eq!(printed, expected);
    assert!(printed["visits"].as_u64().unwrap() > 0, "{printed}");
    assert_eq!(printed["overdue_before"], "2026-04-30");

    let text = carnet(tmp.path(), &args);
    assert!(text.status.success());
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.starts_with("period: 2026-02-01 to 2026-04-30  worker: anne\n"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "visits: {}  people reached: {}",
            printed["visits"], printed["people"]
        )),
        "{text}"
    );
    let first_week = &printed["visits_per_week"][0];
    assert!(
        text.contains(&format!(
            "  {} ({})",
            first_week["week"].as_str().unwrap(),
            first_week["start"].as_str().unwrap()
        )),
        "{text}"
    );

    let backwards = carnet(
        tmp.path(),
        &["stats", "--from", "2026-05-01", "--to", "2026-04-01"],
    );
    assert_eq!(backwards.status.code(), Some(5));
    let bad_day = carnet(tmp.path(), &["stats", "--from", "2026-02-30"]);
    assert_eq!(bad_day.status.code(), Some(5));
}

#[derive(Clone, Debug)]
struct Stopped(Arc<Mutex<Now>>);

impl Clock for Stopped {
    fn now(&self) -> Now {
        self.0.lock().unwrap().clone()
    }
}

#[test]
fn retention_lists_the_dormant_case_files_and_person_archive_takes_them_off_the_list() {
    let tmp = tempfile::tempdir().unwrap();
    let mut device = Device::init_with(
        tmp.path(),
        PASSPHRASE,
        "Lea",
        "bureau",
        KdfParams::INSECURE_FOR_TESTS,
    )
    .unwrap();
    // Created at noon UTC on 2020-03-01, never visited.
    device.set_clock(Box::new(Stopped(Arc::new(Mutex::new(Now {
        time_ms: 1_583_064_000_000,
        local: LocalDateTime::parse("2020-03-01T12:00").unwrap(),
    })))));
    let mut person = |name: &str| {
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
    let dormant = person("Jamais Vue");
    let followed = person("Suivie Encore");
    let visit = VisitInput {
        at: Some(LocalDateTime::parse("2099-01-01T10:00").unwrap()),
        ..VisitInput::default()
    };
    device.add_visit(&followed, visit).unwrap();
    drop(device);

    let report = json(&carnet(tmp.path(), &["--json", "retention"]));
    assert_eq!(report["months"], 24);
    let listed = report["case_files"].as_array().unwrap();
    assert_eq!(listed.len(), 1, "{report}");
    assert_eq!(listed[0]["case_id"], dormant.as_str());
    assert_eq!(listed[0]["last_contact"], "2020-03-01");
    assert_eq!(listed[0]["source"], "created");
    assert_eq!(listed[0]["archived"], false);

    let archived = carnet(tmp.path(), &["person", "archive", &dormant[..8]]);
    assert!(
        archived.status.success(),
        "{}",
        String::from_utf8_lossy(&archived.stderr)
    );
    let caseload = json(&carnet(tmp.path(), &["--json", "person", "list"]));
    let ids: Vec<&str> = caseload
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [followed.as_str()]);
    let everyone = String::from_utf8(carnet(tmp.path(), &["person", "list", "--archived"]).stdout).unwrap();
    let line = everyone.lines().find(|l| l.contains("Jamais Vue")).unwrap();
    assert!(line.ends_with("  archived"), "{everyone}");
    let found = json(&carnet(tmp.path(), &["--json", "person", "search", "jamais"]));
    assert_eq!(found[0]["archived"], true);
    let text = String::from_utf8(carnet(tmp.path(), &["retention", "--months", "24"]).stdout).unwrap();
    assert!(
        text.starts_with("1 case file(s) without contact for 24 months"),
        "{text}"
    );
    assert!(
        text.contains("last contact 2020-03-01 (created, no visit)  archived"),
        "{text}"
    );

    let back = json(&carnet(
        tmp.path(),
        &["--json", "person", "archive", &dormant, "--undo"],
    ));
    assert_eq!(back["archived"], false);
    let caseload = json(&carnet(tmp.path(), &["--json", "person", "list"]));
    assert_eq!(caseload.as_array().unwrap().len(), 2);
}

//! The `carnet` binary: the lead's review (`review`, `review --mark`) and a
//! comment, run as a person or a script would.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use serde_json::Value;

mod common;
use common::carnet;

fn json(dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = carnet(dir, &all);
    assert!(
        out.status.success(),
        "carnet {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_lead_reviews_what_changed_marks_a_point_and_comments() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    json(dir, &["init", "--worker", "Sophie"]);
    let case = json(dir, &["person", "add", "Hélène Roux", "--commune", "Felletin"]);
    let case = case["id"].as_str().unwrap().to_owned();

    let first = json(dir, &["review"]);
    assert!(first["since_ms"].is_null());
    assert_eq!(first["total_cases"], 1);
    assert_eq!(first["cases"][0]["new_case"], true);
    assert_eq!(first["cases"][0]["changes"][0]["label"], "case.create");

    let marked = json(dir, &["review", "--mark"]);
    assert_eq!(marked["cases"], 1);
    assert_eq!(json(dir, &["review"])["total_cases"], 0);

    json(dir, &["person", "edit", &case, "--commune", "Aubusson"]);
    let since = json(dir, &["review"]);
    assert_eq!(since["since_ms"], marked["at_ms"]);
    let change = &since["cases"][0]["changes"][0];
    assert_eq!(change["worker"], "Sophie");
    assert_eq!(change["fields"][0]["field"], "person/commune");
    assert_eq!(change["fields"][0]["before"], "Felletin");
    assert_eq!(change["fields"][0]["after"], "Aubusson");
    // The same in words.
    let text = String::from_utf8(carnet(dir, &["review"]).stdout).unwrap();
    assert!(text.contains("person/commune: Felletin -> Aubusson"), "{text}");

    let commented = json(dir, &["comment", &case[..8], "Penser à l'avis d'imposition."]);
    assert_eq!(commented["case"]["comments"][0]["author"], "Sophie");
    let empty = carnet(dir, &["comment", &case, "  "]);
    assert!(!empty.status.success());
    assert!(String::from_utf8_lossy(&empty.stderr).contains("empty"));
    assert_eq!(
        json(dir, &["person", "show", &case])["case"]["comments"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

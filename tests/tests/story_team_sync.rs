//! A team lead and two workers sync through a real `carnet-hub` process:
//! work written offline on three tablets ends up the same everywhere, the
//! concurrently edited note merged and the concurrent status kept as a
//! conflict; and nothing personal ever reaches the hub's disk in clear.

use carnet_tests::{Carnet, HubProcess, all_bytes};
use serde_json::Value;

fn id(v: &Value, key: &str) -> String {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("no {key} in {v}"))
        .to_owned()
}

#[test]
fn three_devices_converge_through_the_hub_and_the_hub_sees_no_content() {
    let tmp = tempfile::tempdir().unwrap();
    let hub = HubProcess::start(&tmp.path().join("hub"));
    let lead = Carnet::new(&tmp.path().join("lead"));
    let anne = Carnet::new(&tmp.path().join("anne"));
    let bruno = Carnet::new(&tmp.path().join("bruno"));
    lead.init("Léa");
    anne.init("Anne");
    bruno.init("Bruno");

    // The lead's caseload exists before the team: it is shared when the team is created.
    let marker = "MARQUEUR-PRIVE-90417";
    let case = id(
        &lead.json(&["person", "add", "Hélène Roux", "--commune", "Felletin"]),
        "id",
    );
    let visit = id(
        &lead.json(&[
            "visit",
            "add",
            &case,
            "--note",
            &format!("Dossier RSA à compléter. {marker}"),
        ]),
        "visit_id",
    );
    let procedure = id(
        &lead.json(&[
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
    let _ = lead.json(&["team", "create", "--hub", &hub.url]);
    for worker in [&anne, &bruno] {
        let code = id(&lead.json(&["team", "invite", "--role", "worker"]), "code");
        let joined = worker.json(&["team", "join", "--hub", &hub.url, "--code", &code]);
        assert_eq!(joined["role"], "worker");
        let reused = worker.run(&["team", "join", "--hub", &hub.url, "--code", &code]);
        assert!(!reused.status.success(), "a used code must be refused");
    }
    for device in [&lead, &anne, &bruno] {
        let _ = device.json(&["sync"]);
    }
    // The roster travels encrypted like a case file: every device knows who holds which device.
    let members = anne.json(&["team", "devices"]);
    let mut names: Vec<(String, String)> = members
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["worker"].as_str().unwrap().to_owned(),
                m["role"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    names.sort();
    assert_eq!(
        names,
        [("Anne", "worker"), ("Bruno", "worker"), ("Léa", "lead")].map(|(w, r)| (w.to_owned(), r.to_owned()))
    );
    assert_eq!(
        anne.json(&["person", "search", "helene"])
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // Offline: each worker records a visit; both change the note and the status.
    let _ = anne.json(&["visit", "add", &case, "--note", "Visite d'Anne."]);
    let _ = bruno.json(&["visit", "add", &case, "--note", "Visite de Bruno."]);
    let note = format!("Dossier RSA à compléter. {marker}");
    let _ = anne.json(&[
        "visit",
        "edit",
        &visit,
        "--note",
        &format!("{note} Rappeler la CAF lundi."),
    ]);
    let _ = bruno.json(&["visit", "edit", &visit, "--note", &format!("Urgent : {note}")]);
    let _ = anne.json(&["procedure", "set", &procedure, "--status", "submitted"]);
    let _ = bruno.json(&["procedure", "set", &procedure, "--status", "refused"]);
    assert!(bruno.json(&["status"])["pending"].as_u64().unwrap() > 0);

    // They come back online in different orders.
    for device in [&bruno, &lead, &anne, &bruno, &lead] {
        let _ = device.json(&["sync"]);
    }
    let shows: Vec<Value> = [&lead, &anne, &bruno]
        .iter()
        .map(|d| d.json(&["person", "show", &case]))
        .collect();
    for show in &shows[1..] {
        assert_eq!(show["heads"], shows[0]["heads"]);
        assert_eq!(show["case"], shows[0]["case"]);
    }
    let visits = shows[0]["case"]["visits"].as_array().unwrap();
    assert_eq!(visits.len(), 3);
    let merged = visits.iter().find(|v| v["id"] == visit.as_str()).unwrap()["note"]
        .as_str()
        .unwrap();
    assert_eq!(merged, format!("Urgent : {note} Rappeler la CAF lundi."));
    for device in [&lead, &anne, &bruno] {
        let conflicts = device.json(&["conflicts"]);
        let fields = conflicts[0]["conflicts"].as_array().unwrap();
        assert_eq!(fields.len(), 2, "{conflicts}");
        assert_eq!(fields[0]["field"], format!("procedures/{procedure}/status"));
        // The note merged by character, to settle: who wrote which part.
        assert_eq!(fields[1]["field"], format!("visits/{visit}/note"));
        let authors: Vec<(&str, &str)> = fields[1]["parts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p["worker"].as_str().unwrap(), p["text"].as_str().unwrap()))
            .collect();
        assert_eq!(
            authors,
            vec![
                ("Bruno", "Urgent : "),
                ("Léa", note.as_str()),
                ("Anne", " Rappeler la CAF lundi."),
            ]
        );
        let status = device.json(&["status"]);
        assert_eq!(status["pending"], 0, "{status}");
        assert!(status["last_error"].is_null(), "{status}");
    }

    // The hub's disk holds ciphertext only.
    let files = all_bytes(&hub.data);
    assert!(!files.is_empty());
    for (path, bytes) in files {
        for needle in [
            marker.as_bytes(),
            "Hélène".as_bytes(),
            b"Felletin",
            b"Urgent",
            b"Bruno",
            b"tablette",
        ] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "{} holds {:?} in clear",
                path.display(),
                String::from_utf8_lossy(needle)
            );
        }
    }
}

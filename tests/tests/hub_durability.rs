//! The hub is killed with SIGKILL while three devices push bursts of work,
//! then restarted on the same data: every entry it acknowledged is still
//! there (an acknowledged entry leaves the device's outbox and is never sent
//! again, so a lost one would be missing on the other devices), and all
//! devices converge.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use carnet_core::NewPerson;
use carnet_device::{Device, HttpTransport, Role, VisitInput};
use carnet_tests::{HubProcess, device};

fn sync_until_ok(device: &mut Device, url: &str) {
    for _ in 0..200 {
        if device.sync(&mut HttpTransport::new(url)).is_ok() && device.sync_status().unwrap().pending == 0 {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("the device could not sync with the restarted hub");
}

#[test]
fn acknowledged_entries_survive_a_hub_killed_during_a_burst() {
    let tmp = tempfile::tempdir().unwrap();
    let mut hub = HubProcess::start(&tmp.path().join("hub"));
    let url = hub.url.clone();
    let mut lead = device(&tmp.path().join("lead"), "Léa");
    lead.create_team(&url, &mut HttpTransport::new(&url)).unwrap();
    let case = lead
        .add_person(NewPerson {
            name: "Jean Morel".into(),
            ..Default::default()
        })
        .unwrap()
        .id;
    let mut devices = vec![lead];
    for (i, name) in ["Anne", "Bruno"].iter().enumerate() {
        let code = devices[0]
            .invite(Role::Worker, &mut HttpTransport::new(&url))
            .unwrap()
            .code;
        let mut d = device(&tmp.path().join(format!("worker{i}")), name);
        d.join_team(&url, &code, &mut HttpTransport::new(&url)).unwrap();
        devices.push(d);
    }
    for d in &mut devices {
        sync_until_ok(d, &url);
    }

    let stop = Arc::new(AtomicBool::new(false));
    let handles: Vec<_> = devices
        .into_iter()
        .enumerate()
        .map(|(n, mut d)| {
            let (url, stop) = (url.clone(), Arc::clone(&stop));
            std::thread::spawn(move || {
                let mut notes = BTreeSet::new();
                let mut i = 0;
                while !stop.load(Ordering::Relaxed) || i < 5 {
                    let note = format!("device {n} visit {i}");
                    d.add_visit(
                        &case.to_string(),
                        VisitInput {
                            note: note.clone(),
                            ..Default::default()
                        },
                    )
                    .unwrap();
                    notes.insert(note);
                    // Errors are expected while the hub is down: the work stays queued.
                    let _ = d.sync(&mut HttpTransport::new(&url));
                    i += 1;
                }
                (d, notes)
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(1500));
    hub.kill();
    std::thread::sleep(Duration::from_millis(300));
    let port_url = url.clone();
    let listen = port_url.trim_start_matches("http://");
    let mut restarted = HubProcess::start_on(&tmp.path().join("hub"), listen);
    assert_eq!(restarted.url, url);
    std::thread::sleep(Duration::from_millis(1000));
    stop.store(true, Ordering::Relaxed);
    let mut results: Vec<(Device, BTreeSet<String>)> =
        handles.into_iter().map(|h| h.join().unwrap()).collect();

    let mut all_notes = BTreeSet::new();
    for (_, notes) in &results {
        all_notes.extend(notes.iter().cloned());
    }
    for _ in 0..2 {
        for (d, _) in &mut results {
            sync_until_ok(d, &url);
        }
    }
    let first = results[0].0.show(&case.to_string()).unwrap();
    let seen: BTreeSet<String> = first.case.visits.iter().map(|v| v.note.clone()).collect();
    assert_eq!(seen, all_notes, "visits missing after the hub restarted");
    for (d, _) in &results[1..] {
        let other = d.show(&case.to_string()).unwrap();
        assert_eq!(other.heads, first.heads);
        assert_eq!(other.case, first.case);
    }
    restarted.kill();
}

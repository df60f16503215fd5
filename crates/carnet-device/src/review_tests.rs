use super::*;
use crate::{Clock, Now};
use carnet_core::{
    Agency, LocalDateTime, NewPerson, NewProcedure, ProcedureId, ProcedurePatch, ProcedureStatus,
};
use carnet_store::KdfParams;

/// A clock stopped at a chosen instant: a device whose clock is behind.
#[derive(Debug)]
struct Stopped(i64, &'static str);

impl Clock for Stopped {
    fn now(&self) -> Now {
        Now {
            time_ms: self.0,
            local: LocalDateTime::parse(self.1).unwrap(),
        }
    }
}

fn device(dir: &std::path::Path, worker: &str) -> Device {
    Device::init_with(
        dir,
        "passphrase",
        worker,
        "tablette",
        KdfParams::INSECURE_FOR_TESTS,
    )
    .unwrap()
}

/// Brings a case file from one device to another, as a sync would.
fn carry(from: &Device, to: &mut Device, case: CaseId) {
    let (_, bytes) = from.export_automerge(&case.to_string()).unwrap();
    to.import(&bytes).unwrap();
}

#[test]
fn the_lead_sees_every_change_since_the_last_review_even_one_stamped_before_it() {
    let tmp = tempfile::tempdir().unwrap();
    let mut lead = device(&tmp.path().join("lead"), "Sophie");
    let mut worker = device(&tmp.path().join("worker"), "Anne");

    let case = lead
        .add_person(NewPerson {
            name: "Hélène Roux".into(),
            ..Default::default()
        })
        .unwrap()
        .id;
    let (procedure, _) = lead
        .add_procedure(
            &case.to_string(),
            NewProcedure {
                id: ProcedureId::random(),
                agency: Agency::Caf,
                what: "RSA".into(),
                status: ProcedureStatus::InProgress,
                next_step: String::new(),
                due: None,
            },
        )
        .unwrap();
    let first = lead.since_review(100).unwrap();
    assert_eq!((first.since_ms, first.total_cases), (None, 1));
    assert!(first.cases[0].new_case);
    assert_eq!(first.cases[0].changes.len(), 2);

    carry(&lead, &mut worker, case);
    let marked = lead.mark_review_point().unwrap();
    assert_eq!(marked.cases, 1);
    assert_eq!(lead.since_review(100).unwrap().total_cases, 0);

    // The worker's tablet thinks it is 2020: its change is stamped long
    // before the review point, and must still be seen.
    worker.set_clock(Box::new(Stopped(1_590_000_000_000, "2020-05-20T10:00")));
    worker
        .set_procedure(
            &procedure.to_string(),
            ProcedurePatch {
                status: Some(ProcedureStatus::Granted),
                ..Default::default()
            },
        )
        .unwrap();
    carry(&worker, &mut lead, case);

    let since = lead.since_review(100).unwrap();
    assert_eq!(since.since_ms, Some(marked.at_ms));
    assert_eq!((since.total_cases, since.total_changes), (1, 1));
    let change = &since.cases[0].changes[0];
    assert!(!since.cases[0].new_case);
    assert_eq!(since.cases[0].name, "Hélène Roux");
    assert_eq!(
        (change.label.as_str(), change.worker.as_deref(), change.device),
        ("procedure.set", Some("Anne"), Some(worker.identity().device_id))
    );
    assert_eq!(change.fields[0].after.as_deref(), Some("granted"));

    lead.mark_review_point().unwrap();
    assert_eq!(lead.since_review(100).unwrap().total_cases, 0);
}

#[test]
fn the_leads_comment_and_sign_off_reach_the_worker() {
    let tmp = tempfile::tempdir().unwrap();
    let mut lead = device(&tmp.path().join("lead"), "Sophie");
    let mut worker = device(&tmp.path().join("worker"), "Anne");
    let case = worker
        .add_person(NewPerson {
            name: "Hélène Roux".into(),
            ..Default::default()
        })
        .unwrap()
        .id;
    let (visit, _) = worker
        .add_visit(
            &case.to_string(),
            crate::VisitInput {
                note: "Dossier RSA à compléter.".into(),
                ..Default::default()
            },
        )
        .unwrap();
    carry(&worker, &mut lead, case);

    lead.review_visit(&visit.to_string()).unwrap();
    let detail = lead
        .add_comment(&case.to_string(), "  Penser à joindre l'avis d'imposition.  ")
        .unwrap();
    assert_eq!(detail.case.comments[0].author, "Sophie");
    let empty = lead.add_comment(&case.to_string(), "   ").unwrap_err();
    assert_eq!(empty.to_api().kind, "invalid_input", "{empty}");
    assert_eq!(lead.show(&case.to_string()).unwrap().case.comments.len(), 1);

    carry(&lead, &mut worker, case);
    let seen = worker.show(&case.to_string()).unwrap().case;
    assert_eq!(seen.comments[0].text, "Penser à joindre l'avis d'imposition.");
    assert_eq!(
        seen.visits[0].reviewed.as_ref().map(|r| r.by.as_str()),
        Some("Sophie")
    );
}

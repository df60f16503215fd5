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

/// Opens a case file for `name`.
fn person(device: &mut Device, name: &str) -> CaseId {
    device
        .add_person(NewPerson {
            name: name.into(),
            ..Default::default()
        })
        .unwrap()
        .id
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

    let case = person(&mut lead, "Hélène Roux");
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
    let case = person(&mut worker, "Hélène Roux");
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

#[test]
fn marking_what_was_shown_leaves_a_change_that_came_after_to_review() {
    let tmp = tempfile::tempdir().unwrap();
    let mut lead = device(&tmp.path().join("lead"), "Sophie");
    let mut worker = device(&tmp.path().join("worker"), "Anne");
    let case = person(&mut lead, "Hélène Roux");
    let other = person(&mut lead, "Marc Petit");
    carry(&lead, &mut worker, case);

    let as_seen = |list: &SinceReview| -> Vec<ReviewedCase> {
        list.cases
            .iter()
            .map(|c| ReviewedCase {
                case_id: c.case_id,
                heads: c.heads.clone(),
            })
            .collect()
    };
    // A list cut to one case file: the other one stays to review.
    let first = lead.since_review(1).unwrap();
    assert_eq!((first.total_cases, first.cases.len()), (2, 1));
    let shown_id = first.cases[0].case_id;
    lead.mark_reviewed(&as_seen(&first), first.read_ms).unwrap();
    let left = lead.since_review(10).unwrap();
    let ids: Vec<CaseId> = left.cases.iter().map(|c| c.case_id).collect();
    assert_eq!(ids, vec![if shown_id == case { other } else { case }]);

    // The lead reads the list; a colleague's change arrives before the
    // button is pressed: it stays to review.
    let shown = lead.since_review(10).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(5));
    worker
        .update_person(
            &case.to_string(),
            carnet_core::PersonPatch {
                commune: Some("Aubusson".into()),
                ..Default::default()
            },
        )
        .unwrap();
    carry(&worker, &mut lead, case);
    lead.mark_reviewed(&as_seen(&shown), shown.read_ms).unwrap();
    let left = lead.since_review(10).unwrap();
    assert_eq!(left.total_cases, 1);
    assert_eq!(left.cases[0].case_id, case);
    assert_eq!(left.cases[0].changes.len(), 1, "only the change that came after");
    assert_eq!(left.cases[0].changes[0].worker.as_deref(), Some("Anne"));

    let bad = ReviewedCase {
        case_id: case,
        heads: vec!["not a hash".into()],
    };
    assert_eq!(
        lead.mark_reviewed(&[bad], left.read_ms)
            .unwrap_err()
            .to_api()
            .kind,
        "invalid_input"
    );
}

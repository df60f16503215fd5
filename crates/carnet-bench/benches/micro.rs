//! Micro-benchmarks of the domain's hot paths, with criterion: loading a
//! case file, reading its view, applying and saving an edit, listing its
//! conflicts (the straight-line fast path and a merged note) and its
//! history; and the sync's packing of a day's push (30 case files' changes
//! inflated and compressed together into one entry's plaintext) and its
//! unpacking. Run with `cargo bench -p carnet-bench --bench micro`; the
//! results are in docs/BENCHMARKS.md.

use std::hint::black_box;

use carnet_core::{
    CaseFile, CaseId, DeviceId, Edit, EditContext, LocalDateTime, NewPerson, NewVisit, VisitId, VisitKind,
    VisitPatch,
};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};

const NOTE: &str = "Visite à domicile avec Mme Roux. Dossier RSA à compléter : il manque l'avis \
d'imposition et une attestation de la CAF. Elle a reçu un courrier de la CPAM au sujet de la \
complémentaire santé solidaire ; nous avons préparé la demande ensemble. Prochain passage dans \
quinze jours pour vérifier l'envoi des pièces et appeler la MSA si besoin.";

fn ctx(worker: &str, minute: u32) -> EditContext {
    EditContext {
        worker: worker.into(),
        time_ms: 1_780_000_000_000 + i64::from(minute) * 60_000,
        local_time: LocalDateTime::parse("2026-05-28T10:00").unwrap_or_else(|e| panic!("{e}")),
    }
}

fn visit(note: &str) -> NewVisit {
    NewVisit {
        id: VisitId::random(),
        at: LocalDateTime::parse("2026-05-28T09:30").unwrap_or_else(|e| panic!("{e}")),
        place: "domicile".into(),
        kind: VisitKind::Home,
        present: vec!["Mme Roux".into()],
        topics: vec!["CAF".into(), "logement".into()],
        duration_min: Some(45),
        note: note.into(),
    }
}

/// A case file with `visits` visits of about 400 characters each, as saved bytes.
fn case_file(visits: usize) -> (Vec<u8>, Vec<VisitId>) {
    let person = NewPerson {
        name: "Hélène Roux".into(),
        commune: "Felletin".into(),
        ..NewPerson::default()
    };
    let (mut file, _) = CaseFile::create(CaseId::random(), DeviceId::random(), person, &ctx("Anne", 0))
        .unwrap_or_else(|e| panic!("{e}"));
    let mut ids = Vec::new();
    for i in 0..visits {
        let v = visit(NOTE);
        ids.push(v.id);
        file.apply(&Edit::AddVisit(v), &ctx("Anne", i as u32 + 1))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    (file.save(), ids)
}

fn load(bytes: &[u8]) -> CaseFile {
    CaseFile::load(bytes, DeviceId::random()).unwrap_or_else(|e| panic!("{e}"))
}

fn note_edit(id: VisitId, note: String) -> Edit {
    Edit::EditVisit {
        id,
        patch: VisitPatch {
            note: Some(note),
            ..VisitPatch::default()
        },
    }
}

/// Two devices edited the same note concurrently, then merged.
fn merged(bytes: &[u8], visit: VisitId) -> Vec<u8> {
    let (mut a, mut b) = (load(bytes), load(bytes));
    a.apply(
        &note_edit(visit, format!("{NOTE} Rappeler lundi.")),
        &ctx("Anne", 500),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    b.apply(&note_edit(visit, format!("Urgent : {NOTE}")), &ctx("Bruno", 501))
        .unwrap_or_else(|e| panic!("{e}"));
    a.merge_bytes(&b.save()).unwrap_or_else(|e| panic!("{e}"));
    a.save()
}

fn benches(c: &mut Criterion) {
    for visits in [5, 200] {
        let (bytes, ids) = case_file(visits);
        let mut group = c.benchmark_group(format!("case file of {visits} visits"));
        group.bench_function("load", |b| b.iter(|| load(black_box(&bytes))));
        let file = load(&bytes);
        group.bench_function("view", |b| b.iter(|| black_box(&file).view()));
        group.bench_function("edit a note and save the change", |b| {
            b.iter_batched(
                || load(&bytes),
                |mut file| {
                    file.apply(&note_edit(ids[0], format!("{NOTE} Vu.")), &ctx("Anne", 900))
                        .unwrap_or_else(|e| panic!("{e}"))
                },
                BatchSize::LargeInput,
            );
        });
        group.bench_function("conflicts, none (straight line)", |b| {
            b.iter_batched(
                || load(&bytes),
                |mut file| file.conflicts(),
                BatchSize::LargeInput,
            );
        });
        let with_merge = merged(&bytes, ids[0]);
        group.bench_function("conflicts, a merged note", |b| {
            b.iter_batched(
                || load(&with_merge),
                |mut file| file.conflicts(),
                BatchSize::LargeInput,
            );
        });
        group.bench_function("history", |b| {
            b.iter_batched(|| load(&bytes), |mut file| file.history(), BatchSize::LargeInput);
        });
        group.finish();
    }
}

/// The changes of a day's push: a visit in each of 30 case files, as the
/// store keeps them (Automerge compresses each large change on its own).
fn days_push() -> Vec<Vec<u8>> {
    (0..30)
        .map(|i| {
            let (bytes, _) = case_file(0);
            let mut file = load(&bytes);
            let change = file
                .apply(&Edit::AddVisit(visit(&format!("{NOTE} ({i})"))), &ctx("Anne", 90))
                .unwrap_or_else(|e| panic!("{e}"));
            change.bytes
        })
        .collect()
}

fn sync_benches(c: &mut Criterion) {
    let stored = days_push();
    let mut group = c.benchmark_group("a day's push (30 case files)");
    group.bench_function("inflate the changes and pack them (zstd)", |b| {
        b.iter(|| {
            let plain: Vec<Vec<u8>> = stored
                .iter()
                .map(|c| carnet_core::uncompressed_changes(black_box(c)).unwrap_or_else(|e| panic!("{e}")))
                .collect();
            let parts: Vec<&[u8]> = plain.iter().map(Vec::as_slice).collect();
            carnet_protocol::pack_changes(&parts).unwrap_or_else(|e| panic!("{e}"))
        });
    });
    let plain: Vec<Vec<u8>> = stored
        .iter()
        .map(|c| carnet_core::uncompressed_changes(c).unwrap_or_else(|e| panic!("{e}")))
        .collect();
    let parts: Vec<&[u8]> = plain.iter().map(Vec::as_slice).collect();
    let packed = carnet_protocol::pack_changes(&parts).unwrap_or_else(|e| panic!("{e}"));
    group.bench_function("unpack", |b| {
        b.iter(|| carnet_protocol::unpack_changes(black_box(&packed), 30).unwrap_or_else(|e| panic!("{e}")));
    });
    group.finish();
}

criterion_group! {
    name = micro;
    config = Criterion::default().sample_size(20);
    targets = benches, sync_benches
}
criterion_main!(micro);
